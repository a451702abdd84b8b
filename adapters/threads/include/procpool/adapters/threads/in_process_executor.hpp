// Executors that run a benchmark task as a function call in this process instead of a child:
// the baselines that procpool's process executors are measured against. They take the same
// TaskSpec as the process executor (argv = the worker program and the task's words, see
// procpool/bench/workload.hpp), run the same workload code, and report through the same
// AttemptResult: the checksum goes to the attempt's stdout capture as a decimal line.
#pragma once

#include <atomic>
#include <functional>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/schedule/executor.hpp"

namespace procpool::threads {

class InProcessExecutor : public schedule::Executor {
 public:
  explicit InProcessExecutor(boost::asio::io_context& io) : io_(io) {}

  void start(const schedule::Launch& launch, schedule::AttemptCallbacks callbacks) final;
  // A function call cannot be interrupted: tasks not begun yet end as cancelled, running ones
  // run to their end and are then reported as cancelled.
  void stop_all(schedule::StopMode mode) final;

 protected:
  // Runs `job` on one of the executor's threads (or inline). Never blocks on the job.
  virtual void submit(std::function<void()> job) = 0;
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context& io_;
  std::atomic<bool> stopping_{false};
};

// Runs one task after the other on the calling (event loop) thread: the baseline.
class SequentialExecutor final : public InProcessExecutor {
 public:
  using InProcessExecutor::InProcessExecutor;

 private:
  void submit(std::function<void()> job) override;
};

}  // namespace procpool::threads
