#include "procpool/runner/report/json_reporter.hpp"

#include <algorithm>

#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/report/test_names.hpp"

namespace procpool::report {

nlohmann::json JsonReporter::record(const TaskFinished& event, const std::string& log_dir) {
  const AttemptResult& result = *event.result;
  const Outcome& outcome = result.outcome;
  nlohmann::json r;
  r["index"] = event.index;
  r["command"] = event.spec->name;
  r["argv"] = event.spec->argv;
  if (!event.spec->input.empty()) r["input"] = event.spec->input;
  r["outcome"] = std::string(to_string(outcome.kind));
  const bool exited = outcome.kind == OutcomeKind::passed || outcome.kind == OutcomeKind::failed;
  r["exit_code"] = exited ? nlohmann::json(outcome.exit_code) : nlohmann::json(nullptr);
  r["signal"] =
      outcome.signal ? nlohmann::json(signal_name(outcome.signal)) : nlohmann::json(nullptr);
  if (!outcome.error.empty()) r["error"] = outcome.error;
  if (!outcome.message.empty()) r["message"] = outcome.message;
  if (const auto& test = event.spec->test) {
    r["binary"] = test->binary;
    r["suite"] = test->suite;
    r["name"] = test->full_name();
    const Verdict verdict = verdict_of(event);
    r["verdict"] = std::string(to_string(verdict));
    const std::string log = gets_log(verdict) ? test_log_path(log_dir, *event.spec) : "";
    r["log"] = log.empty() ? nlohmann::json(nullptr) : nlohmann::json(log);
  }
  r["attempts"] = event.attempts;
  r["flaky"] = event.flaky;
  if (event.order_dependent && event.ran_before) r["ran_before"] = *event.ran_before;
  r["leaked"] = outcome.leaked;
  if (event.attempts > 0) {
    r["start"] = iso8601_utc(result.started_at);
    r["duration"] = seconds(result.duration);
  } else {
    r["start"] = nullptr;
    r["duration"] = nullptr;
  }
  return r;
}

void JsonReporter::on_task_finished(const TaskFinished& event) {
  records_.push_back(record(event, log_dir_));
}

void JsonReporter::on_run_finished(const RunFinished& event) {
  std::sort(records_.begin(), records_.end(), [](const auto& a, const auto& b) {
    return a["index"].template get<std::size_t>() < b["index"].template get<std::size_t>();
  });
  const RunSummary& s = *event.summary;
  nlohmann::json doc;
  doc["version"] = 1;
  doc["summary"] = {{"total", s.total},
                    {"passed", s.passed},
                    {"failed", s.failed},
                    {"cancelled", s.cancelled},
                    {"not_run", s.not_run},
                    {"flaky", s.flaky},
                    {"order_dependent", s.order_dependent},
                    {"retries", s.retries},
                    {"skipped", s.skipped},
                    {"wall_seconds", seconds(s.wall)},
                    {"interrupted", s.cancelled_run && s.cancel_reason != CancelReason::halted},
                    {"halted", s.cancelled_run && s.cancel_reason == CancelReason::halted}};
  doc["tasks"] = records_;
  // Replace invalid UTF-8 (commands are bytes) rather than throw.
  record_error(write_file_atomically(
      path_, doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"));
}

}  // namespace procpool::report
