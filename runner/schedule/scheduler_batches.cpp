// The scheduler's batches: launching a batch's process, what each member's result leads to
// (stands, confirmed alone, run again), and the check of a confirmed failure against the order of
// its batch. See scheduler.hpp for the rules.
#include <algorithm>
#include <functional>
#include <memory>

#include "procpool/runner/core/verdict.hpp"
#include "procpool/runner/schedule/scheduler.hpp"

namespace procpool::schedule {
namespace {

// The scheduler's side of a batch, as functions of its own state.
struct BatchFunctions final : BatchObserver {
  std::function<void(std::size_t)> started;
  std::function<void(std::size_t, AttemptResult, BatchEvidence)> finished;
  std::function<void(const std::string&)> waiting;
  std::function<void(std::vector<std::size_t>, bool)> ended;

  void member_started(std::size_t member) override {
    if (started) started(member);
  }
  void member_done(std::size_t member, AttemptResult result, BatchEvidence evidence) override {
    finished(member, std::move(result), evidence);
  }
  void pending(const std::string& reason) override {
    if (waiting) waiting(reason);
  }
  void done(std::vector<std::size_t> not_started, bool alone) override {
    ended(std::move(not_started), alone);
  }
};

}  // namespace

void Scheduler::launch_batch(std::vector<std::size_t> members) {
  const unsigned slot = slots_.take_one();
  count_running(members.front(), +1);
  BatchLaunch batch;
  batch.slot = slot;
  for (std::size_t index : members) {
    batch.members.push_back(launch_of(index, states_[index].attempts + 1, slot));
  }
  struct Shared {
    std::vector<std::size_t> began;      // the members that began so far, in order
    std::vector<std::size_t> unvouched;  // members to run again once the batch is done
  };
  auto shared = std::make_shared<Shared>();
  auto callbacks = std::make_shared<BatchFunctions>();
  callbacks->started = [this, members, slot, shared](std::size_t member) {
    const std::size_t index = members.at(member);
    const unsigned attempt = ++states_[index].attempts;
    const TaskSpec& task = tasks_->get(index);
    emit(&Reporter::on_task_started, TaskStarted{index, &task, attempt, slot});
    shared->began.push_back(index);
  };
  callbacks->finished = [this, members, shared](std::size_t member, AttemptResult result,
                                                BatchEvidence evidence) {
    const std::size_t index = members.at(member);
    // What ran before it matters only to a failure (and copying it for every member of a batch
    // of thousands cost seconds).
    std::vector<std::size_t> before;
    if (evidence == BatchEvidence::failed_in_batch) {
      before.assign(shared->began.begin(),
                    std::find(shared->began.begin(), shared->began.end(), index));
    }
    on_member_done(index, std::move(result), evidence, std::move(before), shared->unvouched);
    fill_slots();
  };
  callbacks->waiting = [this, first = members.front()](const std::string& reason) {
    emit(&Reporter::on_task_pending, TaskPending{first, &tasks_->get(first), reason});
  };
  callbacks->ended = [this, members, slot, shared](std::vector<std::size_t> not_started,
                                                   bool alone) {
    slots_.release_one(slot);
    count_running(members.front(), -1);
    wake_after_release({});
    // Back to the front, in their order, to start again before anything else.
    for (auto it = not_started.rbegin(); it != not_started.rend(); ++it) {
      const std::size_t index = members.at(*it);
      if (alone) states_[index].alone = true;
      requeue_first(index);
    }
    // Those it did not vouch for: the same tests before them, in a batch of their own, when a
    // test took the blame (so the one that ended the process is not among them); alone when
    // nothing did (or they were not vouched for before), so no batch fails the same way again.
    const std::uint64_t regroup = next_regroup_++;
    for (auto it = shared->unvouched.rbegin(); it != shared->unvouched.rend(); ++it) {
      TaskState& state = states_[*it];
      if (alone || state.reruns > 1) {
        state.alone = true;
      } else {
        state.regroup = regroup;
      }
      requeue_first(*it);
    }
    fill_slots();
    maybe_finish_run();
  };
  executor_.batches()->start_batch(batch, std::move(callbacks));
}

void Scheduler::launch_order_check(std::size_t index) {
  TaskState& state = states_[index];
  const unsigned slot = slots_.take_one();
  count_running(index, +1);
  BatchLaunch check;
  check.slot = slot;
  check.members.push_back(launch_of(index, state.attempts + 1, slot));
  for (std::size_t before : state.ran_before) {
    check.run_first.push_back(tasks_->get(before).batch_member);
  }
  auto started = std::make_shared<bool>(false);
  auto callbacks = std::make_shared<BatchFunctions>();
  callbacks->started = [this, index, slot, started](std::size_t) {
    *started = true;
    const unsigned attempt = ++states_[index].attempts;
    emit(&Reporter::on_task_started, TaskStarted{index, &tasks_->get(index), attempt, slot});
  };
  callbacks->finished = [this, index](std::size_t, AttemptResult result, BatchEvidence) {
    settle(index, std::move(result));
  };
  callbacks->ended = [this, index, slot, started](std::vector<std::size_t>, bool) {
    slots_.release_one(slot);
    count_running(index, -1);
    wake_after_release({});
    if (!*started) {
      // The tests before it ended the process before it began: nothing reproduced.
      AttemptResult passed = *states_[index].passed_alone;
      states_[index].passed_alone.reset();
      settle(index, std::move(passed));
    }
    fill_slots();
    maybe_finish_run();
  };
  executor_.batches()->start_batch(check, std::move(callbacks));
}

void Scheduler::on_member_done(std::size_t index, AttemptResult result, BatchEvidence evidence,
                               std::vector<std::size_t> ran_before,
                               std::vector<std::size_t>& unvouched) {
  TaskState& state = states_[index];
  if (starting_stopped_ || evidence == BatchEvidence::stands ||
      (evidence == BatchEvidence::failed_in_batch && !worth_retrying(result.outcome.kind))) {
    settle(index, std::move(result));
    return;
  }
  ++state.confirmations;
  if (evidence == BatchEvidence::unvouched) {
    state.rerunning = true;
    ++state.reruns;
    retried(index, result, TaskRetried::Why::rerun);
    unvouched.push_back(index);  // requeued when the batch is done: see launch_batch
    return;
  }
  // Failed in a batch: run it alone before believing it.
  state.alone = true;
  state.confirming = true;
  state.ran_before = std::move(ran_before);
  retried(index, result, TaskRetried::Why::confirm_alone);
  requeue_first(index);
}

}  // namespace procpool::schedule
