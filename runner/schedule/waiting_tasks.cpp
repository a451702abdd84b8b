#include "procpool/runner/schedule/waiting_tasks.hpp"

#include <algorithm>

namespace procpool::schedule {

void WaitingTasks::enqueue_batch(std::size_t index, std::uint64_t batch) {
  batches_[batch].insert({key_[index], index});
  batch_of_[index] = batch;
}

void WaitingTasks::leave_batch(std::size_t index, bool parked) {
  if (batch_of_.empty()) return;
  const auto found = batch_of_.find(index);
  if (found == batch_of_.end()) return;
  const auto members = batches_.find(found->second);
  members->second.erase({key_[index], index});
  if (members->second.empty()) batches_.erase(members);
  if (!parked) batch_of_.erase(found);  // a parked task rejoins its batch when woken
}

void WaitingTasks::requeue(std::size_t index) {
  where_[index] = Where::queued;
  woken_.insert({key_[index], index});
  if (const auto found = batch_of_.find(index); found != batch_of_.end()) {
    batches_[found->second].insert({key_[index], index});
  }
}

std::optional<std::pair<WaitingTasks::Keyed, bool>> WaitingTasks::front_entry() {
  // Entries of tasks taken by their batch (or re-queued with a new place) are dropped here.
  while (!queue_.empty()) {
    const Entry& e = queue_.front();
    if (where_[e.index] == Where::queued && key_[e.index] == e.key) break;
    queue_.pop_front();
  }
  std::optional<std::pair<Keyed, bool>> best;
  if (!queue_.empty()) best = {{queue_.front().key, queue_.front().index}, false};
  if (!woken_.empty() && (!best || *woken_.begin() < best->first)) best = {*woken_.begin(), true};
  return best;
}

std::optional<std::size_t> WaitingTasks::front() {
  const auto entry = front_entry();
  if (!entry) return std::nullopt;
  return entry->first.second;
}

std::size_t WaitingTasks::remove_front(bool parked) {
  const auto [keyed, from_woken] = *front_entry();
  if (from_woken) {
    woken_.erase(woken_.begin());
  } else {
    queue_.pop_front();
  }
  leave_batch(keyed.second, parked);
  return keyed.second;
}

void WaitingTasks::pop_front() {
  where_[remove_front(/*parked=*/false)] = Where::gone;
  --waiting_;
}

void WaitingTasks::push_front(std::size_t index, std::uint64_t batch) {
  key_[index] = --next_front_;
  where_[index] = Where::queued;
  ++waiting_;
  queue_.push_front({key_[index], index});
  if (batch != 0) enqueue_batch(index, batch);
}

std::size_t WaitingTasks::park() {
  const std::size_t index = remove_front(/*parked=*/true);
  where_[index] = Where::parked;
  return index;
}

void WaitingTasks::park_front(const std::string& reason) {
  const std::size_t index = park();
  parked_[reason].insert({key_[index], index});
}

void WaitingTasks::park_front_until_woken() { parked_for_task_.insert(park()); }

void WaitingTasks::wake(const std::string& reason) {
  if (parked_.empty()) return;  // the usual case: every release asks
  const auto found = parked_.find(reason);
  if (found == parked_.end()) return;
  for (const auto& [key, index] : found->second) requeue(index);
  parked_.erase(found);
}

void WaitingTasks::wake_first(const std::string& reason) {
  if (parked_.empty()) return;
  const auto found = parked_.find(reason);
  if (found == parked_.end()) return;
  requeue(found->second.begin()->second);
  found->second.erase(found->second.begin());
  if (found->second.empty()) parked_.erase(found);
}

void WaitingTasks::wake_task(std::size_t index) {
  if (parked_for_task_.erase(index) == 0) return;  // still queued: it keeps its place anyway
  requeue(index);
}

std::vector<std::size_t> WaitingTasks::take_batch(std::uint64_t batch) {
  std::vector<std::size_t> members;
  const auto found = batches_.find(batch);
  if (found == batches_.end()) return members;
  for (const auto& [key, index] : found->second) {
    members.push_back(index);
    where_[index] = Where::gone;  // its queue entry is dropped when it reaches the front
    woken_.erase({key, index});
    batch_of_.erase(index);
    --waiting_;
  }
  batches_.erase(found);
  return members;
}

std::vector<std::size_t> WaitingTasks::drain() {
  std::vector<Keyed> all(woken_.begin(), woken_.end());
  for (const Entry& e : queue_) {
    if (where_[e.index] == Where::queued && key_[e.index] == e.key) all.push_back({e.key, e.index});
  }
  for (const auto& [reason, parked] : parked_) all.insert(all.end(), parked.begin(), parked.end());
  for (std::size_t index : parked_for_task_) all.push_back({key_[index], index});
  std::sort(all.begin(), all.end());
  std::vector<std::size_t> indices;
  indices.reserve(all.size());
  for (const auto& [key, index] : all) indices.push_back(index);
  *this = {};
  return indices;
}

}  // namespace procpool::schedule
