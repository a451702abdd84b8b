// The tasks waiting to start, in the order they start: the run's order, except that a task put
// back at the front (a retry, a confirmation, a batch's members that never started) goes ahead
// of all. A task that cannot start yet (its lock is held, its prerequisites have no verdict, its
// program is held for a check) is *parked*: off the queue, keeping its place, until what it waits
// for is woken. So a refill looks only at the front, never past tasks that wait (it used to
// rescan them after every start: quadratic when many wait), and a batch's members are found by
// their batch, not by a scan of the queue.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace procpool::schedule {

class WaitingTasks {
 public:
  // Tasks 0..count-1 wait, in that order; `batch_of(i)`, when given, is the batch task i may
  // share a process in (0: none).
  template <typename BatchOf>
  void reset(std::size_t count, BatchOf batch_of);
  void reset(std::size_t count) {
    reset(count, [](std::size_t) { return std::uint64_t(0); });
  }

  // Queued or parked.
  bool empty() const { return waiting_ == 0; }
  // The first queued task (parked ones are not); nothing when none is queued.
  std::optional<std::size_t> front();
  // Takes the front task off to start it.
  void pop_front();
  // Puts `index` (not waiting) ahead of every waiting task; `batch` as for reset.
  void push_front(std::size_t index, std::uint64_t batch = 0);

  // Parks the front task until wake(reason).
  void park_front(const std::string& reason);
  // Parks the front task until wake_task() names it.
  void park_front_until_woken();
  // Parked tasks return to the queue at the place they had: all that wait for `reason`, or the
  // first of them (what only one can take, a lock).
  void wake(const std::string& reason);
  void wake_first(const std::string& reason);
  void wake_task(std::size_t index);

  // Takes off the queue the queued tasks of `batch`, in queue order.
  std::vector<std::size_t> take_batch(std::uint64_t batch);

  // Takes off every waiting task, queued and parked, in queue order.
  std::vector<std::size_t> drain();

 private:
  enum class Where : unsigned char { gone, queued, parked };
  struct Entry {
    std::int64_t key;
    std::size_t index;
  };
  using Keyed = std::pair<std::int64_t, std::size_t>;  // (place, task)

  void enqueue_batch(std::size_t index, std::uint64_t batch);
  void leave_batch(std::size_t index, bool parked);
  // Parks the front task (off the queue, out of its batch until woken); returns it.
  std::size_t park();
  // A woken task back on the queue (and in its batch) at its old place.
  void requeue(std::size_t index);
  // The front entry: from the queue (`from_woken` false) or the woken (true).
  std::optional<std::pair<Keyed, bool>> front_entry();
  // Takes the front entry off; returns its task.
  std::size_t remove_front(bool parked);

  std::vector<std::int64_t> key_;  // a task's place: smaller goes first
  std::vector<Where> where_;
  std::size_t waiting_ = 0;
  std::int64_t next_front_ = 0;  // keys below every other
  // Queued tasks in key order. Entries of tasks taken from the middle (by their batch) stay
  // until they reach the front, where they are known by a key that no longer matches.
  std::deque<Entry> queue_;
  std::set<Keyed> woken_;  // woken tasks, back from parking, by their old place
  std::unordered_map<std::string, std::set<Keyed>> parked_;
  std::unordered_set<std::size_t> parked_for_task_;
  std::unordered_map<std::uint64_t, std::set<Keyed>> batches_;  // queued members by batch
  std::unordered_map<std::size_t, std::uint64_t> batch_of_;     // of waiting tasks in one
};

template <typename BatchOf>
void WaitingTasks::reset(std::size_t count, BatchOf batch_of) {
  *this = {};
  key_.resize(count);
  where_.assign(count, Where::queued);
  waiting_ = count;
  for (std::size_t i = 0; i < count; ++i) {
    key_[i] = static_cast<std::int64_t>(i);
    queue_.push_back({key_[i], i});
    if (const std::uint64_t batch = batch_of(i); batch != 0) enqueue_batch(i, batch);
  }
}

}  // namespace procpool::schedule
