#include "procpool/runner/core/outcome.hpp"

#include <cstdio>
#include <cstring>

#include "signal_names.hpp"

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

Outcome Outcome::crashed_with(std::uint32_t exception_code) {
  Outcome o;
  o.kind = OutcomeKind::signalled;
  o.exception_code = exception_code;
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
  if (const char* abbrev = signal_abbreviation(signal)) return std::string("SIG") + abbrev;
  return "SIG" + std::to_string(signal);
}

std::string_view exception_name(std::uint32_t code) {
  // The codes a crashing Windows program ends with (ntstatus.h), named as Windows' own tools do.
  switch (code) {
    case 0x80000003:
      return "breakpoint";
    case 0xC0000005:
      return "access violation";
    case 0xC000001D:
      return "illegal instruction";
    case 0xC0000025:
      return "noncontinuable exception";
    case 0xC000008C:
      return "array bounds exceeded";
    case 0xC000008E:
      return "floating-point division by zero";
    case 0xC0000094:
      return "integer division by zero";
    case 0xC0000095:
      return "integer overflow";
    case 0xC0000096:
      return "privileged instruction";
    case 0xC00000FD:
      return "stack overflow";
    case 0xC0000135:
      return "DLL not found";
    case 0xC0000139:
      return "entry point not found";
    case 0xC000013A:
      return "Ctrl-C";
    case 0xC0000142:
      return "DLL initialization failed";
    case 0xC0000374:
      return "heap corruption";
    case 0xC0000409:
      return "fail-fast (stack buffer overrun)";
    case 0xC0000417:
      return "invalid C runtime parameter";
    case 0xE06D7363:
      return "unhandled C++ exception";
  }
  return {};
}

std::string exception_code_text(std::uint32_t code) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(code));
  return text;
}

std::optional<std::uint32_t> exception_code_from_text(std::string_view text) {
  if (text.size() != 10 || text.substr(0, 2) != "0x") return std::nullopt;
  std::uint32_t code = 0;
  for (char c : text.substr(2)) {
    const int digit = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                             : -1;
    if (digit < 0) return std::nullopt;
    code = code * 16 + static_cast<std::uint32_t>(digit);
  }
  return code;
}

std::string describe(const Outcome& outcome) {
  std::string text;
  switch (outcome.kind) {
    case OutcomeKind::passed:
      text = "exit 0";
      break;
    case OutcomeKind::failed:
      text = "exit " + std::to_string(outcome.exit_code);
      if (const char* meaning = exit_code_meaning(outcome.exit_code)) {
        text += std::string(" (") + meaning + ")";
      }
      break;
    case OutcomeKind::signalled: {
      if (outcome.exception_code != 0) {
        text = "exception " + exception_code_text(outcome.exception_code);
        if (auto name = exception_name(outcome.exception_code); !name.empty())
          text += " (" + std::string(name) + ")";
        break;
      }
      text = signal_name(outcome.signal);
      if (const char* what = signal_description(outcome.signal)) {
        text += std::string(" (") + what + ")";
      }
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
