// The type-erased engine under procpool::Pool: worker processes (forked, or this program spawned
// again) fed over sockets by a manager thread, which also notices a worker dying, fails only the
// task it was running, and forks a replacement — so the pool never hangs (CPython's Pool does:
// cpython #96062). Replacements are forked from the manager thread, so a task must not rely on
// locks another parent thread might hold at that moment (the same caveat as CPython's fork start
// method).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace procpool::detail {

// A call to make in a worker: `invoker(fn, args)` deserialises the arguments, calls fn and
// returns the serialised result (or throws). Both are plain function pointers, valid in a
// forked child because it has the parent's address space.
using AnyFunction = void (*)();
using Invoker = std::string (*)(AnyFunction fn, const std::string& args);

struct Invocation {
  Invoker invoker = nullptr;
  AnyFunction fn = nullptr;
  std::string args;
};

enum class StartMethod { fork, spawn };

// As in CPython: fork on Linux; spawn on Windows, which has no fork.
#ifdef _WIN32
inline constexpr StartMethod kDefaultStartMethod = StartMethod::spawn;
#else
inline constexpr StartMethod kDefaultStartMethod = StartMethod::fork;
#endif

class Waker;  // link.hpp

// A function a spawned worker can run, found by name. `map` is set for unary functions.
struct RegisteredTask {
  std::string name;
  Invoker call = nullptr;
  Invoker map = nullptr;
  AnyFunction fn = nullptr;
};
bool add_registered_task(RegisteredTask task);
const RegisteredTask* find_registered_task(const std::string& name);
const RegisteredTask* find_registered_task(AnyFunction fn);

// One submitted task's fate, shared by the manager thread and the AsyncResult.
struct TaskState {
  enum class Status { pending, done, remote_error, worker_crashed, terminated };
  std::mutex mutex;
  std::condition_variable changed;
  Status status = Status::pending;
  std::string payload;  // the result bytes, or the error's message
  std::string error_type;
  std::function<void()> on_finish;  // called once it is no longer pending (imap_unordered)

  // Settles it (once): wakes every get() and calls on_finish.
  void finish(Status how, std::string bytes, std::string type = {}) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      status = how;
      payload = std::move(bytes);
      error_type = std::move(type);
    }
    changed.notify_all();
    if (on_finish) on_finish();
  }
};

struct PoolConfig {
  unsigned processes = 0;  // 0: number of cores
  std::optional<Invocation> initializer;
  unsigned max_tasks_per_child = 0;  // 0: unlimited
  std::chrono::milliseconds terminate_grace{1000};
  unsigned prefetch = 32;  // tasks in flight per worker
  StartMethod start_method = kDefaultStartMethod;
  std::string executable;  // spawn: the workers' program; empty: this program
};

class PoolCore {
 public:
  explicit PoolCore(PoolConfig config);
  ~PoolCore();  // terminate()
  PoolCore(const PoolCore&) = delete;
  PoolCore& operator=(const PoolCore&) = delete;

  // UsageError once closed. `on_finish` runs (on the manager thread) when the task ends.
  std::shared_ptr<TaskState> submit(Invocation invocation, std::function<void()> on_finish = {});
  void close();
  void join();       // UsageError unless closed or terminated
  void terminate();  // stops every worker (SIGTERM, grace, SIGKILL); pending tasks fail
  std::vector<int> worker_pids() const;
  unsigned size() const { return config_.processes; }

 private:
  struct Queued {
    Invocation invocation;
    std::shared_ptr<TaskState> state;
    std::size_t wire_bytes = 0;  // its encoded size, once sent
  };
  struct Worker {
    int pid = -1;
    int pidfd = -1;  // its exit handle (Linux: a pidfd; Windows: its process handle)
    int fd = -1;     // our end of its link (a socket): tasks out, results in
    // Sent, not yet answered, in order: the front one is running, the rest wait in the socket.
    // Keeping several in flight lets a worker go from task to task without a round trip.
    std::deque<Queued> in_flight;
    unsigned done = 0;   // tasks it finished; at maxtasksperchild it is retiring: send no more
    bool ready = false;  // it said it is ready to serve (its initializer ran)
    std::string inbox;   // bytes received, not yet a whole result
    // Bytes for the worker not sent yet (it is busy and its socket full, or stopped): sent as
    // the socket drains, so the manager never blocks on one worker.
    std::deque<std::string> outbox;
    std::size_t outbox_sent = 0;  // of outbox.front()
  };

  Worker start_worker();
  Worker spawn_worker();
  std::string encode_for_worker(const Invocation& call) const;
  void manage();  // the manager thread
  void dispatch();
  void flush_outbox(Worker& worker);
  void on_result(Worker& worker);
  void on_reply(Worker& worker, const std::string& reply);
  void on_worker_gone(Worker& worker);
  void stop_workers();
  void wake();

  PoolConfig config_;
  mutable std::mutex mutex_;
  std::deque<Queued> queue_;
  std::vector<Worker> workers_;
  bool closed_ = false;
  bool joining_ = false;
  bool terminating_ = false;
  // Workers that died before they were ready, in a row. At two the pool is broken: it starts
  // no more (a program whose workers cannot start would otherwise replace them for ever), and
  // every task left fails with `broken_`, which says why.
  unsigned failed_starts_ = 0;
  std::string broken_;
  std::unique_ptr<Waker> waker_;
  std::atomic<bool> wake_pending_{false};
  std::thread manager_;
};

}  // namespace procpool::detail
