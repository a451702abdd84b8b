#include "procpool/adapters/threads/in_process_executor.hpp"

#include <exception>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

namespace procpool::threads {

void InProcessExecutor::start(const schedule::Launch& launch, schedule::Observer observer) {
  // The loop must not run out of work while a task is on another thread: hold it until the
  // result is posted back.
  auto keep_loop =
      std::make_shared<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
          io_.get_executor());
  submit([this, keep_loop, command = &launch.command(), observer = std::move(observer)]() mutable {
    const auto started_at = std::chrono::system_clock::now();
    const auto start = std::chrono::steady_clock::now();
    AttemptResult result;
    if (stopping_.load(std::memory_order_relaxed)) {
      result.outcome.kind = OutcomeKind::cancelled;
    } else {
      try {
        result = body_(*command);
      } catch (const std::exception& e) {  // never across the event loop
        result.outcome = Outcome::exited(1);
        result.outcome.message = e.what();
      }
      if (stopping_.load(std::memory_order_relaxed)) result.outcome.kind = OutcomeKind::cancelled;
    }
    result.started_at = started_at;
    result.duration = std::chrono::steady_clock::now() - start;
    boost::asio::post(
        io_, [keep_loop = std::move(keep_loop), observer = std::move(observer),
              result = std::move(result)]() mutable { observer->done(std::move(result)); });
  });
}

void InProcessExecutor::stop_all(schedule::StopMode) {
  stopping_.store(true, std::memory_order_relaxed);
}

void SequentialExecutor::submit(std::function<void()> job) {
  boost::asio::post(io(), std::move(job));
}

}  // namespace procpool::threads
