// procpool::Pool — Python's multiprocessing.Pool in C++, which never hangs when a worker dies.
//
//   int square(int x) { return x * x; }
//   procpool::Pool pool(4);
//   auto result = pool.apply_async(square, 7);   // procpool::AsyncResult<int>
//   result.get();                                 // 49
//   pool.map(square, std::vector<int>{1, 2, 3});  // {1, 4, 9}
//   pool.map([](int x) { return 2 * x; }, std::vector<int>{1, 2});  // {2, 4}
//   pool.close();
//   pool.join();
//
// Tasks: every method takes a function or a captureless lambda (anything `+fn` turns into a
// function pointer). With the fork start method (the default on Linux) workers are copies of
// this process made when the pool is, so a task is named by its address, as CPython names one by
// reference. With spawn, a worker is this program started again: a task must be a function
// registered with PROCPOOL_TASK (a lambda has no name to find it by). A lambda that captures, or
// a function object with state, cannot be sent to another process: it does not compile, with a
// message saying so. Arguments and results cross the process boundary with cereal
// (serialize.hpp): they must be serialisable.
//
// What can fail, and how you learn it:
//  - The task throws: get() throws RemoteError (type() names the exception, what() its message).
//  - The worker dies mid-task (a signal, _exit, the OOM killer): that task's get() throws
//    WorkerCrashed; the worker is replaced and every other task still completes.
//  - Workers die before they are ready to serve (a failing initializer; a spawn program without
//    the run_worker_if_requested() guard, whose copies refuse to make pools of their own
//    instead of starting a process storm): at the second such death in a row the pool starts no
//    more workers and every task left throws WorkerCrashed saying why.
//  - terminate() before a task finished: its get() throws Error.
//  - Submitting to a closed or terminated pool, join() on an open one, a spawn task that is not
//    registered: UsageError, at once, in the caller.
//  - The pool cannot be made (no fork, no socket, no /proc/self/exe): the constructor throws
//    Error naming the system call and its reason.
//
// What the pool does to the process (as CPython's does, but said here):
//  - Threads: a manager thread per pool (dispatches tasks, reaps and replaces workers) and one
//    process-wide *starter* thread that makes every worker, so a worker's "die with my parent"
//    (PR_SET_PDEATHSIG, which fires when the creating *thread* ends) lasts as long as the
//    process, not the thread that made the pool. Callbacks of apply_async_notify run on the
//    manager thread.
//  - SIGCHLD: when it is ignored (inherited from some CI agents and daemons), making a pool sets
//    it back to the default, because with SIGCHLD ignored the kernel reaps children itself and
//    their exit statuses (how a crash is told from a clean exit) are lost.
//  - Workers die with the process, and a Pool's destructor terminates and reaps them: none
//    outlives it.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "procpool/detail/invocation.hpp"
#include "procpool/detail/pool_core.hpp"
#include "procpool/errors.hpp"
#include "procpool/serialize.hpp"
#include "procpool/spawn.hpp"

namespace procpool {

// The task raised an exception in the worker; type() names it, what() is its message.
class RemoteError : public Error {
 public:
  RemoteError(std::string type, const std::string& message)
      : Error(type + ": " + message), type_(std::move(type)) {}
  const std::string& type() const { return type_; }

 private:
  std::string type_;
};

// The worker running the task died (a signal, _exit, the OOM killer); what() says how.
class WorkerCrashed : public Error {
 public:
  using Error::Error;
};

template <typename R>
class AsyncResult {
 public:
  explicit AsyncResult(std::shared_ptr<detail::TaskState> state) : state_(std::move(state)) {}

  // The result; throws RemoteError, WorkerCrashed, or Error if the pool was terminated.
  R get() {
    wait();
    return take();
  }
  R get(std::chrono::milliseconds timeout) {
    if (!wait(timeout)) throw TimeoutError("procpool::AsyncResult::get: timed out");
    return take();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(state_->mutex);
    state_->changed.wait(lock, [&] { return finished(); });
  }
  bool wait(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout, [&] { return finished(); });
  }
  bool ready() {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return finished();
  }
  // Whether it completed without an error; UsageError if not ready yet (as Python's ValueError).
  bool successful() {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (!finished()) throw UsageError("procpool::AsyncResult::successful: not ready");
    return state_->status == detail::TaskState::Status::done;
  }

 private:
  bool finished() const { return state_->status != detail::TaskState::Status::pending; }
  R take() {
    std::lock_guard<std::mutex> lock(state_->mutex);
    using Status = detail::TaskState::Status;
    switch (state_->status) {
      case Status::remote_error:
        throw RemoteError(state_->error_type, state_->payload);
      case Status::worker_crashed:
        throw WorkerCrashed(state_->payload);
      case Status::terminated:
        throw Error(state_->payload);
      default:
        break;
    }
    if constexpr (std::is_void_v<R>) {
      return;
    } else {
      return detail::from_bytes<R>(state_->payload);
    }
  }
  std::shared_ptr<detail::TaskState> state_;
};

// Results of imap_unordered in the order their chunks finish.
template <typename R>
class ResultStream {
 public:
  struct Order {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::size_t> finished;  // chunk indexes, as they completed
  };
  ResultStream(std::vector<AsyncResult<std::vector<R>>> chunks, std::shared_ptr<Order> order)
      : chunks_(std::move(chunks)), order_(std::move(order)) {}

  // The next result, or nothing once all are out. Throws what the task threw (see get()).
  std::optional<R> next() {
    while (buffer_.empty()) {
      if (taken_ == chunks_.size()) return std::nullopt;
      std::size_t index;
      {
        std::unique_lock<std::mutex> lock(order_->mutex);
        order_->changed.wait(lock, [&] { return !order_->finished.empty(); });
        index = order_->finished.front();
        order_->finished.pop_front();
      }
      ++taken_;
      for (auto& r : chunks_[index].get()) buffer_.push_back(std::move(r));
    }
    R value = std::move(buffer_.front());
    buffer_.pop_front();
    return value;
  }

 private:
  std::vector<AsyncResult<std::vector<R>>> chunks_;
  std::shared_ptr<Order> order_;
  std::deque<R> buffer_;
  std::size_t taken_ = 0;
};

// How workers start. fork: a copy of this process (fast; tasks are any plain function). spawn:
// this program started again in worker mode (no state copied; tasks must be registered with
// PROCPOOL_TASK and main() must begin with the guard, see run_worker_if_requested).
using StartMethod = detail::StartMethod;

struct PoolOptions {
  unsigned processes = 0;                                  // 0: number of cores
  StartMethod start_method = detail::kDefaultStartMethod;  // fork on Linux, spawn on Windows
  unsigned maxtasksperchild = 0;                           // 0: a worker lives as long as the pool
  std::optional<detail::Invocation> initializer;           // see procpool::initializer()
  std::chrono::milliseconds terminate_grace{1000};         // SIGTERM -> SIGKILL in terminate()
  // spawn only: the program workers run instead of this one (Python's
  // multiprocessing.set_executable). It must begin main() with the guard and register the
  // pool's tasks under the same names (link the same PROCPOOL_TASK sources). A program that
  // cannot start makes the constructor throw Error; with fork, the constructor throws UsageError.
  std::string executable;
};

// An initializer for PoolOptions: runs once in every worker when it starts.
template <typename... Args, typename... Given>
detail::Invocation initializer(void (*fn)(Args...), Given&&... args) {
  return detail::make_invocation(fn, std::forward<Given>(args)...);
}

class Pool {
 public:
  explicit Pool(unsigned processes = 0) : Pool(PoolOptions{.processes = processes}) {}
  explicit Pool(PoolOptions options)
      : core_(detail::PoolConfig{options.processes, std::move(options.initializer),
                                 options.maxtasksperchild, options.terminate_grace, 32,
                                 options.start_method, std::move(options.executable)}) {}

  template <typename R, typename... Args, typename... Given>
  AsyncResult<R> apply_async(R (*fn)(Args...), Given&&... args) {
    return AsyncResult<R>(core_.submit(detail::make_invocation(fn, std::forward<Given>(args)...)));
  }
  template <detail::Task F, typename... Given>
  auto apply_async(F&& fn, Given&&... args) {
    return apply_async(+fn, std::forward<Given>(args)...);
  }

  // apply_async that also calls `on_ready()` once the result is ready (Python's callback=):
  // for callers that must not block in get(). It runs on the pool's manager thread, so it
  // should only hand the news on (post to an event loop, notify a condition variable).
  template <typename R, typename... Args, typename... Given>
  AsyncResult<R> apply_async_notify(std::function<void()> on_ready, R (*fn)(Args...),
                                    Given&&... args) {
    return AsyncResult<R>(core_.submit(detail::make_invocation(fn, std::forward<Given>(args)...),
                                       std::move(on_ready)));
  }
  template <detail::Task F, typename... Given>
  auto apply_async_notify(std::function<void()> on_ready, F&& fn, Given&&... args) {
    return apply_async_notify(std::move(on_ready), +fn, std::forward<Given>(args)...);
  }

  // fn over every item, results in order; items go to workers `chunksize` at a time.
  template <typename R, typename A, typename Items>
  std::vector<R> map(R (*fn)(A), const Items& items, std::size_t chunksize = 0) {
    std::vector<AsyncResult<std::vector<R>>> chunks = submit_chunks(fn, items, chunksize);
    std::vector<R> results;
    for (auto& chunk : chunks) {
      for (auto& r : chunk.get()) results.push_back(std::move(r));
    }
    return results;
  }
  template <detail::Task F, typename Items>
  auto map(F&& fn, const Items& items, std::size_t chunksize = 0) {
    return map(+fn, items, chunksize);
  }

  // Like map, but results come as they finish: `while (auto r = stream.next()) use(*r);`.
  // (Each chunk's results together; chunksize 1 gives them one by one.)
  template <typename R, typename A, typename Items>
  ResultStream<R> imap_unordered(R (*fn)(A), const Items& items, std::size_t chunksize = 1) {
    auto order = std::make_shared<typename ResultStream<R>::Order>();
    auto chunks = submit_chunks(fn, items, chunksize, [order](std::size_t index) {
      {
        std::lock_guard<std::mutex> lock(order->mutex);
        order->finished.push_back(index);
      }
      order->changed.notify_one();
    });
    return ResultStream<R>(std::move(chunks), std::move(order));
  }
  template <detail::Task F, typename Items>
  auto imap_unordered(F&& fn, const Items& items, std::size_t chunksize = 1) {
    return imap_unordered(+fn, items, chunksize);
  }

  // fn(std::get<0>(t), std::get<1>(t), ...) for every tuple, results in order.
  template <typename R, typename... Args, typename Tuples>
  std::vector<R> starmap(R (*fn)(Args...), const Tuples& tuples) {
    std::vector<AsyncResult<R>> pending;
    for (const auto& t : tuples) {
      pending.push_back(std::apply([&](const auto&... a) { return apply_async(fn, a...); }, t));
    }
    std::vector<R> results;
    for (auto& p : pending) results.push_back(p.get());
    return results;
  }
  template <detail::Task F, typename Tuples>
  auto starmap(F&& fn, const Tuples& tuples) {
    return starmap(+fn, tuples);
  }

  // Anything else given as a task (a lambda that captures, a function object with state) could
  // not run in another process: said at compile time, in words.
  template <typename F, typename... Rest>
  requires detail::kNotATask<F>
  void apply_async(F&&, Rest&&...) { detail::reject_task<F>(); }
  template <typename F, typename... Rest>
  requires detail::kNotATask<F>
  void map(F&&, Rest&&...) { detail::reject_task<F>(); }
  template <typename F, typename... Rest>
  requires detail::kNotATask<F>
  void imap_unordered(F&&, Rest&&...) { detail::reject_task<F>(); }
  template <typename F, typename... Rest>
  requires detail::kNotATask<F>
  void starmap(F&&, Rest&&...) { detail::reject_task<F>(); }

  void close() { core_.close(); }
  void join() { core_.join(); }
  void terminate() { core_.terminate(); }
  std::vector<int> worker_pids() const { return core_.worker_pids(); }

 private:
  template <typename R, typename A, typename Items>
  std::vector<AsyncResult<std::vector<R>>> submit_chunks(
      R (*fn)(A), const Items& items, std::size_t chunksize,
      const std::function<void(std::size_t)>& on_finish = {}) {
    const std::size_t n = std::size(items);
    if (chunksize == 0) {  // CPython's default: about four chunks per worker
      chunksize = std::max<std::size_t>(1, (n + 4 * core_.size() - 1) / (4 * core_.size()));
    }
    std::vector<AsyncResult<std::vector<R>>> chunks;
    std::vector<std::decay_t<A>> chunk;
    for (const auto& item : items) {
      chunk.push_back(item);
      if (chunk.size() == chunksize) {
        chunks.push_back(submit_chunk(fn, std::move(chunk), on_finish, chunks.size()));
        chunk.clear();
      }
    }
    if (!chunk.empty())
      chunks.push_back(submit_chunk(fn, std::move(chunk), on_finish, chunks.size()));
    return chunks;
  }

  template <typename R, typename A>
  AsyncResult<std::vector<R>> submit_chunk(R (*fn)(A), std::vector<std::decay_t<A>> chunk,
                                           const std::function<void(std::size_t)>& on_finish,
                                           std::size_t index) {
    detail::Invocation call{&detail::invoke_map<R, A>, reinterpret_cast<detail::AnyFunction>(fn),
                            detail::to_bytes(chunk)};
    std::function<void()> notify;
    if (on_finish) notify = [on_finish, index] { on_finish(index); };
    return AsyncResult<std::vector<R>>(core_.submit(std::move(call), std::move(notify)));
  }

  detail::PoolCore core_;
};

}  // namespace procpool
