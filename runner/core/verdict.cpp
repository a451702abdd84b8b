#include "procpool/runner/core/verdict.hpp"

namespace procpool {

bool counts_as_failure(OutcomeKind kind) {
  return kind == OutcomeKind::failed || kind == OutcomeKind::signalled ||
         kind == OutcomeKind::timed_out || kind == OutcomeKind::failed_to_start ||
         kind == OutcomeKind::aborted || kind == OutcomeKind::not_run;
}

bool worth_retrying(OutcomeKind kind) {
  // A node failure or a preemption may well not happen again: aborted is worth another try.
  return kind == OutcomeKind::failed || kind == OutcomeKind::signalled ||
         kind == OutcomeKind::timed_out || kind == OutcomeKind::aborted;
}

void count_finished(RunSummary& summary, const TaskFinished& finished) {
  const OutcomeKind kind = finished.result->outcome.kind;
  if (finished.order_dependent) ++summary.order_dependent;
  if (kind == OutcomeKind::passed)
    ++summary.passed;
  else if (counts_as_failure(kind))
    ++summary.failed;
  else if (kind == OutcomeKind::cancelled)
    ++summary.cancelled;
  else if (kind == OutcomeKind::disabled)
    ++summary.disabled;
  else if (kind == OutcomeKind::skipped)
    ++summary.skipped;
  else  // not_started
    ++summary.not_run;
  if (finished.flaky) ++summary.flaky;
}

Verdict verdict_of(const Outcome& last_attempt, bool flaky, bool order_dependent) {
  if (flaky) return Verdict::flaky;
  if (order_dependent && last_attempt.kind == OutcomeKind::passed) return Verdict::order_dependent;
  switch (last_attempt.kind) {
    case OutcomeKind::passed:
      return Verdict::passed;
    case OutcomeKind::failed:
      return Verdict::failed;
    case OutcomeKind::signalled:
      return Verdict::crashed;
    case OutcomeKind::timed_out:
      return Verdict::timed_out;
    case OutcomeKind::failed_to_start:
      return Verdict::failed_to_start;
    case OutcomeKind::cancelled:
      return Verdict::cancelled;
    case OutcomeKind::skipped:
      return Verdict::skipped;
    case OutcomeKind::not_started:
      return Verdict::not_run;
    case OutcomeKind::aborted:
      return Verdict::aborted;
    case OutcomeKind::not_run:
      return Verdict::not_run;
    case OutcomeKind::disabled:
      return Verdict::disabled;
  }
  return Verdict::failed;
}

std::string_view to_string(Verdict verdict) {
  // In the enum's order.
  static constexpr std::string_view kNames[] = {
      "passed",  "failed",  "crashed", "timed_out",       "failed_to_start", "cancelled",
      "skipped", "not_run", "flaky",   "order_dependent", "aborted",         "disabled"};
  return kNames[static_cast<std::size_t>(verdict)];
}

}  // namespace procpool

namespace procpool {

namespace {
constexpr std::pair<TaskRetried::Why, const char*> kRetryReasons[] = {
    {TaskRetried::Why::retry, "retry"},
    {TaskRetried::Why::confirm_alone, "confirm_alone"},
    {TaskRetried::Why::check_order, "check_order"},
    {TaskRetried::Why::rerun, "rerun"},
};
}  // namespace

const char* to_string(TaskRetried::Why why) {
  for (const auto& [each, name] : kRetryReasons) {
    if (each == why) return name;
  }
  return "retry";
}

std::optional<TaskRetried::Why> retry_reason_from_string(std::string_view text) {
  for (const auto& [each, name] : kRetryReasons) {
    if (text == name) return each;
  }
  return std::nullopt;
}

}  // namespace procpool
