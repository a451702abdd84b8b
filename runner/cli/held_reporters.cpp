#include "held_reporters.hpp"

#include <memory>

namespace procpool::cli {
namespace {

// The event with the time it happened, for reporters that hear it later (events whose time no
// reporter reads carry none).
template <typename Event>
Event stamped(Event event) {
  if constexpr (requires { event.at; }) event.at = happened_at(event.at);
  return event;
}

}  // namespace

template <typename Event, typename Keep>
void HeldReporters::pass(void (Reporter::*method)(const Event&), const Event& event, Keep keep) {
  if (discarded_) return;
  if (holding_) {
    kept_.push_back(keep());
    return;
  }
  for (Reporter* reporter : inner_) (reporter->*method)(event);  // released: no copies
}

template <typename Event>
void HeldReporters::pass(void (Reporter::*method)(const Event&), const Event& event) {
  pass(method, event, [method, &event] {
    return [method, event = stamped(event)](Reporter& r) { (r.*method)(event); };
  });
}

void HeldReporters::release() {
  if (!holding_ || discarded_) return;
  holding_ = false;
  for (auto& tell : kept_) {
    for (Reporter* reporter : inner_) tell(*reporter);
  }
  kept_.clear();
}

void HeldReporters::discard() {
  discarded_ = true;
  kept_.clear();
}

void HeldReporters::on_run_started(const RunStarted& event) {
  pass(&Reporter::on_run_started, event);
}

void HeldReporters::on_task_started(const TaskStarted& event) {
  pass(&Reporter::on_task_started, event);
}

void HeldReporters::on_task_slow(const TaskSlow& event) { pass(&Reporter::on_task_slow, event); }

void HeldReporters::on_task_pending(const TaskPending& event) {
  pass(&Reporter::on_task_pending, event);
}

void HeldReporters::on_task_retried(const TaskRetried& event) {
  // The result is the scheduler's, changed by the next attempt: the kept event has its own.
  pass(&Reporter::on_task_retried, event, [&event] {
    auto result = std::make_shared<const AttemptResult>(*event.result);
    return [event = stamped(event), result](Reporter& r) {
      TaskRetried copy = event;
      copy.result = result.get();
      r.on_task_retried(copy);
    };
  });
}

void HeldReporters::on_task_finished(const TaskFinished& event) {
  pass(&Reporter::on_task_finished, event, [&event] {
    auto result = std::make_shared<const AttemptResult>(*event.result);
    auto ran_before = event.ran_before
                          ? std::make_shared<const std::vector<std::string>>(*event.ran_before)
                          : nullptr;
    return [event = stamped(event), result, ran_before](Reporter& r) {
      TaskFinished copy = event;
      copy.result = result.get();
      copy.ran_before = ran_before.get();
      r.on_task_finished(copy);
    };
  });
}

void HeldReporters::on_run_cancelled(const RunCancelled& event) {
  pass(&Reporter::on_run_cancelled, event);
  if (on_cancelled) on_cancelled();
}

void HeldReporters::on_run_finished(const RunFinished& event) {
  pass(&Reporter::on_run_finished, event, [&event] {
    auto summary = std::make_shared<const RunSummary>(*event.summary);
    return [summary, at = stamped(event).at](Reporter& r) {
      r.on_run_finished(RunFinished{summary.get(), at});
    };
  });
  if (on_finished) on_finished();
}

}  // namespace procpool::cli
