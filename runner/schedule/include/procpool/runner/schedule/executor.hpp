// What the scheduler runs tasks on. The process executor gives each attempt a child process of
// its own; tests use a fake one and the benchmarks swap in thread pools behind the same interface.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/task.hpp"

namespace procpool::schedule {

struct Launch {
  std::size_t index = 0;  // the task's position in the run
  unsigned attempt = 1;   // 1-based
  unsigned slot = 1;      // 1..jobs; no two running attempts share one
  const TaskSpec* spec = nullptr;
};

struct AttemptCallbacks {
  std::function<void(AttemptResult)> done;              // exactly once
  std::function<void(std::chrono::milliseconds)> slow;  // optional, any number of times
};

enum class StopMode {
  graceful,   // the stop policy: SIGTERM to the group, grace period, SIGKILL
  immediate,  // SIGKILL now
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Starts one attempt. Callbacks run later, on the run's event loop, never inside start().
  virtual void start(const Launch& launch, AttemptCallbacks callbacks) = 0;
  // Stops every running attempt; each still reports through its `done`, as cancelled.
  virtual void stop_all(StopMode mode) = 0;
};

}  // namespace procpool::schedule
