#include "procpool/runner/report/json_reporter.hpp"

#include <algorithm>

#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/report/report_names.hpp"

namespace procpool::report {
namespace {

// How one attempt ended, in the keys a record and a failed attempt share.
void describe_attempt(nlohmann::json& r, const AttemptResult& result) {
  const Outcome& outcome = result.outcome;
  r["outcome"] = std::string(to_string(outcome.kind));
  const bool exited = outcome.kind == OutcomeKind::passed || outcome.kind == OutcomeKind::failed;
  r["exit_code"] = exited ? nlohmann::json(outcome.exit_code) : nlohmann::json(nullptr);
  r["signal"] =
      outcome.signal ? nlohmann::json(signal_name(outcome.signal)) : nlohmann::json(nullptr);
  // Windows: a crash's exception code ("0xC0000005"), and its name; absent elsewhere.
  if (outcome.exception_code != 0) {
    r["exception_code"] = exception_code_text(outcome.exception_code);
    if (auto name = exception_name(outcome.exception_code); !name.empty()) r["exception"] = name;
  }
  if (!outcome.error.empty()) r["error"] = outcome.error;
  if (!outcome.message.empty()) r["message"] = outcome.message;
}

// What an attempt that did not pass printed (the end of each stream), for the reports that
// show it (JUnit's system-out) when a merge rebuilds them.
void keep_output(nlohmann::json& r, const AttemptResult& result) {
  if (result.outcome.succeeded()) return;
  if (!result.out->empty()) r["stdout"] = result.out->tail(JsonReporter::kMaxOutput);
  if (!result.err->empty()) r["stderr"] = result.err->tail(JsonReporter::kMaxOutput);
}

}  // namespace

void JsonReporter::on_task_retried(const TaskRetried& event) {
  // A pass that did not decide (a rerun of a test its batch did not vouch for, or the pass alone
  // before the check against the order) is not a failed attempt.
  if (event.result->outcome.succeeded()) return;
  nlohmann::json attempt;
  describe_attempt(attempt, *event.result);
  attempt["attempt"] = event.failed_attempt;
  attempt["why"] = to_string(event.why);
  attempt["confirming"] = !event.counts_as_retry();  // before "why" existed
  attempt["start"] = iso8601_utc(event.result->started_at);
  attempt["duration"] = seconds(event.result->duration);
  keep_output(attempt, *event.result);
  failed_attempts_[event.index].push_back(std::move(attempt));
}

nlohmann::json JsonReporter::record(const TaskFinished& event, const std::string& log_dir) {
  const AttemptResult& result = *event.result;
  const Outcome& outcome = result.outcome;
  nlohmann::json r;
  r["index"] = event.index;
  // The command that ran the last attempt: a batch's names every test of its batch.
  r["command"] = result.command.empty() ? event.spec->name : result.command;
  r["argv"] = event.spec->command.argv;
  if (!event.spec->input.empty()) r["input"] = event.spec->input;
  describe_attempt(r, result);
  if (const auto& test = event.spec->test) {
    r["binary"] = test->binary;
    r["suite"] = test->suite;
    r["test_name"] = test->name;
    r["name"] = test->full_name();
    if (!test->file.empty()) r["file"] = test->file;
    if (test->line > 0) r["line"] = test->line;
    if (!test->labels.empty()) r["labels"] = test->labels;
    if (!test->directory.empty()) r["directory"] = test->directory;
    const Verdict verdict = verdict_of(event);
    r["verdict"] = std::string(to_string(verdict));
    const std::string log = gets_log(verdict) ? test_log_path(log_dir, *event.spec) : "";
    r["log"] = log.empty() ? nlohmann::json(nullptr) : nlohmann::json(log);
  }
  r["attempts"] = event.attempts;
  r["flaky"] = event.flaky;
  if (event.order_dependent && event.ran_before) r["ran_before"] = *event.ran_before;
  r["leaked"] = outcome.leaked;
  if (!result.events.empty()) r["events"] = result.events;  // "stream" or "console"
  keep_output(r, result);
  if (!result.properties.empty()) {
    nlohmann::json::array_t properties;
    for (const RecordedProperty& p : result.properties) {
      nlohmann::json property = {{"name", p.name}, {"value", p.value}};
      if (p.of_suite) property["of_suite"] = true;
      properties.push_back(std::move(property));
    }
    r["properties"] = std::move(properties);
  }
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
  nlohmann::json r = record(event, log_dir_);
  if (auto it = failed_attempts_.find(event.index); it != failed_attempts_.end()) {
    r["failed_attempts"] = std::move(it->second);
    failed_attempts_.erase(it);
  }
  records_.push_back(std::move(r));
}

void JsonReporter::on_run_finished(const RunFinished& event) {
  // By index; read once per record (a lookup per comparison is most of the sort's cost).
  std::vector<std::pair<std::size_t, std::size_t>> order;  // (task index, position)
  order.reserve(records_.size());
  for (std::size_t i = 0; i < records_.size(); ++i) {
    order.emplace_back(records_[i]["index"].get<std::size_t>(), i);
  }
  std::sort(order.begin(), order.end());
  nlohmann::json::array_t tasks;
  tasks.reserve(records_.size());
  for (const auto& [index, position] : order) tasks.push_back(std::move(records_[position]));
  records_.clear();
  record_error(
      write_file_atomically(path_, text(document(run_, *event.summary, std::move(tasks)))));
}

nlohmann::json JsonReporter::document(const RunDescription& run, const RunSummary& s,
                                      nlohmann::json::array_t tasks) {
  nlohmann::json doc;
  doc["version"] = 1;
  doc["procpool_version"] = PROCPOOL_VERSION;
  if (!run.command.empty()) {
    doc["command"] = run.command;
    doc["shard"] = run.shard.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.shard);
    if (!run.shard_method.empty()) doc["shard_method"] = run.shard_method;
    doc["binaries"] = run.binaries;
    if (!run.suite_fingerprint.empty()) {
      doc["suite"] = {{"tests", run.suite_tests}, {"fingerprint", run.suite_fingerprint}};
      doc["selected"] = run.selected;
    }
  }
  doc["summary"] = {{"total", s.total},
                    {"passed", s.passed},
                    {"failed", s.failed},
                    {"cancelled", s.cancelled},
                    {"not_run", s.not_run},
                    {"flaky", s.flaky},
                    {"order_dependent", s.order_dependent},
                    {"retries", s.retries},
                    {"skipped", s.skipped},
                    {"disabled", s.disabled},
                    {"wall_seconds", seconds(s.wall)},
                    {"interrupted", s.cancelled_run && s.cancel_reason != CancelReason::halted},
                    {"halted", s.cancelled_run && s.cancel_reason == CancelReason::halted}};
  doc["tasks"] = std::move(tasks);  // moved: a copy of 40,000 records cost 0.3 s
  return doc;
}

std::string JsonReporter::text(const nlohmann::json& doc) {
  // Replace invalid UTF-8 (commands are bytes) rather than throw.
  std::string text = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  return text;
}

}  // namespace procpool::report
