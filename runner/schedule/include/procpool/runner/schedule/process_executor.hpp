// The isolated executor: one child process per attempt, in a session of its own.
//
// An attempt that cannot start for want of something the run itself holds (descriptors under a
// low `ulimit -n`, processes under a low `ulimit -u`) waits instead of failing: it starts again
// as soon as another attempt ends, or, with none running, after a short back-off. Only when
// nothing is left to free resources for it does it fail to start.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <unordered_map>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/process/child.hpp"
#include "procpool/runner/schedule/alarm.hpp"
#include "procpool/runner/schedule/executor.hpp"

namespace procpool::schedule {

struct ProcessExecutorOptions {
  std::chrono::milliseconds grace{5000};  // SIGTERM -> SIGKILL
  std::size_t capture_memory_cap = Capture::default_memory_cap;
  std::chrono::milliseconds slow_after{0};  // zero: no slow notices
  // With nothing running to free resources, how long an attempt keeps retrying to start.
  std::chrono::milliseconds resource_patience{2000};
};

class ProcessExecutor final : public Executor {
 public:
  ProcessExecutor(boost::asio::io_context& io, ProcessExecutorOptions options)
      : io_(io), options_(options), retry_(io) {}

  // Each child gets PROCPOOL_TASK_INDEX (0-based), PROCPOOL_SLOT (1..jobs) and
  // PROCPOOL_ATTEMPT (1-based) on top of the task's own environment.
  void start(const Launch& launch, Observer observer) override;
  void stop_all(StopMode mode) override;

 private:
  struct Attempt : HeldAttempt {
    std::chrono::milliseconds waited{0};  // retrying with nothing running
  };
  void launch(std::shared_ptr<Attempt> attempt);
  void start_waiting();
  void retry_later();

  boost::asio::io_context& io_;
  ProcessExecutorOptions options_;
  std::uint64_t next_id_ = 0;
  std::unordered_map<std::uint64_t, std::shared_ptr<process::Child>> running_;
  std::deque<std::shared_ptr<Attempt>> waiting_;  // for resources, oldest first
  Alarm retry_;
  bool starved_ = false;  // see launch()
};

}  // namespace procpool::schedule
