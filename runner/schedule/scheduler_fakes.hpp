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
    Observer observer;
  };
  void start(const Launch& launch, Observer observer) override {
    running.push_back({launch, std::move(observer)});
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
      Observer observer = std::move(it->observer);
      running.erase(it);
      AttemptResult result;
      result.outcome = std::move(outcome);
      observer->done(std::move(result));
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

// Runs batches as the test says: each start_batch is kept until the test ends it.
class FakeBatchExecutor final : public Executor, public BatchRunner {
 public:
  struct Batch {
    BatchLaunch launch;
    std::shared_ptr<BatchObserver> observer;
  };
  void start(const Launch& launch, Observer observer) override {
    singles.push_back({launch, std::move(observer)});
  }
  void stop_all(StopMode) override {}
  BatchRunner* batches() override { return this; }
  void start_batch(const BatchLaunch& launch, std::shared_ptr<BatchObserver> observer) override {
    running_batches.push_back({launch, std::move(observer)});
  }
  // Ends the oldest batch: members listed in `results` started and got those results; the rest
  // never started. `alone`: what the executor says of the rest.
  void end_batch(
      const std::vector<std::pair<std::size_t, std::pair<OutcomeKind, BatchEvidence>>>& results,
      bool alone = false) {
    Batch batch = std::move(running_batches.front());
    running_batches.erase(running_batches.begin());
    std::vector<std::size_t> not_started;
    for (std::size_t member = 0; member < batch.launch.members.size(); ++member) {
      bool found = false;
      for (const auto& [which, result] : results) {
        if (which != member) continue;
        found = true;
        batch.observer->member_started(member);
        AttemptResult attempt;
        attempt.outcome.kind = result.first;
        batch.observer->member_done(member, std::move(attempt), result.second);
      }
      if (!found) not_started.push_back(member);
    }
    batch.observer->done(std::move(not_started), alone);
  }
  void end_single(OutcomeKind kind) {
    auto single = std::move(singles.front());
    singles.erase(singles.begin());
    AttemptResult result;
    result.outcome.kind = kind;
    single.second->done(std::move(result));
  }
  std::vector<std::size_t> indices(const BatchLaunch& launch) const {
    std::vector<std::size_t> v;
    for (const auto& m : launch.members) v.push_back(m.index);
    return v;
  }
  std::vector<Batch> running_batches;  // started, not yet ended; oldest first
  std::vector<std::pair<Launch, Observer>> singles;
};

// A scheduler on a fake executor, with a recorder, that notes when the run finished.
template <typename Fake>
struct HarnessOn {
  explicit HarnessOn(SchedulerConfig config) : scheduler(executor, config, {&recorder}) {}
  explicit HarnessOn(unsigned jobs) : HarnessOn(SchedulerConfig{.jobs = jobs}) {}
  void start(int n) { start(tasks(n)); }
  void start(std::vector<TaskSpec> specs) {
    scheduler.start(std::move(specs), [this](const RunSummary& s) {
      finished = true;
      summary = s;
    });
  }
  Fake executor;
  Recorder recorder;
  Scheduler scheduler;
  bool finished = false;
  RunSummary summary;
};

}  // namespace procpool::schedule::fakes
