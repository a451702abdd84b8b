// The isolated executor: one child process per attempt, in its own process group.
#pragma once

#include <chrono>
#include <memory>
#include <unordered_map>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/process/child.hpp"
#include "procpool/runner/schedule/executor.hpp"

namespace procpool::schedule {

struct ProcessExecutorOptions {
  std::chrono::milliseconds default_timeout{0};  // zero: none; a task's own timeout wins
  std::chrono::milliseconds grace{5000};         // SIGTERM -> SIGKILL
  std::size_t capture_memory_cap = Capture::default_memory_cap;
  std::chrono::milliseconds slow_after{0};  // zero: no slow notices
};

class ProcessExecutor final : public Executor {
 public:
  ProcessExecutor(boost::asio::io_context& io, ProcessExecutorOptions options)
      : io_(io), options_(options) {}

  // Each child gets PROCPOOL_TASK_INDEX (0-based), PROCPOOL_SLOT (1..jobs) and
  // PROCPOOL_ATTEMPT (1-based) on top of the task's own environment.
  void start(const Launch& launch, AttemptCallbacks callbacks) override;
  void stop_all(StopMode mode) override;

 private:
  boost::asio::io_context& io_;
  ProcessExecutorOptions options_;
  std::uint64_t next_id_ = 0;
  std::unordered_map<std::uint64_t, std::shared_ptr<process::Child>> running_;
};

}  // namespace procpool::schedule
