#include "procpool/adapters/slurm/srun_outcome.hpp"

#include <string>
#include <vector>

namespace procpool::slurm {
namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// "CANCELLED AT 2026-12-03T23:32:05 DUE TO TIME LIMIT ***" -> "time limit"
std::string cancel_reason(std::string_view line) {
  const auto due = line.find(" DUE TO ");
  if (due == std::string_view::npos) return "cancelled by Slurm (scancel or an administrator)";
  std::string_view reason = line.substr(due + 8);
  if (const auto end = reason.find(" ***"); end != std::string_view::npos) {
    reason = reason.substr(0, end);
  }
  std::string text = "cancelled by Slurm due to ";
  for (char c : reason) text += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return text;
}

}  // namespace

Outcome read_srun_outcome(const Outcome& srun, std::string_view srun_stderr) {
  switch (srun.kind) {
    case OutcomeKind::passed:
    case OutcomeKind::failed:
      break;
    default:
      return srun;  // stopped by us, never started, or srun itself killed: as the process layer
                    // says
  }
  std::string_view task_line, refusal, slurm_failure;
  for (std::string_view line : lines_of(srun_stderr)) {
    if (line.find("*** STEP ") != std::string_view::npos ||
        line.find("*** JOB ") != std::string_view::npos) {
      if (line.find(" CANCELLED AT ") != std::string_view::npos) slurm_failure = line;
      continue;
    }
    if (!starts_with(line, "srun: ")) continue;
    if (line.find(": task 0: ") != std::string_view::npos) {
      task_line = line;
    } else if (line.find("Node failure") != std::string_view::npos ||
               line.find("node failure") != std::string_view::npos) {
      slurm_failure = line;
    } else if (starts_with(line, "srun: error: ") || starts_with(line, "srun: fatal: ") ||
               line.find("unrecognized option") != std::string_view::npos ||
               line.find("invalid option") != std::string_view::npos) {
      if (refusal.empty()) refusal = line;
    }
  }
  if (!slurm_failure.empty()) {
    Outcome aborted = srun;
    aborted.kind = OutcomeKind::aborted;
    aborted.message = slurm_failure.find(" CANCELLED AT ") != std::string_view::npos
                          ? cancel_reason(slurm_failure)
                          : "node failure (" + std::string(slurm_failure) + ")";
    return aborted;
  }
  if (!task_line.empty()) {
    if (task_line.find("Exited with exit code") != std::string_view::npos) return srun;
    if (srun.exit_code > 128 && srun.exit_code < 128 + 65) {
      Outcome signalled = Outcome::killed_by(srun.exit_code - 128);
      signalled.leaked = srun.leaked;
      return signalled;
    }
    return srun;
  }
  if (srun.kind == OutcomeKind::failed && !refusal.empty()) {
    return Outcome::start_failure(std::string(refusal));
  }
  return srun;
}

}  // namespace procpool::slurm
