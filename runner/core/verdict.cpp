#include "procpool/runner/core/verdict.hpp"

namespace procpool {

bool counts_as_failure(OutcomeKind kind) {
  return kind == OutcomeKind::failed || kind == OutcomeKind::signalled ||
         kind == OutcomeKind::timed_out || kind == OutcomeKind::failed_to_start;
}

bool worth_retrying(OutcomeKind kind) {
  return kind == OutcomeKind::failed || kind == OutcomeKind::signalled ||
         kind == OutcomeKind::timed_out;
}

Verdict verdict_of(const Outcome& last_attempt, unsigned attempts, bool flaky) {
  if (flaky) return Verdict::flaky;
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
      return attempts == 0 ? Verdict::not_run : Verdict::skipped;
  }
  return Verdict::failed;
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::passed:
      return "passed";
    case Verdict::failed:
      return "failed";
    case Verdict::crashed:
      return "crashed";
    case Verdict::timed_out:
      return "timed_out";
    case Verdict::failed_to_start:
      return "failed_to_start";
    case Verdict::cancelled:
      return "cancelled";
    case Verdict::skipped:
      return "skipped";
    case Verdict::not_run:
      return "not_run";
    case Verdict::flaky:
      return "flaky";
  }
  return "unknown";
}

}  // namespace procpool
