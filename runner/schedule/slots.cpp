#include "procpool/runner/schedule/slots.hpp"

#include <algorithm>

namespace procpool::schedule {

void Slots::reset(unsigned jobs) {
  jobs_ = std::max(1u, jobs);
  busy_.assign(jobs_, false);
  running_ = 0;
  load_ = 0;
  serial_running_ = false;
  held_locks_.clear();
}

unsigned Slots::processors(const TaskSpec& task) const {
  return std::clamp(task.processors, 1u, jobs_);
}

std::optional<std::string> Slots::blocked_by(const TaskSpec& task) const {
  for (const auto& lock : task.resource_locks) {
    if (held_locks_.count(lock)) return lock;
  }
  // A task wider than what is free waits; alone it may take every slot.
  if (load_ > 0 && load_ + processors(task) > jobs_) return std::string();
  return std::nullopt;
}

unsigned Slots::take_number() {
  const auto free_slot = std::find(busy_.begin(), busy_.end(), false);
  *free_slot = true;
  ++running_;
  return static_cast<unsigned>(free_slot - busy_.begin()) + 1;
}

void Slots::free_number(unsigned slot) {
  busy_[slot - 1] = false;
  --running_;
}

unsigned Slots::take(const TaskSpec& task) {
  const unsigned slot = take_number();
  load_ += processors(task);
  serial_running_ = serial_running_ || task.run_serial;
  held_locks_.insert(task.resource_locks.begin(), task.resource_locks.end());
  return slot;
}

std::vector<std::string> Slots::release(const TaskSpec& task, unsigned slot) {
  free_number(slot);
  load_ -= processors(task);
  if (task.run_serial) serial_running_ = false;
  std::vector<std::string> freed;
  for (const auto& lock : task.resource_locks) {
    const auto held = held_locks_.find(lock);
    if (held == held_locks_.end()) continue;
    held_locks_.erase(held);
    if (!held_locks_.count(lock)) freed.push_back(lock);
  }
  return freed;
}

unsigned Slots::take_one() {
  ++load_;
  return take_number();
}

void Slots::release_one(unsigned slot) {
  --load_;
  free_number(slot);
}

}  // namespace procpool::schedule
