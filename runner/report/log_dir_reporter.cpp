#include "procpool/runner/report/log_dir_reporter.hpp"

#include <filesystem>

#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/report/test_names.hpp"

namespace procpool::report {

std::string LogDirReporter::attempt_text(unsigned attempt, const AttemptResult& result) {
  const Outcome& outcome = result.outcome;
  std::string text = "=== attempt " + std::to_string(attempt) + ": " + describe(outcome) + "\n";
  if (!outcome.message.empty()) text += outcome.message + "\n";
  text += "--- stdout\n" + result.out->str();
  text += "--- stderr\n" + result.err->str();
  return text;
}

void LogDirReporter::on_task_retried(const TaskRetried& event) {
  earlier_attempts_[event.index] += attempt_text(event.failed_attempt, *event.result);
}

void LogDirReporter::on_task_finished(const TaskFinished& event) {
  std::string earlier;
  if (auto it = earlier_attempts_.find(event.index); it != earlier_attempts_.end()) {
    earlier = std::move(it->second);
    earlier_attempts_.erase(it);
  }
  const Verdict verdict = verdict_of(event);
  if (!gets_log(verdict)) return;
  const std::string path = test_log_path(dir_, *event.spec);
  if (path.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::string text = "test: " + display_name(*event.spec) + "\ncommand: " + event.spec->name +
                     "\nverdict: " + std::string(to_string(verdict)) + "\n\n" + earlier;
  if (verdict != Verdict::flaky) text += attempt_text(event.attempts, *event.result);
  record_error(write_file_atomically(path, text));
}

}  // namespace procpool::report
