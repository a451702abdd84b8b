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

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool says_node_failed(std::string_view line) {
  return contains(line, "Node failure") || contains(line, "node failure");
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

Outcome aborted(const Outcome& srun, std::string message) {
  Outcome outcome = srun;
  outcome.kind = OutcomeKind::aborted;
  outcome.message = std::move(message);
  return outcome;
}

}  // namespace

SrunReading read_srun(const Outcome& srun, std::string_view srun_stderr) {
  SrunReading reading{.outcome = srun};
  switch (srun.kind) {
    case OutcomeKind::passed:
    case OutcomeKind::failed:
      break;
    default:
      return reading;  // stopped by us, never started, or srun itself killed: as the process
                       // layer says
  }
  std::string_view task_line, refusal, cancel_line, other_words;
  for (std::string_view line : lines_of(srun_stderr)) {
    if (contains(line, "*** STEP ") || contains(line, "*** JOB ")) {
      if (contains(line, " CANCELLED AT ")) cancel_line = line;
      continue;
    }
    if (!starts_with(line, "srun: ")) continue;
    if (contains(line, ": task 0: ")) {
      task_line = line;
    } else if (says_node_failed(line) || contains(line, "Job step aborted") ||
               contains(line, "Force Terminated")) {
      if (other_words.empty() || says_node_failed(line)) other_words = line;
    } else if (starts_with(line, "srun: error: ") || starts_with(line, "srun: fatal: ") ||
               contains(line, "unrecognized option") || contains(line, "invalid option")) {
      if (refusal.empty()) refusal = line;
    }
  }
  reading.slurm_words = std::string(!cancel_line.empty() ? cancel_line : other_words);
  reading.ask_slurm = srun.kind == OutcomeKind::failed || !reading.slurm_words.empty();
  if (!task_line.empty()) {
    if (!contains(task_line, "Exited with exit code") && srun.exit_code > 128 &&
        srun.exit_code < 128 + 65) {
      Outcome signalled = Outcome::killed_by(srun.exit_code - 128);
      signalled.leaked = srun.leaked;
      reading.outcome = signalled;
    }
  } else if (srun.kind == OutcomeKind::failed && !refusal.empty() && reading.slurm_words.empty()) {
    reading.outcome = Outcome::start_failure(std::string(refusal));
  }
  return reading;
}

Outcome judge_by_record(const SrunReading& reading, const JobRecord& record) {
  const Outcome& srun = reading.outcome;
  if (!record.ended()) {  // still COMPLETING when procpool stopped waiting: only a time limit
                          // shows through, in the reason
    return record.reason == "TimeLimit" ? aborted(srun, "cancelled by Slurm due to time limit")
                                        : judge_by_words(reading);
  }
  if (record.state == "CANCELLED") {
    return aborted(srun, "cancelled by Slurm (scancel or an administrator)");
  }
  if (record.state == "TIMEOUT") return aborted(srun, "cancelled by Slurm due to time limit");
  if (record.state == "DEADLINE") return aborted(srun, "cancelled by Slurm due to its deadline");
  if (record.state == "PREEMPTED") return aborted(srun, "preempted by Slurm");
  if (record.state == "NODE_FAIL") return aborted(srun, "node failure (Slurm: NODE_FAIL)");
  if (record.state == "BOOT_FAIL") return aborted(srun, "the node failed to boot (BOOT_FAIL)");
  // COMPLETED, FAILED, OUT_OF_MEMORY (the task's own doing, as a local OOM kill is): srun's
  // exit says what the task did. A refusal with no job is srun's own words, kept as read.
  return srun;
}

Outcome judge_by_words(const SrunReading& reading) {
  const std::string& words = reading.slurm_words;
  if (words.empty()) return reading.outcome;
  if (contains(words, " CANCELLED AT ")) return aborted(reading.outcome, cancel_reason(words));
  if (says_node_failed(words)) return aborted(reading.outcome, "node failure (" + words + ")");
  return aborted(reading.outcome, "cancelled by Slurm (" + words + ")");
}

}  // namespace procpool::slurm
