#include "procpool/runner/schedule/scheduler.hpp"

#include <algorithm>
#include <unordered_map>

#include "procpool/runner/core/verdict.hpp"

namespace procpool::schedule {

// What a parked task waits for (see WaitingTasks): these, a lock's name after kLock, a
// program's batch group after kIdle (no process of it running) or kHeld (no check holding it).
const std::string Scheduler::kLoad = "load";
const std::string Scheduler::kAdmission = "admission";
const std::string Scheduler::kLock = "lock:";
const std::string Scheduler::kIdle = "idle:";
const std::string Scheduler::kHeld = "held:";

Scheduler::Scheduler(Executor& executor, SchedulerConfig config, std::vector<Reporter*> reporters)
    : executor_(executor), config_(config), reporters_(std::move(reporters)) {
  config_.jobs = std::max(1u, config_.jobs);
}

void Scheduler::start(std::vector<TaskSpec> tasks,
                      std::function<void(const RunSummary&)> on_finished) {
  start(std::make_unique<TaskVector>(std::move(tasks)), std::move(on_finished));
}

void Scheduler::start(std::unique_ptr<TaskList> tasks,
                      std::function<void(const RunSummary&)> on_finished) {
  tasks_ = std::move(tasks);
  const std::vector<TaskSpec>* all = tasks_->all();
  if (all) dependencies_.link(*all);
  states_.assign(tasks_->size(), {});
  // Never more slots than tasks: a -j of four billion costs nothing.
  config_.jobs = static_cast<unsigned>(
      std::min<std::size_t>(config_.jobs, std::max<std::size_t>(1, tasks_->size())));
  slots_.reset(config_.jobs);
  on_finished_ = std::move(on_finished);
  summary_ = {};
  summary_.total = tasks_->size();
  run_started_ = std::chrono::steady_clock::now();
  // Only a list that holds its specs has batches (a generated one has none).
  const bool batching = all && executor_.batches();
  waiting_.reset(tasks_->size(),
                 [&](std::size_t i) { return batching ? (*all)[i].batch : std::uint64_t(0); });
  RunStarted started{tasks_->size(), config_.jobs};
  if (all) {
    std::set<std::uint64_t> batches;
    for (const TaskSpec& task : *all) {
      started.disabled_tasks += task.disabled;
      if (task.batch != 0 && !task.disabled && executor_.batches()) {
        batches.insert(task.batch);
        ++started.batched_tasks;
      }
    }
    started.batches = batches.size();
  }
  emit(&Reporter::on_run_started, started);
  started_ = true;
  if (early_cancel_) halt(true, early_cancel_->first, early_cancel_->second);
  fill_slots();
  maybe_finish_run();
}

void Scheduler::fill_slots() {
  while (!starting_stopped_ && !slots_.serial_running() && !slots_.full()) {
    const auto front = waiting_.front();
    if (!front) return;
    const std::size_t index = *front;
    switch (examine_front(index)) {
      case Next::wait:
        return;
      case Next::look_again:
        continue;
      case Next::start:
        break;
    }
    waiting_.pop_front();
    if (!batches(index)) {
      launch(index);
      continue;
    }
    // The rest of its batch still waiting, in queue order (the plan's order: the program's).
    std::vector<std::size_t> members{index};
    const std::vector<std::size_t> rest = waiting_.take_batch(batch_of(index));
    members.insert(members.end(), rest.begin(), rest.end());
    launch_batch(std::move(members));
  }
}

Scheduler::Next Scheduler::examine_front(std::size_t index) {
  if (dependencies_.waiting(index)) {
    waiting_.park_front_until_woken();  // woken by release_dependents
    return Next::look_again;
  }
  if (const auto& failed = dependencies_.failed(index); !failed.empty()) {
    waiting_.pop_front();
    std::string names;
    for (const auto& name : failed) names += (names.empty() ? "" : " ") + name;
    // CTest's words, so reports read as ctest's do.
    report_not_run(index, "Fixture dependency failed", "Failed test dependencies: " + names);
    return Next::look_again;
  }
  const TaskSpec& task = tasks_->get(index);
  if (states_[index].checking_order) {
    if (group_running_[task.batch_group] > 0) {
      park_front(task, kIdle + task.batch_group);  // until no other process of it runs
      return Next::look_again;
    }
    waiting_.pop_front();
    launch_order_check(index);
    return Next::look_again;
  }
  if (held_for_order_check(index)) {
    park_front(task, kHeld + task.batch_group);
    return Next::look_again;
  }
  if (task.disabled) {
    waiting_.pop_front();
    finalize(index, result_without_process(Outcome{OutcomeKind::disabled}));
    return Next::look_again;
  }
  if (task.run_serial) {
    if (slots_.running() > 0)
      return Next::wait;  // drain first; later tasks wait so it is not starved
  } else if (const auto blocked = slots_.blocked_by(task)) {
    // Its lock is held, or it is wider than what is free: later tasks may use the slot meanwhile.
    park_front(task, blocked->empty() ? kLoad : kLock + *blocked);
    return Next::look_again;
  }
  if (!batches(index) && config_.admission && !config_.admission->admit(index, task)) {
    park_front(task, kAdmission);  // what it needs is taken
    return Next::look_again;
  }
  return Next::start;
}

void Scheduler::requeue_first(std::size_t index) {
  const bool in_batch = batches(index) && !states_[index].checking_order;
  waiting_.push_front(index, in_batch ? batch_of(index) : 0);
}

void Scheduler::park_front(const TaskSpec& task, const std::string& reason) {
  waiting_.park_front(reason);
  // A free lock keeps one waiter on the queue (see wake_after_release): if that was this task,
  // the next waiter takes its turn.
  for (const auto& lock : task.resource_locks) {
    if (!slots_.held(lock) && reason != kLock + lock) waiting_.wake_first(kLock + lock);
  }
}

void Scheduler::wake_after_release(const std::vector<std::string>& freed_locks) {
  waiting_.wake(kLoad);
  if (config_.admission) waiting_.wake(kAdmission);
  // Only one can take a lock: waking every waiter would look at each again at every release
  // (quadratic for tasks queued on one lock). The first waiter comes back; if it still cannot
  // start, parking it hands the turn on.
  for (const auto& lock : freed_locks) waiting_.wake_first(kLock + lock);
}

bool Scheduler::batches(std::size_t index) const {
  return batch_of(index) != 0 && !states_[index].alone && executor_.batches();
}

std::uint64_t Scheduler::batch_of(std::size_t index) const {
  return states_[index].regroup != 0 ? states_[index].regroup : tasks_->get(index).batch;
}

bool Scheduler::held_for_order_check(std::size_t index) const {
  if (group_held_.empty()) return false;
  const auto held = group_held_.find(tasks_->get(index).batch_group);
  return held != group_held_.end() && held->second > 0;
}

void Scheduler::count_running(std::size_t index, int change) {
  const std::string& group = tasks_->get(index).batch_group;
  if (group.empty()) return;
  if ((group_running_[group] += change) == 0) waiting_.wake(kIdle + group);
}

std::vector<std::string> Scheduler::names_of(const std::vector<std::size_t>& indices) const {
  std::vector<std::string> names;
  names.reserve(indices.size());
  for (std::size_t index : indices) names.push_back(report_name(tasks_->get(index)));
  return names;
}

void Scheduler::retried(std::size_t index, const AttemptResult& result, TaskRetried::Why why) {
  TaskRetried event{index, &tasks_->get(index), states_[index].attempts, &result};
  event.why = why;
  emit(&Reporter::on_task_retried, event);
}

Launch Scheduler::launch_of(std::size_t index, unsigned attempt, unsigned slot) {
  Launch launch{index, attempt, slot, &tasks_->get(index)};
  launch.deadline = launch.spec->timeout ? launch.spec->timeout : config_.default_timeout;
  return launch;
}

void Scheduler::launch(std::size_t index) {
  TaskState& state = states_[index];
  ++state.attempts;
  const TaskSpec& task = tasks_->get(index);
  const unsigned slot = slots_.take(task);
  count_running(index, +1);
  const Launch launch = launch_of(index, state.attempts, slot);
  emit(&Reporter::on_task_started, TaskStarted{index, launch.spec, launch.attempt, slot});

  ObserverFunctions observer;
  observer.done = [this, index, slot](AttemptResult result) {
    on_attempt_done(index, slot, std::move(result));
  };
  observer.pending = [this, index](const std::string& reason) {
    emit(&Reporter::on_task_pending, TaskPending{index, &tasks_->get(index), reason});
  };
  observer.slow = [this, index](std::chrono::milliseconds elapsed) {
    emit(&Reporter::on_task_slow, TaskSlow{index, &tasks_->get(index), elapsed});
  };
  executor_.start(launch, observer_of(std::move(observer)));
}

void Scheduler::on_attempt_done(std::size_t index, unsigned slot, AttemptResult result) {
  const std::vector<std::string> freed = slots_.release(tasks_->get(index), slot);
  if (config_.admission) config_.admission->release(index);
  count_running(index, -1);
  wake_after_release(freed);
  settle(index, std::move(result));
  fill_slots();
  maybe_finish_run();
}

void Scheduler::settle(std::size_t index, AttemptResult result) {
  const TaskSpec& task = tasks_->get(index);
  TaskState& state = states_[index];
  const OutcomeKind kind = result.outcome.kind;
  state.rerunning = false;
  if (state.checking_order) {
    state.checking_order = false;
    if (--group_held_[task.batch_group] == 0) {
      group_held_.erase(task.batch_group);
      waiting_.wake(kHeld + task.batch_group);
    }
    AttemptResult passed = std::move(*state.passed_alone);
    state.passed_alone.reset();
    if (worth_retrying(kind)) {  // failed again after the same tests: the order is to blame
      retried(index, result, TaskRetried::Why::check_order);
      finalize(index, passed, /*order_dependent=*/true);
    } else {  // passed after them too: it fails now and then, whatever runs before it
      state.ran_before.clear();
      state.failed_before = true;
      finalize(index, kind == OutcomeKind::passed ? result : passed);
    }
    return;
  }
  if (state.confirming) {
    state.confirming = false;
    if (kind == OutcomeKind::passed && !state.failed_before) {
      state.failed_before = true;  // it did fail, in its batch
      if (state.ran_before.empty() || starting_stopped_) {
        finalize(index, result);  // nothing ran before it there: flaky, not order-dependent
        return;
      }
      // Does it fail again after the same tests? Run it after them, alone with its program.
      state.checking_order = true;
      state.passed_alone = std::move(result);
      ++state.confirmations;
      ++group_held_[task.batch_group];
      retried(index, *state.passed_alone, TaskRetried::Why::check_order);
      requeue_first(index);
      return;
    }
    state.ran_before.clear();  // failed alone too: the batch is not to blame
  }
  const unsigned retries_used = state.attempts - state.confirmations;
  if (worth_retrying(kind) && retries_used <= config_.retries && !starting_stopped_) {
    state.failed_before = true;
    ++summary_.retries;
    retried(index, result, TaskRetried::Why::retry);
    requeue_first(index);  // retry next, while its context is fresh
  } else {
    finalize(index, result);
  }
}

void Scheduler::finalize(std::size_t index, const AttemptResult& result, bool order_dependent) {
  TaskState& state = states_[index];
  const OutcomeKind kind = result.outcome.kind;
  const bool flaky = kind == OutcomeKind::passed && state.failed_before && !order_dependent;
  const std::vector<std::string> ran_before =
      order_dependent ? names_of(state.ran_before) : std::vector<std::string>{};
  TaskFinished finished{index, &tasks_->get(index), state.attempts, flaky, &result};
  finished.order_dependent = order_dependent;
  finished.ran_before = &ran_before;
  count_finished(summary_, finished);
  emit(&Reporter::on_task_finished, finished);
  state.ran_before = {};
  release_dependents(index, kind);
  tasks_->release(index);  // reported: a generated task's spec is dropped

  if (!starting_stopped_ &&
      config_.halt.triggered(summary_.failed, summary_.passed, summary_.total)) {
    halt(config_.halt.when == HaltPolicy::When::now, CancelReason::halted, false);
  }
}

void Scheduler::release_dependents(std::size_t index, OutcomeKind kind) {
  // Skipping itself is not failing (CTest runs a skipped setup's users).
  const bool passed = kind == OutcomeKind::passed || kind == OutcomeKind::skipped;
  for (std::size_t free : dependencies_.finished(index, report_name(tasks_->get(index)), passed)) {
    waiting_.wake_task(free);
  }
}

void Scheduler::report_not_run(std::size_t index, std::string reason, std::string output) {
  Outcome outcome{OutcomeKind::not_run};
  outcome.message = std::move(reason);
  finalize(index, result_without_process(std::move(outcome), output + '\n'));
}

void Scheduler::halt(bool stop_running, CancelReason reason, bool immediate) {
  const bool first = !starting_stopped_;
  starting_stopped_ = true;
  if (first) {
    summary_.cancelled_run = true;
    summary_.cancel_reason = reason;
  }
  if (first || (immediate && !immediate_stop_sent_)) {
    emit(&Reporter::on_run_cancelled, RunCancelled{reason, immediate});
  }
  if (stop_running && slots_.running() > 0) {
    if (immediate) immediate_stop_sent_ = true;
    executor_.stop_all(immediate ? StopMode::immediate : StopMode::graceful);
  }
}

void Scheduler::cancel(CancelReason reason, bool immediate) {
  if (!started_) {  // before start(): the run starts cancelled, nothing is launched
    early_cancel_ = {reason, immediate};
    return;
  }
  if (finished_) return;
  halt(true, reason, immediate);
  maybe_finish_run();
}

void Scheduler::maybe_finish_run() {
  if (finished_ || slots_.running() > 0) return;
  if (!waiting_.empty() && !starting_stopped_) return;
  finished_ = true;
  // Tasks the halt or cancel kept from starting are still reported, so nothing vanishes.
  for (std::size_t index : waiting_.drain()) {
    TaskState& state = states_[index];
    if (state.passed_alone) {  // its check against the order never ran: it failed, then passed
      state.checking_order = false;
      state.failed_before = true;
      finalize(index, *state.passed_alone);
      continue;
    }
    AttemptResult never_ran;
    never_ran.outcome.kind = OutcomeKind::not_started;
    finalize(index, never_ran);
  }
  summary_.wall = std::chrono::steady_clock::now() - run_started_;
  emit(&Reporter::on_run_finished, RunFinished{&summary_});
  if (on_finished_) on_finished_(summary_);
}

}  // namespace procpool::schedule
