#include "procpool/runner/schedule/scheduler.hpp"

#include <algorithm>
#include <unordered_map>

#include "procpool/runner/core/verdict.hpp"

namespace procpool::schedule {

Scheduler::Scheduler(Executor& executor, SchedulerConfig config, std::vector<Reporter*> reporters)
    : executor_(executor), config_(config), reporters_(std::move(reporters)) {
  config_.jobs = std::max(1u, config_.jobs);
}

template <typename Event, typename Method>
void Scheduler::emit(Method method, const Event& event) {
  for (Reporter* reporter : reporters_) (reporter->*method)(event);
}

std::vector<std::string> find_dependency_cycle(const std::vector<TaskSpec>& tasks) {
  std::unordered_map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < tasks.size(); ++i) by_name.emplace(report_name(tasks[i]), i);
  // Depth-first, iteratively (a chain of 100,000 dependencies must not blow the stack).
  enum class Mark : unsigned char { unseen, on_path, done };
  std::vector<Mark> mark(tasks.size(), Mark::unseen);
  for (std::size_t root = 0; root < tasks.size(); ++root) {
    if (mark[root] != Mark::unseen) continue;
    std::vector<std::pair<std::size_t, std::size_t>> path{{root, 0}};  // (task, next `after`)
    mark[root] = Mark::on_path;
    while (!path.empty()) {
      auto& [task, next] = path.back();
      if (next == tasks[task].after.size()) {
        mark[task] = Mark::done;
        path.pop_back();
        continue;
      }
      const auto found = by_name.find(tasks[task].after[next++]);
      if (found == by_name.end() || mark[found->second] == Mark::done) continue;
      if (mark[found->second] == Mark::on_path) {
        std::vector<std::string> cycle;
        auto from = std::find_if(path.begin(), path.end(),
                                 [&](const auto& step) { return step.first == found->second; });
        for (; from != path.end(); ++from) cycle.push_back(report_name(tasks[from->first]));
        cycle.push_back(report_name(tasks[found->second]));
        return cycle;
      }
      mark[found->second] = Mark::on_path;
      path.push_back({found->second, 0});
    }
  }
  return {};
}

void Scheduler::start(std::vector<TaskSpec> tasks,
                      std::function<void(const RunSummary&)> on_finished) {
  start(std::make_unique<TaskVector>(std::move(tasks)), std::move(on_finished));
}

void Scheduler::link_dependencies(const std::vector<TaskSpec>& tasks) {
  const bool any = std::any_of(tasks.begin(), tasks.end(),
                               [](const TaskSpec& task) { return !task.after.empty(); });
  if (!any) return;
  if (!find_dependency_cycle(tasks).empty()) return;  // refused by the caller; never wait forever
  // A name may stand for several tasks (--repeat): a dependant waits for all of them.
  std::unordered_map<std::string, std::vector<std::size_t>> by_name;
  for (std::size_t i = 0; i < tasks.size(); ++i) by_name[report_name(tasks[i])].push_back(i);
  unfinished_prerequisites_.assign(tasks.size(), 0);
  dependents_.assign(tasks.size(), {});
  failed_prerequisites_.assign(tasks.size(), {});
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const TaskSpec& task = tasks[i];
    for (const auto& name : task.after) {
      const auto found = by_name.find(name);
      if (found == by_name.end()) continue;
      const bool must_pass = std::find(task.after_passing.begin(), task.after_passing.end(),
                                       name) != task.after_passing.end();
      for (std::size_t prerequisite : found->second) {
        if (prerequisite == i) continue;
        dependents_[prerequisite].push_back({i, must_pass});
        ++unfinished_prerequisites_[i];
      }
    }
  }
}

void Scheduler::start(std::unique_ptr<TaskList> tasks,
                      std::function<void(const RunSummary&)> on_finished) {
  tasks_ = std::move(tasks);
  if (const auto* all = tasks_->all()) link_dependencies(*all);
  states_.assign(tasks_->size(), {});
  // Never more slots than tasks: a -j of four billion costs nothing.
  config_.jobs = static_cast<unsigned>(
      std::min<std::size_t>(config_.jobs, std::max<std::size_t>(1, tasks_->size())));
  slot_busy_.assign(config_.jobs, false);
  on_finished_ = std::move(on_finished);
  summary_ = {};
  summary_.total = tasks_->size();
  run_started_ = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < tasks_->size(); ++i) pending_.push_back(i);
  RunStarted started{tasks_->size(), config_.jobs};
  if (const auto* all = tasks_->all()) {
    std::set<std::uint64_t> batches;
    for (const TaskSpec& task : *all) {
      started.disabled_tasks += task.disabled;
      if (task.batch != 0 && !task.disabled && executor_.can_batch()) {
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

bool Scheduler::can_start(const TaskSpec& task) const {
  if (load_ > 0 && load_ + std::clamp(task.processors, 1u, config_.jobs) > config_.jobs) {
    return false;
  }
  for (const auto& lock : task.resource_locks) {
    if (held_locks_.count(lock)) return false;
  }
  return true;
}

void Scheduler::fill_slots() {
  for (auto it = pending_.begin();
       !starting_stopped_ && !serial_running_ && load_ < config_.jobs && it != pending_.end();) {
    if (!unfinished_prerequisites_.empty()) {
      if (unfinished_prerequisites_[*it] > 0) {
        ++it;  // waits for its prerequisites, as for a lock
        continue;
      }
      if (!failed_prerequisites_[*it].empty()) {
        const std::size_t index = *it;
        it = pending_.erase(it);
        std::string names;
        for (const auto& name : failed_prerequisites_[index])
          names += (names.empty() ? "" : " ") + name;
        // CTest's words, so reports read as ctest's do.
        report_not_run(index, "Fixture dependency failed", "Failed test dependencies: " + names);
        it = pending_.begin();  // its dependants may have changed; rescan
        continue;
      }
    }
    const TaskSpec& task = tasks_->get(*it);
    if (states_[*it].checking_order) {
      if (group_running_[task.batch_group] > 0) {
        ++it;  // waits until no other process of its program runs
        continue;
      }
      const std::size_t index = *it;
      it = pending_.erase(it);
      launch_order_check(index);
      continue;
    }
    if (held_for_order_check(*it)) {
      ++it;
      continue;
    }
    if (task.disabled) {
      const std::size_t index = *it;
      it = pending_.erase(it);
      AttemptResult result;
      result.outcome.kind = OutcomeKind::disabled;
      result.started_at = std::chrono::system_clock::now();
      finalize(index, result);
      it = pending_.begin();
      continue;
    }
    if (task.run_serial) {
      if (running_ > 0) return;  // drain first; later tasks wait so it is not starved
    } else if (!can_start(task)) {
      ++it;  // its lock is held: let a later task use the slot meanwhile
      continue;
    }
    const std::size_t index = *it;
    if (!batches(index) && config_.admission && !config_.admission->admit(index, task)) {
      ++it;  // what it needs is taken: a later task may use the slot meanwhile
      continue;
    }
    it = pending_.erase(it);
    if (!batches(index)) {
      launch(index);
      continue;
    }
    // The rest of its batch still waiting, in queue order (the plan's order: the program's).
    std::vector<std::size_t> members{index};
    const std::uint64_t batch = batch_of(index);
    for (auto member = it; member != pending_.end();) {
      if (batch_of(*member) == batch && batches(*member) && !states_[*member].checking_order) {
        members.push_back(*member);
        member = pending_.erase(member);
      } else {
        ++member;
      }
    }
    it = pending_.begin();  // erasing may have moved it; restart the scan
    launch_batch(std::move(members));
  }
}

bool Scheduler::batches(std::size_t index) const {
  return batch_of(index) != 0 && !states_[index].alone && executor_.can_batch();
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
  group_running_[group] += change;
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

unsigned Scheduler::take_slot() {
  const auto free_slot = std::find(slot_busy_.begin(), slot_busy_.end(), false);
  *free_slot = true;
  ++running_;
  return static_cast<unsigned>(free_slot - slot_busy_.begin()) + 1;
}

void Scheduler::release_slot(unsigned slot) {
  slot_busy_[slot - 1] = false;
  --running_;
}

void Scheduler::launch_batch(std::vector<std::size_t> members) {
  const unsigned slot = take_slot();
  ++load_;
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
  BatchCallbacks callbacks;
  callbacks.member_started = [this, members, slot, shared](std::size_t member) {
    const std::size_t index = members.at(member);
    const unsigned attempt = ++states_[index].attempts;
    const TaskSpec& task = tasks_->get(index);
    emit(&Reporter::on_task_started, TaskStarted{index, &task, attempt, slot});
    shared->began.push_back(index);
  };
  callbacks.member_done = [this, members, shared](std::size_t member, AttemptResult result,
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
  callbacks.pending = [this, first = members.front()](std::string reason) {
    emit(&Reporter::on_task_pending, TaskPending{first, &tasks_->get(first), std::move(reason)});
  };
  callbacks.done = [this, members, slot, shared](std::vector<std::size_t> not_started,
                                                 bool alone) {
    release_slot(slot);
    --load_;
    count_running(members.front(), -1);
    // Back to the front, in their order, to start again before anything else.
    for (auto it = not_started.rbegin(); it != not_started.rend(); ++it) {
      const std::size_t index = members.at(*it);
      if (alone) states_[index].alone = true;
      pending_.push_front(index);
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
      pending_.push_front(*it);
    }
    fill_slots();
    maybe_finish_run();
  };
  executor_.start_batch(batch, std::move(callbacks));
}

void Scheduler::launch_order_check(std::size_t index) {
  TaskState& state = states_[index];
  const unsigned slot = take_slot();
  ++load_;
  count_running(index, +1);
  BatchLaunch check;
  check.slot = slot;
  check.members.push_back(launch_of(index, state.attempts + 1, slot));
  for (std::size_t before : state.ran_before) {
    check.run_first.push_back(tasks_->get(before).batch_member);
  }
  auto started = std::make_shared<bool>(false);
  BatchCallbacks callbacks;
  callbacks.member_started = [this, index, slot, started](std::size_t) {
    *started = true;
    const unsigned attempt = ++states_[index].attempts;
    emit(&Reporter::on_task_started, TaskStarted{index, &tasks_->get(index), attempt, slot});
  };
  callbacks.member_done = [this, index](std::size_t, AttemptResult result, BatchEvidence) {
    settle(index, std::move(result));
  };
  callbacks.done = [this, index, slot, started](std::vector<std::size_t>, bool) {
    release_slot(slot);
    --load_;
    count_running(index, -1);
    if (!*started) {
      // The tests before it ended the process before it began: nothing reproduced.
      AttemptResult passed = *states_[index].passed_alone;
      states_[index].passed_alone.reset();
      settle(index, std::move(passed));
    }
    fill_slots();
    maybe_finish_run();
  };
  executor_.start_batch(check, std::move(callbacks));
}

void Scheduler::launch(std::size_t index) {
  const unsigned slot = take_slot();
  TaskState& state = states_[index];
  ++state.attempts;
  const TaskSpec& task = tasks_->get(index);
  load_ += std::clamp(task.processors, 1u, config_.jobs);
  serial_running_ = serial_running_ || task.run_serial;
  held_locks_.insert(task.resource_locks.begin(), task.resource_locks.end());
  count_running(index, +1);
  const Launch launch = launch_of(index, state.attempts, slot);
  emit(&Reporter::on_task_started, TaskStarted{index, launch.spec, launch.attempt, slot});

  AttemptCallbacks callbacks;
  callbacks.done = [this, index, slot](AttemptResult result) {
    on_attempt_done(index, slot, std::move(result));
  };
  callbacks.pending = [this, index](std::string reason) {
    emit(&Reporter::on_task_pending, TaskPending{index, &tasks_->get(index), std::move(reason)});
  };
  callbacks.slow = [this, index](std::chrono::milliseconds elapsed) {
    emit(&Reporter::on_task_slow, TaskSlow{index, &tasks_->get(index), elapsed});
  };
  executor_.start(launch, std::move(callbacks));
}

void Scheduler::on_attempt_done(std::size_t index, unsigned slot, AttemptResult result) {
  release_slot(slot);
  const TaskSpec& task = tasks_->get(index);
  load_ -= std::clamp(task.processors, 1u, config_.jobs);
  if (config_.admission) config_.admission->release(index);
  if (task.run_serial) serial_running_ = false;
  for (const auto& lock : task.resource_locks) held_locks_.erase(held_locks_.find(lock));
  count_running(index, -1);
  settle(index, std::move(result));
  fill_slots();
  maybe_finish_run();
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
  pending_.push_front(index);
}

void Scheduler::settle(std::size_t index, AttemptResult result) {
  const TaskSpec& task = tasks_->get(index);
  TaskState& state = states_[index];
  const OutcomeKind kind = result.outcome.kind;
  state.rerunning = false;
  if (state.checking_order) {
    state.checking_order = false;
    if (--group_held_[task.batch_group] == 0) group_held_.erase(task.batch_group);
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
      pending_.push_front(index);
      return;
    }
    state.ran_before.clear();  // failed alone too: the batch is not to blame
  }
  const unsigned retries_used = state.attempts - state.confirmations;
  if (worth_retrying(kind) && retries_used <= config_.retries && !starting_stopped_) {
    state.failed_before = true;
    ++summary_.retries;
    retried(index, result, TaskRetried::Why::retry);
    pending_.push_front(index);  // retry next, while its context is fresh
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
  if (dependents_.empty()) return;
  // Skipping itself is not failing (CTest runs a skipped setup's users).
  const bool passed = kind == OutcomeKind::passed || kind == OutcomeKind::skipped;
  for (const auto& [dependent, must_pass] : dependents_[index]) {
    --unfinished_prerequisites_[dependent];
    if (must_pass && !passed) {
      auto& failed = failed_prerequisites_[dependent];
      const std::string name = report_name(tasks_->get(index));
      if (std::find(failed.begin(), failed.end(), name) == failed.end()) failed.push_back(name);
    }
  }
}

void Scheduler::report_not_run(std::size_t index, std::string reason, std::string output) {
  AttemptResult result;
  result.outcome.kind = OutcomeKind::not_run;
  result.outcome.message = std::move(reason);
  auto out = std::make_shared<Capture>();
  out->append(output + '\n');
  result.out = std::move(out);
  result.started_at = std::chrono::system_clock::now();
  finalize(index, result);
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
  if (stop_running && running_ > 0) {
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
  if (finished_ || running_ > 0) return;
  if (!pending_.empty() && !starting_stopped_) return;
  finished_ = true;
  // Tasks the halt or cancel kept from starting are still reported, so nothing vanishes.
  for (std::size_t index : pending_) {
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
  pending_.clear();
  summary_.wall = std::chrono::steady_clock::now() - run_started_;
  emit(&Reporter::on_run_finished, RunFinished{&summary_});
  if (on_finished_) on_finished_(summary_);
}

}  // namespace procpool::schedule
