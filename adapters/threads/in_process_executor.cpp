#include "procpool/adapters/threads/in_process_executor.hpp"

#include <exception>
#include <stdexcept>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "procpool/adapters/bench/workload.hpp"

namespace procpool::threads {

void InProcessExecutor::start(const schedule::Launch& launch,
                              schedule::AttemptCallbacks callbacks) {
  // argv[0] is the worker program the process executor would start; the words follow it.
  const std::vector<std::string>& argv = launch.spec->argv;
  std::vector<std::string> words(argv.empty() ? argv.end() : argv.begin() + 1, argv.end());
  // The loop must not run out of work while a task is on another thread: hold it until the
  // result is posted back.
  auto keep_loop =
      std::make_shared<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
          io_.get_executor());
  submit([this, keep_loop, words = std::move(words), done = std::move(callbacks.done)]() mutable {
    AttemptResult result;
    result.started_at = std::chrono::system_clock::now();
    const auto start = std::chrono::steady_clock::now();
    if (stopping_.load(std::memory_order_relaxed)) {
      result.outcome.kind = OutcomeKind::cancelled;
    } else {
      try {
        const std::uint64_t checksum = bench::run(bench::from_words(words));
        auto out = std::make_shared<Capture>();
        out->append(std::to_string(checksum) + "\n");
        result.out = std::move(out);
        result.outcome = Outcome::exited(0);
      } catch (const std::invalid_argument& e) {
        result.outcome = Outcome::start_failure(e.what());
      } catch (const std::exception& e) {
        result.outcome = Outcome::exited(1);
        result.outcome.message = e.what();
      }
      if (stopping_.load(std::memory_order_relaxed)) result.outcome.kind = OutcomeKind::cancelled;
    }
    result.duration = std::chrono::steady_clock::now() - start;
    boost::asio::post(io_, [keep_loop = std::move(keep_loop), done = std::move(done),
                            result = std::move(result)]() mutable { done(std::move(result)); });
  });
}

void InProcessExecutor::stop_all(schedule::StopMode) {
  stopping_.store(true, std::memory_order_relaxed);
}

void SequentialExecutor::submit(std::function<void()> job) {
  boost::asio::post(io(), std::move(job));
}

}  // namespace procpool::threads
