// procpool::Process — Python's multiprocessing.Process in C++:
//
//   procpool::Process p(run_proc, std::string("test"));
//   p.start();   // forks; the child runs run_proc("test") and leaves with _exit
//   p.join();
//   p.exitcode();  // 0; 1 if the target threw; -N if killed by signal N; empty while running
//
// Standard C and C++ streams are flushed before the fork (as CPython does) and by the child
// before it exits, so buffered output is never printed twice. The child dies with its parent
// (PR_SET_PDEATHSIG). Destroying a started, unjoined Process stops it (SIGTERM, a grace period,
// SIGKILL) and reaps it: no orphans, no zombies.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <tuple>
#include <utility>

#include "procpool/errors.hpp"

namespace procpool {

struct StopPolicy;

class Process {
 public:
  template <typename Target, typename... Args>
  explicit Process(Target&& target, Args&&... args)
      : target_([target = std::forward<Target>(target),
                 arguments = std::make_tuple(std::forward<Args>(args)...)]() mutable {
          std::apply(target, arguments);
        }) {}

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

  std::function<void()> target_;
  int pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> exitcode_;
};

}  // namespace procpool
