// The scheduler's capacity: -j numbered slots, the load of what runs (a task takes as many slots'
// worth as its PROCESSORS; a batch takes one), the resource locks held, and whether a run-serial
// task runs. Knows nothing of the queue: it answers whether a task fits now, and what a finished
// attempt gives back.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "procpool/runner/core/task.hpp"

namespace procpool::schedule {

class Slots {
 public:
  explicit Slots(unsigned jobs = 1) { reset(jobs); }
  void reset(unsigned jobs);

  unsigned jobs() const { return jobs_; }
  unsigned running() const { return running_; }  // attempts (and batches) running
  bool serial_running() const { return serial_running_; }
  // No room for anything more (every slot's worth of load is taken).
  bool full() const { return load_ >= jobs_; }

  // Why `task` cannot start now though a slot is free: the lock it needs that is held, or ""
  // when it needs more processors than are free. Nothing when it fits. (Run-serial tasks are the
  // caller's: they wait for nothing to run at all.)
  std::optional<std::string> blocked_by(const TaskSpec& task) const;

  bool held(const std::string& lock) const { return held_locks_.count(lock) > 0; }

  // Takes a slot for one attempt of `task` (its processors, its locks, run-serial); returns the
  // slot number, 1..jobs, the lowest free.
  unsigned take(const TaskSpec& task);
  // Gives them back; returns the locks that are free again.
  std::vector<std::string> release(const TaskSpec& task, unsigned slot);

  // A batch's process: one slot, one processor, no locks.
  unsigned take_one();
  void release_one(unsigned slot);

 private:
  unsigned processors(const TaskSpec& task) const;
  unsigned take_number();
  void free_number(unsigned slot);

  unsigned jobs_ = 1;
  std::vector<bool> busy_;  // by slot number - 1
  unsigned running_ = 0;
  unsigned load_ = 0;
  bool serial_running_ = false;
  std::multiset<std::string> held_locks_;
};

}  // namespace procpool::schedule
