#include "procpool/adapters/bench/pool_executor.hpp"

#include <mutex>
#include <stdexcept>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "procpool/adapters/bench/workload.hpp"
#include "procpool/pool.hpp"

namespace procpool::bench {

namespace {

// What a pool worker runs: the same words every executor gets.
// Pool tasks report failures as exceptions (the library's way): RemoteError in the harness.
std::uint64_t run_task_words(std::vector<std::string> words) {
  auto checksum = run_words(words);
  if (!checksum) throw std::runtime_error(checksum.error());
  return *checksum;
}

}  // namespace

struct PoolExecutor::State {
  State(boost::asio::io_context& io, unsigned processes)
      : io(io),
        pool(PoolOptions{.processes = processes,
                         .terminate_grace = std::chrono::milliseconds(200)}) {}
  boost::asio::io_context& io;
  Pool pool;
  bool terminated = false;
  // Tasks whose results are ready, handed from the pool's manager thread to the event loop. One
  // post drains all that gathered meanwhile: a burst of results costs the loop one wake-up.
  std::mutex mutex;
  std::vector<std::function<void()>> ready;
};

PoolExecutor::PoolExecutor(boost::asio::io_context& io, unsigned processes)
    : state_(std::make_shared<State>(io, std::max(1u, processes))) {}

PoolExecutor::~PoolExecutor() { state_->pool.terminate(); }

void PoolExecutor::start(const schedule::Launch& launch, schedule::Observer observer) {
  const std::vector<std::string>& argv = launch.command().argv;
  std::vector<std::string> words(argv.empty() ? argv.end() : argv.begin() + 1, argv.end());
  struct Pending {
    std::optional<AsyncResult<std::uint64_t>> result;
    schedule::Observer observer;
    WallTime started_at = std::chrono::system_clock::now();
    SteadyTime start = std::chrono::steady_clock::now();
    // The loop must not run out of work while the task is in the pool.
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_loop;
  };
  auto pending =
      std::make_shared<Pending>(Pending{.keep_loop = boost::asio::make_work_guard(state_->io)});
  pending->observer = std::move(observer);
  // The notice comes on the pool's manager thread; the result is read on the event loop, where
  // `pending->result` was set (start() returned before the posted handler can run).
  auto complete = [pending] {
    AttemptResult result;
    result.started_at = pending->started_at;
    result.duration = std::chrono::steady_clock::now() - pending->start;
    try {
      const std::uint64_t checksum = pending->result->get();
      auto out = std::make_shared<Capture>();
      out->append(std::to_string(checksum) + "\n");
      result.out = std::move(out);
      result.outcome = Outcome::exited(0);
    } catch (const WorkerCrashed& e) {
      result.outcome = Outcome::exited(1);
      result.outcome.message = e.what();
    } catch (const RemoteError& e) {
      result.outcome = Outcome::exited(1);
      result.outcome.message = e.what();
    } catch (const Error& e) {  // the pool was terminated by stop_all
      result.outcome.kind = OutcomeKind::cancelled;
      result.outcome.message = e.what();
    }
    pending->observer->done(std::move(result));
    pending->keep_loop.reset();
    // The task's state holds this callback, which holds `pending`, which holds the state:
    // dropping the result breaks the cycle (ASan's leak check found it).
    pending->result.reset();
  };
  // Runs on the manager thread while the executor lives (its destructor joins that thread), so
  // the raw State pointer is safe there; the posted drain holds a weak one, since it may be
  // discarded with the loop after the executor is gone.
  auto on_ready = [state = state_.get(), weak = std::weak_ptr<State>(state_),
                   complete = std::move(complete)] {
    bool first;
    {
      std::lock_guard<std::mutex> lock(state->mutex);
      first = state->ready.empty();
      state->ready.push_back(complete);
    }
    if (!first) return;  // a drain is already posted and will see this one
    boost::asio::post(state->io, [weak] {
      const auto state = weak.lock();
      if (!state) return;
      std::vector<std::function<void()>> batch;
      {
        std::lock_guard<std::mutex> lock(state->mutex);
        batch.swap(state->ready);
      }
      for (auto& task_done : batch) task_done();
    });
  };
  if (state_->terminated) {  // the scheduler starts nothing after stop_all; be safe anyway
    boost::asio::post(state_->io, [pending] {
      AttemptResult result;
      result.outcome.kind = OutcomeKind::cancelled;
      pending->observer->done(std::move(result));
    });
    return;
  }
  pending->result =
      state_->pool.apply_async_notify(std::move(on_ready), &run_task_words, std::move(words));
}

void PoolExecutor::stop_all(schedule::StopMode) {
  state_->terminated = true;
  state_->pool.terminate();
}

}  // namespace procpool::bench
