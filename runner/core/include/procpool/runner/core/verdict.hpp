// What a finished task's outcome means, decided once for the scheduler and every reporter:
// whether it counts as a failure, whether another attempt can help, and the verdict a test
// report gives it.
#pragma once

#include <string_view>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/outcome.hpp"

namespace procpool {

// Failed, crashed, timed out, could not start or not run for a reason of its source (CTest's
// "Not Run", which ctest counts as failed): what makes a run exit 1.
bool counts_as_failure(OutcomeKind kind);

// A failure another attempt may fix. A missing program stays missing: retrying it only hides the
// error behind more output.
bool worth_retrying(OutcomeKind kind);

enum class Verdict {
  passed,
  failed,
  crashed,  // killed by a signal it did not ask for
  timed_out,
  failed_to_start,
  cancelled,        // stopped by a cancel or a halt
  skipped,          // the test skipped itself
  not_run,          // never started: the run was stopped first, or the source would not run it
  flaky,            // failed, then passed on a retry
  order_dependent,  // failed in a batch, passed alone: passing, but listed apart
  aborted,          // the cluster ended it (Slurm's time limit, a node failure, a cancel)
  disabled,         // listed but disabled: never started, never a failure
};

Verdict verdict_of(const Outcome& last_attempt, bool flaky, bool order_dependent = false);
inline Verdict verdict_of(const TaskFinished& event) {
  return verdict_of(event.result->outcome, event.flaky, event.order_dependent);
}

// Passed, flaky or order-dependent: a test that in the end passed.
inline bool passing(Verdict verdict) {
  return verdict == Verdict::passed || verdict == Verdict::flaky ||
         verdict == Verdict::order_dependent;
}

// Counts a finished task in the summary's totals (passed, failed, ...; flaky and order-dependent
// tests also count as passed): the scheduler and `procpool merge` count the same way.
void count_finished(RunSummary& summary, const TaskFinished& finished);

// "passed", "crashed", "not_run", ... as reports write them.
std::string_view to_string(Verdict verdict);

}  // namespace procpool
