// How a running task is stopped, as data (after reproc): up to a few {signal, wait} steps sent
// to the task's whole process group. One policy serves timeouts, Ctrl-C, halts and
// Pool::terminate(), so they all behave alike.
#pragma once

#include <chrono>
#include <csignal>
#include <vector>

namespace procpool {

struct StopStep {
  int signal = SIGTERM;
  std::chrono::milliseconds wait{0};  // how long to wait for the group to die before the next step
};

struct StopPolicy {
  std::vector<StopStep> steps;

  // SIGTERM, wait `grace`, then SIGKILL. The last step is always SIGKILL so stopping ends.
  static StopPolicy graceful(std::chrono::milliseconds grace) {
    return StopPolicy{{{SIGTERM, grace}, {SIGKILL, std::chrono::milliseconds(0)}}};
  }
  static StopPolicy immediate() { return StopPolicy{{{SIGKILL, std::chrono::milliseconds(0)}}}; }
};

}  // namespace procpool
