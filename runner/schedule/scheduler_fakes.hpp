// Test doubles for the scheduler's tests: an executor the test ends attempts on, a reporter
// that logs events as lines, and plain task lists.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "procpool/runner/schedule/scheduler.hpp"

namespace procpool::schedule::fakes {

class FakeExecutor final : public Executor {
 public:
  struct Running {
    Launch launch;
    AttemptCallbacks callbacks;
  };
  void start(const Launch& launch, AttemptCallbacks callbacks) override {
    running.push_back({launch, std::move(callbacks)});
    ++started;
  }
  void stop_all(StopMode mode) override {
    stops.push_back(mode);
    // A stopped attempt reports back as cancelled, later, like the process executor.
  }
  // Ends the oldest running attempt of task `index` with `outcome`.
  void finish(std::size_t index, Outcome outcome) {
    for (auto it = running.begin(); it != running.end(); ++it) {
      if (it->launch.index != index) continue;
      auto done = std::move(it->callbacks.done);
      running.erase(it);
      AttemptResult result;
      result.outcome = std::move(outcome);
      done(std::move(result));
      return;
    }
    FAIL() << "task " << index << " is not running";
  }
  std::vector<std::size_t> running_indices() const {
    std::vector<std::size_t> v;
    for (const auto& r : running) v.push_back(r.launch.index);
    return v;
  }
  std::vector<Running> running;
  std::vector<StopMode> stops;
  int started = 0;
};

class Recorder final : public Reporter {
 public:
  void on_task_started(const TaskStarted& e) override {
    log.push_back("start " + std::to_string(e.index) + " slot " + std::to_string(e.slot) +
                  " attempt " + std::to_string(e.attempt));
  }
  void on_task_retried(const TaskRetried& e) override {
    log.push_back("retry " + std::to_string(e.index));
  }
  void on_task_finished(const TaskFinished& e) override {
    log.push_back("finish " + std::to_string(e.index) + " " +
                  std::string(to_string(e.result->outcome.kind)) + (e.flaky ? " flaky" : ""));
  }
  void on_run_cancelled(const RunCancelled& e) override {
    log.push_back(std::string("cancel") + (e.immediate ? " immediate" : ""));
  }
  void on_run_finished(const RunFinished&) override { log.push_back("run finished"); }
  std::vector<std::string> log;
};

inline std::vector<TaskSpec> tasks(int n) {
  std::vector<TaskSpec> v(n);
  for (int i = 0; i < n; ++i) v[i].name = "t" + std::to_string(i);
  return v;
}

}  // namespace procpool::schedule::fakes
