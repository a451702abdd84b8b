#include "procpool/runner/merge/shard_report.hpp"
#include "procpool/runner/core/bounded_read.hpp"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "procpool/runner/core/wall_time.hpp"

namespace procpool::merge {
namespace {

using Json = nlohmann::json;

// Reads keys of a JSON object without throwing: the first key that is missing or of the
// wrong type is remembered (as "tasks[3].outcome"), and every later read is a no-op.
class Reader {
 public:
  std::string error;

  const Json* find(const Json& object, const std::string& key, const std::string& where,
                   bool required) {
    if (!error.empty()) return nullptr;
    if (!object.is_object()) {
      error = where + " is not an object";
      return nullptr;
    }
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      if (required) error = where + key + " is missing";
      return nullptr;
    }
    return &*it;
  }
  std::string text(const Json& o, const std::string& key, const std::string& where,
                   bool required = true) {
    const Json* v = find(o, key, where, required);
    if (!v) return {};
    if (!v->is_string()) return wrong(where + key, "a string");
    return v->get<std::string>();
  }
  double number(const Json& o, const std::string& key, const std::string& where,
                bool required = true) {
    const Json* v = find(o, key, where, required);
    if (!v) return 0;
    if (!v->is_number() || v->get<double>() < 0) return wrong(where + key, "a number >= 0"), 0;
    return v->get<double>();
  }
  bool flag(const Json& o, const std::string& key, const std::string& where) {
    const Json* v = find(o, key, where, false);
    if (!v) return false;
    if (!v->is_boolean()) return wrong(where + key, "true or false"), false;
    return v->get<bool>();
  }
  std::vector<std::string> texts(const Json& o, const std::string& key, const std::string& where) {
    std::vector<std::string> out;
    const Json* v = find(o, key, where, false);
    if (!v) return out;
    if (!v->is_array()) return wrong(where + key, "an array of strings"), out;
    for (const auto& item : *v) {
      if (!item.is_string()) return wrong(where + key, "an array of strings"), out;
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  std::string wrong(const std::string& key, const char* expected) {
    if (error.empty()) error = key + " is not " + expected;
    return {};
  }
};

std::shared_ptr<const Capture> capture_of(const std::string& text) {
  // Most tasks printed nothing worth keeping: they share one empty capture.
  static const auto empty = std::make_shared<const Capture>();
  if (text.empty()) return empty;
  auto capture = std::make_shared<Capture>();
  capture->append(text);
  return capture;
}

// The keys of one attempt (a task's last one or a failed one) as an AttemptResult.
AttemptResult read_attempt(Reader& r, const Json& j, const std::string& where) {
  AttemptResult result;
  const std::string kind = r.text(j, "outcome", where);
  if (!r.error.empty()) return result;
  const auto parsed = outcome_kind_from_string(kind);
  if (!parsed) r.error = where + "outcome '" + kind + "' is not an outcome procpool knows";
  result.outcome.kind = parsed.value_or(OutcomeKind::skipped);
  result.outcome.exit_code = static_cast<int>(r.number(j, "exit_code", where, false));
  const std::string signal = r.text(j, "signal", where, false);
  result.outcome.signal = signal.empty() ? 0 : signal_number(signal);
  const std::string exception = r.text(j, "exception_code", where, false);
  if (!exception.empty()) {
    const auto code = exception_code_from_text(exception);
    if (!code)
      r.error = where + "exception_code '" + exception + "' is not 0x followed by 8 hex digits";
    result.outcome.exception_code = code.value_or(0);
  }
  result.outcome.error = r.text(j, "error", where, false);
  result.outcome.message = r.text(j, "message", where, false);
  result.outcome.leaked = r.flag(j, "leaked", where);
  result.out = capture_of(r.text(j, "stdout", where, false));
  result.err = capture_of(r.text(j, "stderr", where, false));
  const std::string start = r.text(j, "start", where, false);
  if (!start.empty()) {
    const auto time = parse_iso8601_utc(start);
    if (!time) r.error = where + "start '" + start + "' is not an ISO 8601 UTC time";
    result.started_at = time.value_or(WallTime{});
  }
  result.duration = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(r.number(j, "duration", where, false)));
  return result;
}

ReplayedTask read_task(Reader& r, const Json& j, const std::string& where) {
  ReplayedTask task;
  task.spec.name = r.text(j, "command", where);
  task.spec.command.argv = r.texts(j, "argv", where);
  task.spec.input = r.text(j, "input", where, false);
  if (r.find(j, "binary", where, false)) {
    TestIdentity test;
    test.binary = r.text(j, "binary", where);
    test.suite = r.text(j, "suite", where);
    test.name = r.text(j, "test_name", where);
    test.file = r.text(j, "file", where, false);
    test.line = static_cast<unsigned>(
        std::min(r.number(j, "line", where, false), double(std::numeric_limits<unsigned>::max())));
    test.labels = r.texts(j, "labels", where);
    test.directory = r.text(j, "directory", where, false);
    task.spec.test = std::move(test);
  }
  task.last = read_attempt(r, j, where);
  if (const Json* properties = r.find(j, "properties", where, false)) {
    if (!properties->is_array()) return r.wrong(where + "properties", "an array"), task;
    for (std::size_t i = 0; i < properties->size(); ++i) {
      const std::string at = where + "properties[" + std::to_string(i) + "].";
      const Json& p = (*properties)[i];
      task.last.properties.push_back(
          {r.text(p, "name", at), r.text(p, "value", at), r.flag(p, "of_suite", at)});
    }
  }
  task.attempts = static_cast<unsigned>(r.number(j, "attempts", where));
  // Reports write a task that never started as "skipped" with no attempt (see to_string).
  if (task.last.outcome.kind == OutcomeKind::skipped && task.attempts == 0) {
    task.last.outcome.kind = OutcomeKind::not_started;
  }
  task.flaky = r.flag(j, "flaky", where);
  task.ran_before = r.texts(j, "ran_before", where);
  task.order_dependent = r.text(j, "verdict", where, false) == "order_dependent";
  if (const Json* failed = r.find(j, "failed_attempts", where, false)) {
    if (!failed->is_array()) {
      r.wrong(where + "failed_attempts", "an array");
      return task;
    }
    for (std::size_t i = 0; i < failed->size(); ++i) {
      const std::string at = where + "failed_attempts[" + std::to_string(i) + "].";
      ReplayedAttempt attempt{read_attempt(r, (*failed)[i], at)};
      // "why" names the reason; older reports had only "confirming" (a confirmation, not a retry).
      const std::string why = r.text((*failed)[i], "why", at, false);
      if (auto known = retry_reason_from_string(why)) {
        attempt.why = *known;
      } else if (!why.empty()) {
        r.wrong(at + "why", "retry, confirm_alone, check_order or rerun");
      } else if (r.flag((*failed)[i], "confirming", at)) {
        attempt.why = TaskRetried::Why::confirm_alone;
      }
      task.failed_attempts.push_back(std::move(attempt));
    }
  }
  return task;
}

}  // namespace

Result<ShardReport> load_shard_report(const std::string& path) {
  auto text = read_bounded_file(path, kMaxReportBytes, "procpool --json report");
  if (!text) return text.failure();
  return parse_shard_report(*text, path);
}

std::vector<Result<ShardReport>> load_shard_reports(const std::vector<std::string>& paths,
                                                    unsigned threads) {
  std::vector<std::optional<Result<ShardReport>>> loaded(paths.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < paths.size();) {
      loaded[i].emplace(load_shard_report(paths[i]));
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < std::min<std::size_t>(threads, paths.size()); ++t)
    helpers.emplace_back(work);
  work();
  for (auto& helper : helpers) helper.join();
  std::vector<Result<ShardReport>> results;
  results.reserve(paths.size());
  for (auto& result : loaded) results.push_back(std::move(*result));
  return results;
}

Result<ShardReport> parse_shard_report(std::string_view text, const std::string& path) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return fail(path + " is empty: not a procpool --json report");
  }
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return fail(path + " is not valid JSON (cut short?): not a procpool --json report");
  }
  if (!doc.is_object() || !doc.contains("version") || !doc.contains("tasks") ||
      !doc.contains("summary")) {
    return fail(path + " is not a procpool --json report (no version, summary and tasks)");
  }
  if (!doc["version"].is_number_integer() || doc["version"].get<long long>() != 1) {
    return fail(path + " has report format version " + doc["version"].dump() +
                "; this procpool reads version 1");
  }
  Reader r;
  ShardReport report;
  report.path = path;
  report.procpool_version = r.text(doc, "procpool_version", "", false);
  report.described = doc.contains("command");
  if (report.described) {
    report.command = r.text(doc, "command", "");
    const std::string shard = r.text(doc, "shard", "", false);
    if (!shard.empty()) {
      auto parsed = plan::Shard::parse(shard);
      if (!parsed) return fail(path + ": shard '" + shard + "' is not K/N");
      report.shard = *parsed;
    }
    report.shard_method = r.text(doc, "shard_method", "", false);
    report.binaries = r.texts(doc, "binaries", "");
    report.selected = r.texts(doc, "selected", "");
    if (const Json* suite = r.find(doc, "suite", "", false)) {
      report.suite_tests = static_cast<std::size_t>(r.number(*suite, "tests", "suite."));
      report.suite_fingerprint = r.text(*suite, "fingerprint", "suite.");
    }
  }
  const Json& summary = std::as_const(doc)["summary"];
  report.wall = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(r.number(summary, "wall_seconds", "summary.", false)));
  report.interrupted = r.flag(summary, "interrupted", "summary.");
  report.halted = r.flag(summary, "halted", "summary.");
  Json& tasks = doc["tasks"];
  if (!tasks.is_array()) return fail(path + ": tasks is not an array");
  report.tasks.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size() && r.error.empty(); ++i) {
    report.tasks.push_back(read_task(r, tasks[i], "tasks[" + std::to_string(i) + "]."));
    report.tasks.back().record = std::move(tasks[i]);
  }
  if (!r.error.empty()) return fail(path + " is not a procpool --json report: " + r.error);
  return report;
}

}  // namespace procpool::merge
