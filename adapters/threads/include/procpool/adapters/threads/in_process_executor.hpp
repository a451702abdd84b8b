// Executors that run a task as a function call in this process instead of a child: the
// baselines procpool's process executors are measured against. What a task does is the
// caller's TaskBody (the benchmarks give theirs); these executors only decide which thread
// runs it, time it, and hand the result back to the event loop.
#pragma once

#include <atomic>
#include <functional>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/schedule/executor.hpp"

namespace procpool::threads {

// Runs one attempt of a task's command, in this process, and says how it went (outcome, output).
// May run on any thread.
using TaskBody = std::function<AttemptResult(const Command& command)>;

class InProcessExecutor : public schedule::Executor {
 public:
  InProcessExecutor(boost::asio::io_context& io, TaskBody body) : io_(io), body_(std::move(body)) {}

  void start(const schedule::Launch& launch, schedule::Observer observer) final;
  // A function call cannot be interrupted: tasks not begun yet end as cancelled, running ones
  // run to their end and are then reported as cancelled.
  void stop_all(schedule::StopMode mode) final;

 protected:
  // Runs `job` on one of the executor's threads (or inline). Never blocks on the job.
  virtual void submit(std::function<void()> job) = 0;
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context& io_;
  TaskBody body_;
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
