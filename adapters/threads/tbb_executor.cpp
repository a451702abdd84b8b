#include "procpool/adapters/threads/tbb_executor.hpp"

#include <condition_variable>
#include <mutex>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

namespace procpool::threads {

struct TbbExecutor::State {
  explicit State(unsigned threads)
      // TBB's market lends an arena at most (max_allowed_parallelism - 1) worker threads, by
      // default cores - 1: raise it so the arena really gets N workers...
      : parallelism(tbb::global_control::max_allowed_parallelism, threads + 1),
        // ...and reserve no slot for an external thread: ours is the event loop, which only
        // enqueues, so all N slots go to TBB's workers.
        arena(static_cast<int>(threads), 0) {}

  tbb::global_control parallelism;
  tbb::task_arena arena;
  std::mutex mutex;
  std::condition_variable idle;
  std::size_t pending = 0;
};

TbbExecutor::TbbExecutor(boost::asio::io_context& io, unsigned threads, TaskBody body)
    : InProcessExecutor(io, std::move(body)),
      state_(std::make_unique<State>(std::max(1u, threads))) {}

TbbExecutor::~TbbExecutor() {
  std::unique_lock<std::mutex> lock(state_->mutex);
  state_->idle.wait(lock, [&] { return state_->pending == 0; });
}

void TbbExecutor::submit(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    ++state_->pending;
  }
  // enqueue, not execute: it returns at once, and enqueued tasks run in FIFO order as the
  // scheduler submitted them.
  state_->arena.enqueue([state = state_.get(), job = std::move(job)] {
    job();
    std::lock_guard<std::mutex> lock(state->mutex);
    if (--state->pending == 0) state->idle.notify_all();
  });
}

std::unique_ptr<schedule::Executor> make_tbb_executor(boost::asio::io_context& io, unsigned threads,
                                                      TaskBody body) {
  return std::make_unique<TbbExecutor>(io, threads, std::move(body));
}

}  // namespace procpool::threads
