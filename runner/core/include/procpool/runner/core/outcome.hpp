// What became of one attempt at a task. Past the process layer nobody sees raw wait statuses:
// this closed set is all that the scheduler and the reporters know.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace procpool {

enum class OutcomeKind {
  passed,           // exited with code 0 (or whatever the source counts as success)
  failed,           // exited with a non-zero code
  signalled,        // killed by a signal it did not ask for (SIGSEGV, SIGABRT, ...)
  timed_out,        // ran past its deadline and was stopped
  failed_to_start,  // could not be spawned at all (missing file, no permission, ...)
  cancelled,        // stopped because the run was interrupted or halted
  skipped,          // the test skipped itself (GTEST_SKIP, CTest's SKIP_RETURN_CODE)
  // Never started: the run was halted or cancelled first. Reports since the first version write
  // it as outcome "skipped" with 0 attempts (verdict "not_run"); to_string keeps that spelling.
  not_started,
  aborted,  // the cluster ended it (Slurm: time limit, node failure, cancelled); `message` says why
  // The source would not run it (CTest's "Not Run": a required file or the program missing, a
  // fixture's setup failed); `message` gives the source's reason. Counts as a failure, as in CTest.
  not_run,
  // Not run because it is disabled (CTest's DISABLED, GoogleTest's DISABLED_ prefix): listed,
  // never started, never a failure.
  disabled,
};

struct Outcome {
  OutcomeKind kind = OutcomeKind::not_started;  // nothing has happened yet
  int exit_code = 0;                            // meaningful for passed/failed
  int signal = 0;  // meaningful for signalled, and for timed_out/cancelled when a signal ended it
  // Windows: a crash ends a process with an exception code as its exit status (0xC0000005 access
  // violation, ...); such an outcome is `signalled` with signal 0 and this code. Zero elsewhere.
  std::uint32_t exception_code = 0;
  std::string error;    // failed_to_start: the OS reason and the thing that failed
  std::string message;  // why a test failed, from its own report (assertions with locations)
  bool leaked = false;  // processes of its group outlived the task and were killed
  // failed_to_start for want of a resource the run itself holds (descriptors, processes): it may
  // start once another task has ended, so the scheduler tries it again then.
  bool resources_exhausted = false;

  static Outcome exited(int code);
  static Outcome killed_by(int signal);
  static Outcome start_failure(std::string message);
  static Outcome crashed_with(std::uint32_t exception_code);

  bool succeeded() const { return kind == OutcomeKind::passed; }
};

// "passed", "failed", "signalled", ... as used in JSON reports (not_started: "skipped").
std::string_view to_string(OutcomeKind kind);
// The inverse of to_string ("skipped" gives skipped: a report tells not_started by its 0
// attempts); nullopt for any other text.
std::optional<OutcomeKind> outcome_kind_from_string(std::string_view text);

// One short human phrase: "exit 2", "SIGSEGV (Segmentation fault)", "timed out", ...
std::string describe(const Outcome& outcome);

// "SIGSEGV" for 11; "SIG42" for numbers without a name.
std::string signal_name(int signal);
// The inverse of signal_name; 0 for any other text.
int signal_number(std::string_view name);

// Windows' name of an exception code: "access violation" for 0xC0000005, "stack overflow",
// "fail-fast", ...; empty for a code without one.
std::string_view exception_name(std::uint32_t code);
// "0xC0000005" (what reports write), and its inverse (nullopt for other text).
std::string exception_code_text(std::uint32_t code);
std::optional<std::uint32_t> exception_code_from_text(std::string_view text);

}  // namespace procpool
