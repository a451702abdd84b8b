#include "procpool/runner/core/outcome.hpp"

#include <csignal>
#include <cstring>

namespace procpool {

Outcome Outcome::exited(int code) {
  Outcome o;
  o.kind = code == 0 ? OutcomeKind::passed : OutcomeKind::failed;
  o.exit_code = code;
  return o;
}

Outcome Outcome::killed_by(int signal) {
  Outcome o;
  o.kind = OutcomeKind::signalled;
  o.signal = signal;
  return o;
}

Outcome Outcome::start_failure(std::string message) {
  Outcome o;
  o.kind = OutcomeKind::failed_to_start;
  o.error = std::move(message);
  return o;
}

std::string_view to_string(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::passed:
      return "passed";
    case OutcomeKind::failed:
      return "failed";
    case OutcomeKind::signalled:
      return "signalled";
    case OutcomeKind::timed_out:
      return "timed_out";
    case OutcomeKind::failed_to_start:
      return "failed_to_start";
    case OutcomeKind::cancelled:
      return "cancelled";
    case OutcomeKind::skipped:
    case OutcomeKind::not_started:
      return "skipped";
    case OutcomeKind::aborted:
      return "aborted";
    case OutcomeKind::not_run:
      return "not_run";
    case OutcomeKind::disabled:
      return "disabled";
  }
  return "unknown";
}

std::optional<OutcomeKind> outcome_kind_from_string(std::string_view text) {
  for (OutcomeKind kind :
       {OutcomeKind::passed, OutcomeKind::failed, OutcomeKind::signalled, OutcomeKind::timed_out,
        OutcomeKind::failed_to_start, OutcomeKind::cancelled, OutcomeKind::skipped,
        OutcomeKind::aborted, OutcomeKind::not_run, OutcomeKind::disabled}) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

int signal_number(std::string_view name) {
  for (int signal = 1; signal < 65; ++signal) {
    if (signal_name(signal) == name) return signal;
  }
  return 0;
}

std::string signal_name(int signal) {
  // sigabbrev_np is glibc >= 2.32; it returns nullptr for numbers without a name.
  if (const char* abbrev = sigabbrev_np(signal)) return std::string("SIG") + abbrev;
  return "SIG" + std::to_string(signal);
}

std::string describe(const Outcome& outcome) {
  std::string text;
  switch (outcome.kind) {
    case OutcomeKind::passed:
      text = "exit 0";
      break;
    case OutcomeKind::failed:
      text = "exit " + std::to_string(outcome.exit_code);
      break;
    case OutcomeKind::signalled: {
      text = signal_name(outcome.signal);
      if (const char* what = sigdescr_np(outcome.signal)) text += std::string(" (") + what + ")";
      break;
    }
    case OutcomeKind::timed_out:
      text = "timed out";
      break;
    case OutcomeKind::failed_to_start:
      text = "failed to start: " + outcome.error;
      break;
    case OutcomeKind::cancelled:
      text = "cancelled";
      break;
    case OutcomeKind::skipped:
    case OutcomeKind::not_started:
      text = "not run";
      break;
    case OutcomeKind::aborted:
      text = "aborted by the cluster" + (outcome.message.empty() ? "" : ": " + outcome.message);
      break;
    case OutcomeKind::not_run:
      text = "not run" + (outcome.message.empty() ? "" : ": " + outcome.message);
      break;
    case OutcomeKind::disabled:
      text = "disabled";
      break;
  }
  if (outcome.leaked) text += ", leaked processes (killed)";
  return text;
}

}  // namespace procpool
