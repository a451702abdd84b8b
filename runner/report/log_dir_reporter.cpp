#include "procpool/runner/report/log_dir_reporter.hpp"

#include "procpool/runner/report/report_names.hpp"

namespace procpool::report {

void LogDirReporter::write_attempt(AtomicFile& file, const Attempt& attempt) {
  const Outcome& outcome = attempt.result.outcome;
  file.write("=== attempt " + std::to_string(attempt.number) + ": " + describe(outcome) + "\n");
  if (!outcome.message.empty()) file.write(outcome.message + "\n");
  file.write("--- stdout\n");
  attempt.result.out->for_each_chunk([&](std::string_view chunk) { file.write(chunk); });
  file.write("--- stderr\n");
  attempt.result.err->for_each_chunk([&](std::string_view chunk) { file.write(chunk); });
}

void LogDirReporter::on_task_retried(const TaskRetried& event) {
  earlier_attempts_[event.index].push_back({event.failed_attempt, *event.result});
}

void LogDirReporter::on_task_finished(const TaskFinished& event) {
  std::vector<Attempt> earlier;
  if (auto it = earlier_attempts_.find(event.index); it != earlier_attempts_.end()) {
    earlier = std::move(it->second);
    earlier_attempts_.erase(it);
  }
  const Verdict verdict = verdict_of(event);
  if (!gets_log(verdict) || !event.spec->test) return;
  const Directory* root = report_directory(dir_);
  if (!root) return;
  const LogLocation where = test_log_location(*event.spec);
  auto binary_dir = root->subdirectory(where.directory);
  if (!binary_dir) {
    record_error(binary_dir.failure());
    return;
  }
  AtomicFile file(*binary_dir, where.file);
  file.write("test: " + display_name(*event.spec) + "\ncommand: " + event.spec->name +
             "\nverdict: " + std::string(to_string(verdict)) + "\n\n");
  for (const Attempt& attempt : earlier) write_attempt(file, attempt);
  if (verdict != Verdict::flaky && verdict != Verdict::order_dependent)
    write_attempt(file, {event.attempts, *event.result});
  record_error(file.commit());
}

}  // namespace procpool::report
