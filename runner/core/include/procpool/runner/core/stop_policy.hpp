// How a running task is stopped, as data (after reproc): up to a few {signal, wait} steps. One
// policy serves timeouts, Ctrl-C, halts (process::Child, to the task's whole process group),
// Pool::terminate() and Process::terminate() (process::stop_and_reap), so they all behave alike.
#pragma once

#include <chrono>
#include <csignal>
#include <vector>

#ifndef SIGKILL
// Windows' C runtime has no SIGKILL: its process layer reads this step as TerminateJobObject
// (and any other signal as Ctrl-Break to the task's process group).
#define SIGKILL 9
#endif

namespace procpool {

struct StopStep {
  int signal = SIGTERM;               // 0: send nothing, only wait
  std::chrono::milliseconds wait{0};  // how long to wait for the group to die before the next step
};

struct StopPolicy {
  std::vector<StopStep> steps;

  // SIGTERM, wait `grace`, then SIGKILL. The last step is always SIGKILL so stopping ends.
  static StopPolicy graceful(std::chrono::milliseconds grace) {
    return StopPolicy{{{SIGTERM, grace}, {SIGKILL, std::chrono::milliseconds(0)}}};
  }
  static StopPolicy immediate() { return StopPolicy{{{SIGKILL, std::chrono::milliseconds(0)}}}; }
  // No signal (0): wait up to `grace` for it to leave on its own, then SIGKILL.
  static StopPolicy wait_then_kill(std::chrono::milliseconds grace) {
    return StopPolicy{{{0, grace}, {SIGKILL, std::chrono::milliseconds(0)}}};
  }
};

}  // namespace procpool
