// The scheduling loop: fills free slots from the task list in order (a task waiting for a
// resource lock is passed over; a run-serial task waits until nothing runs and holds back those
// behind it), reaps one finished attempt at a time, retries failures, applies the halt policy and
// cancellation, and tells reporters what happened through typed events. It knows only the Executor
// interface.
//
// Batches: tests the plan put in one batch (TaskSpec::batch) start together as one attempt when
// the executor can run batches. Each member reports on its own, with how far its process vouches
// for it (BatchEvidence); members that never started come back to the front of the queue.
//  - A member that fails, crashes or times out in a batch runs again alone to confirm it: the
//    same verdict alone stands. A pass alone is checked against the order: it runs once more
//    after the tests that ran before it in its batch, in one process, while no other process of
//    its program runs (two could race on the program's files). Failing again there makes it
//    order-dependent (passing, listed apart); passing makes it flaky.
//  - Members whose process did not vouch for them (it ended badly after they finished) run
//    again: as a batch of their own when a test took the blame for the end (the same tests
//    before them, without the one that ended it), else each alone.
// None of these is a retry: --retries counts on top of them.
//
// Dependencies (TaskSpec::after): a task waits, passed over like a locked one, until every task
// it names has its final verdict; when one it needs passed (after_passing) did not, it is
// reported not run without starting. PROCESSORS: a task takes that many of the -j slots.
//
// In parts: dependencies.hpp (who waits for whom), slots.hpp (capacity and locks),
// waiting_tasks.hpp (the queue, with tasks that cannot start parked off it), this file (attempts,
// retries, verdicts, halts) and scheduler_batches.cpp (batches, confirmations, order checks).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/schedule/dependencies.hpp"
#include "procpool/runner/schedule/executor.hpp"
#include "procpool/runner/schedule/halt_policy.hpp"
#include "procpool/runner/schedule/slots.hpp"
#include "procpool/runner/schedule/task_list.hpp"
#include "procpool/runner/schedule/waiting_tasks.hpp"

namespace procpool::schedule {

// What a task may need besides a slot while it runs, kept by its source (CTest's resource
// groups): a task starts only once admitted, and holds what it was given until released.
class Admission {
 public:
  virtual ~Admission() = default;
  // Whether task `index` may start now; when true, it holds its share until release(index).
  virtual bool admit(std::size_t index, const TaskSpec& task) = 0;
  virtual void release(std::size_t index) = 0;
};

struct SchedulerConfig {
  unsigned jobs = 1;     // at most this many attempts at once
  unsigned retries = 0;  // extra attempts for a task that failed, crashed or timed out
  HaltPolicy halt;
  // --timeout: the deadline of a task without one of its own (none: no limit).
  std::optional<std::chrono::milliseconds> default_timeout;
  Admission* admission = nullptr;  // optional; single attempts only (batches need none)
};

class Scheduler {
 public:
  Scheduler(Executor& executor, SchedulerConfig config, std::vector<Reporter*> reporters);

  // Starts the run; tasks start in the order given. `on_finished` is called once, after the
  // last attempt has finished and every reporter has seen RunFinished.
  void start(std::vector<TaskSpec> tasks, std::function<void(const RunSummary&)> on_finished);
  // The same for tasks made on demand (see task_list.hpp).
  void start(std::unique_ptr<TaskList> tasks, std::function<void(const RunSummary&)> on_finished);

  // Stops the run: no new tasks; running ones are stopped gracefully or at once. A second call
  // with immediate=true escalates. Called before start(), the run starts cancelled: nothing is
  // launched and every task is reported as not run.
  void cancel(CancelReason reason, bool immediate);

  const RunSummary& summary() const { return summary_; }

 private:
  struct TaskState {
    unsigned attempts = 0;
    bool failed_before = false;
    bool alone = false;       // no more batches for it: it runs in a process of its own
    bool confirming = false;  // failed in a batch; its next attempt (alone) confirms that
    bool rerunning = false;   // its batch did not vouch for it; its next attempt decides
    unsigned reruns = 0;
    // Failed in a batch, passed alone: waiting for (or running) the check against the order.
    bool checking_order = false;
    std::optional<AttemptResult> passed_alone;  // held meanwhile
    unsigned confirmations = 0;  // attempts that were not retries (confirmations, reruns, checks)
    std::uint64_t regroup = 0;   // the batch it runs again in, when its own batch did not vouch
    std::vector<std::size_t> ran_before;  // its batch's tests that ran before it failed there
  };

  void fill_slots();
  enum class Next { start, look_again, wait };
  // Whether the queue's front task `index` can start now. When it cannot, it is parked (or
  // settled without a process: disabled, a failed prerequisite) and the queue has a new front
  // (look_again), or nothing may start before it (wait: a run-serial task waits for the rest).
  Next examine_front(std::size_t index);
  // Tells the tasks waiting for `index` that it has its verdict.
  void release_dependents(std::size_t index, OutcomeKind kind);
  // Parks the queue's front task until `reason` is woken.
  void park_front(const TaskSpec& task, const std::string& reason);
  // Puts `index` back at the front of the queue, to start before anything else.
  void requeue_first(std::size_t index);
  // Wakes what waited for a slot, a lock or the admission once an attempt has ended.
  void wake_after_release(const std::vector<std::string>& freed_locks);
  void report_not_run(std::size_t index, std::string reason, std::string output);
  bool batches(std::size_t index) const;
  std::uint64_t batch_of(std::size_t index) const;
  // A check against the order holds its program: no other process of it may start meanwhile.
  bool held_for_order_check(std::size_t index) const;
  void launch_order_check(std::size_t index);
  void count_running(std::size_t index, int change);
  // What an executor gets to start attempt `attempt` of task `index` on `slot`.
  Launch launch_of(std::size_t index, unsigned attempt, unsigned slot);
  void launch(std::size_t index);
  void launch_batch(std::vector<std::size_t> members);
  void on_attempt_done(std::size_t index, unsigned slot, AttemptResult result);
  // A batch member's result: confirmed alone, run again, or settled.
  void on_member_done(std::size_t index, AttemptResult result, BatchEvidence evidence,
                      std::vector<std::size_t> ran_before, std::vector<std::size_t>& unvouched);
  // What follows one finished attempt that stands: the check against the order, a retry, or the
  // final verdict.
  void settle(std::size_t index, AttemptResult result);
  void finalize(std::size_t index, const AttemptResult& result, bool order_dependent = false);
  void retried(std::size_t index, const AttemptResult& result, TaskRetried::Why why);
  std::vector<std::string> names_of(const std::vector<std::size_t>& indices) const;
  void halt(bool stop_running, CancelReason reason, bool immediate);
  void maybe_finish_run();
  template <typename Event, typename Method>
  void emit(Method method, const Event& event) {
    for (Reporter* reporter : reporters_) (reporter->*method)(event);
  }

  static const std::string kLoad, kAdmission, kLock, kIdle, kHeld;

  Executor& executor_;
  SchedulerConfig config_;
  std::vector<Reporter*> reporters_;
  std::unique_ptr<TaskList> tasks_;
  std::vector<TaskState> states_;
  WaitingTasks waiting_;
  Slots slots_;
  Dependencies dependencies_;
  bool starting_stopped_ = false;
  bool started_ = false;
  std::optional<std::pair<CancelReason, bool>> early_cancel_;
  bool finished_ = false;
  bool immediate_stop_sent_ = false;
  // Running processes per program (TaskSpec::batch_group), and programs held for a check.
  std::map<std::string, unsigned> group_running_;
  std::map<std::string, unsigned> group_held_;
  std::uint64_t next_regroup_ = std::uint64_t(1) << 63;  // above any batch the plan numbers
  SteadyTime run_started_{};
  RunSummary summary_;
  std::function<void(const RunSummary&)> on_finished_;
};

}  // namespace procpool::schedule
