// procpool::Process — Python's multiprocessing.Process in C++:
//
//   void run_proc(const std::string& name) { ... }
//   PROCPOOL_TASK(run_proc);          // needed for the spawn start method only
//
//   procpool::Process p(run_proc, std::string("test"));
//   p.start();
//   p.join();
//   p.exitcode();  // 0; 1 if the target threw; empty while running; see below for crashes
//
// Start methods (as CPython's):
//  - fork (the default on Linux): the child is a copy of this process and runs the target, which
//    may be any callable (a lambda that captures included); its arguments are copied by fork.
//  - spawn (the default on Windows, the only one there; on Linux ask for it with
//    `Process(procpool::StartMethod::spawn, target, args...)`): the child is this program started
//    again, which must begin main() with the run_worker_if_requested() guard (pool.hpp); the
//    target must be a function registered with PROCPOOL_TASK and its arguments serialisable
//    (serialize.hpp), since they travel to the child. The constructor with an explicit start
//    method takes only such targets and arguments, so either method can run them.
//
// What can fail, and how you learn it:
//  - The target throws: the child prints "Process <pid>: uncaught <type>: <what>" on stderr and
//    exits with 1, as Python does.
//  - The child crashes: exitcode() is -N for a signal N (Linux); on Windows the exception code as
//    Windows gives it (0xC0000005, access violation, reads as the int -1073741819).
//    terminate() and kill() give -SIGTERM / -SIGKILL (on Windows both end it at once with
//    TerminateProcess, as CPython's do, and give -15 / -9).
//  - start() twice, join() before start(): UsageError. Spawn with an unregistered target, or fork
//    on Windows: UsageError at start(). No process can be made: Error naming the reason.
//  - A spawned child whose program lacks the guard says so on stderr and exits with 87.
//
// Standard C and C++ streams are flushed before the child starts (as CPython does) and by the
// child before it exits, so buffered output is never printed twice. The child dies with its
// parent (Linux: PR_SET_PDEATHSIG, from the library's long-lived starter thread; Windows: a job
// object). Destroying a started, unjoined Process stops it and reaps it: no orphans, no zombies.
// As for Pool, starting one restores SIGCHLD's default disposition if it was ignored.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "procpool/detail/invocation.hpp"
#include "procpool/errors.hpp"
#include "procpool/spawn.hpp"

namespace procpool {

struct StopPolicy;
using StartMethod = detail::StartMethod;

class Process {
 public:
  // The platform's start method: fork on Linux, spawn on Windows.
  template <typename Target, typename... Args>
  requires(!std::same_as<std::decay_t<Target>, StartMethod>) explicit Process(Target&& target,
                                                                              Args&&... args) {
    if constexpr (detail::kDefaultStartMethod == StartMethod::fork) {
      target_ = [target = std::forward<Target>(target),
                 arguments = std::make_tuple(std::forward<Args>(args)...)]() mutable {
        std::apply(target, arguments);
      };
    } else if constexpr (detail::Task<Target>) {
      method_ = StartMethod::spawn;
      spawn_call_ = detail::make_invocation(+target, std::forward<Args>(args)...);
    } else {
      static_assert(detail::Task<Target>,
                    "procpool::Process: here a Process is spawned (this program started again), "
                    "so its target must be a function registered with PROCPOOL_TASK");
    }
  }

  // An explicit start method; `target` a function or captureless lambda, `args` serialisable.
  template <detail::Task Target, typename... Args>
  Process(StartMethod method, Target&& target, Args&&... args)
      : method_(method),
        spawn_call_(detail::make_invocation(+target, args...)),
        target_([fn = +target, arguments = std::make_tuple(std::forward<Args>(args)...)]() mutable {
          std::apply(fn, arguments);
        }) {}
  template <typename Target, typename... Args>
  requires detail::kNotATask<Target> Process(StartMethod, Target&&, Args&&...) {
    detail::reject_task<Target>();
  }

  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();

  void start();                                  // UsageError if already started
  void join();                                   // UsageError if never started
  bool join(std::chrono::milliseconds timeout);  // true once it has exited
  int pid() const { return pid_; }               // -1 before start()
  bool is_alive();
  std::optional<int> exitcode();
  // SIGTERM, wait up to `grace`, then SIGKILL; returns once the process is reaped.
  void terminate(std::chrono::milliseconds grace = std::chrono::seconds(5));
  void kill();  // SIGKILL and reap

 private:
  bool reap(int wait_ms);  // waits up to wait_ms (-1: forever) for the exit; true if reaped
  void stop(const StopPolicy& policy);
  void release();
  void spawn();

  StartMethod method_ = StartMethod::fork;
  std::optional<detail::Invocation> spawn_call_;  // the target for spawn, by name when sent
  std::function<void()> target_;                  // the target for fork
  int pid_ = -1;
  int pidfd_ = -1;  // its exit handle (Linux: a pidfd; Windows: its process handle)
  std::optional<int> exitcode_;
};

}  // namespace procpool
