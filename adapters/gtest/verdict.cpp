#include "procpool/adapters/gtest/verdict.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "console_markers.hpp"
#include "procpool/adapters/gtest/batch_stream.hpp"

namespace procpool::gtest {
namespace {

// A string field of a JSON object, or "" when it is missing or not a string (json::value would
// throw on a number: a hostile report must not abort the run).
std::string text_of(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

// How much of a failed test's output is searched for gtest's failure messages.
constexpr std::size_t kMessageScan = 1 << 20;

Outcome failed_with(const Outcome& process, std::string message) {
  Outcome outcome = process;
  outcome.kind = OutcomeKind::failed;
  outcome.message = std::move(message);
  return outcome;
}

// What one entry says: failures win, then SKIPPED, else passed.
Outcome entry_verdict(const nlohmann::json& entry) {
  Outcome outcome;
  if (entry.contains("failures") && entry["failures"].is_array() && !entry["failures"].empty()) {
    outcome.kind = OutcomeKind::failed;
    for (const auto& failure : entry["failures"]) {
      if (!outcome.message.empty()) outcome.message += "\n\n";
      outcome.message += failure.is_object() ? text_of(failure, "failure") : "";
    }
  } else if (text_of(entry, "result") == "SKIPPED") {
    outcome.kind = OutcomeKind::skipped;
    outcome.message = "skipped by the test (GTEST_SKIP)";
  } else {
    outcome.kind = OutcomeKind::passed;
  }
  return outcome;
}

// The keys gtest writes itself on a test suite's and a test's JSON object: any other key is a
// value recorded with RecordProperty (gtest refuses to record one of these names).
bool reserved_suite_key(const std::string& key) {
  static const std::set<std::string> keys{"name",      "tests", "failures",  "disabled",
                                          "errors",    "time",  "timestamp", "skipped",
                                          "testsuite", "file",  "line"};
  return keys.count(key) > 0;
}
bool reserved_test_key(const std::string& key) {
  static const std::set<std::string> keys{"name",     "file",        "line",       "status",
                                          "result",   "timestamp",   "time",       "classname",
                                          "failures", "value_param", "type_param", "skipped"};
  return keys.count(key) > 0;
}

// A recorded value as text: gtest writes them as strings; anything else is written as JSON.
std::string value_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>()
                           : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void add_recorded(std::vector<RecordedProperty>& to, const nlohmann::json& object,
                  bool (*reserved)(const std::string&), bool of_suite) {
  for (const auto& [key, value] : object.items()) {
    if (!reserved(key)) to.push_back({key, value_text(value), of_suite});
  }
}

}  // namespace

std::optional<GtestReport> GtestReport::parse(const std::string& json) {
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("testsuites") ||
      !doc["testsuites"].is_array()) {
    return std::nullopt;
  }
  GtestReport report;
  for (const auto& suite : doc["testsuites"]) {
    if (!suite.is_object() || !suite.contains("testsuite") || !suite["testsuite"].is_array()) {
      continue;
    }
    const std::string suite_name = text_of(suite, "name");
    std::vector<RecordedProperty> of_suite;
    add_recorded(of_suite, suite, reserved_suite_key, /*of_suite=*/true);
    for (const auto& entry : suite["testsuite"]) {
      if (!entry.is_object()) continue;
      const std::string name = suite_name + "." + text_of(entry, "name");
      report.by_name_.emplace(name, entry_verdict(entry));
      std::vector<RecordedProperty> recorded = of_suite;
      add_recorded(recorded, entry, reserved_test_key, /*of_suite=*/false);
      if (!recorded.empty()) report.properties_.emplace(name, std::move(recorded));
    }
  }
  return report;
}

std::optional<Outcome> GtestReport::verdict(const std::string& full_name) const {
  const auto found = by_name_.find(full_name);
  if (found == by_name_.end()) return std::nullopt;
  return found->second;
}

std::vector<RecordedProperty> GtestReport::properties(const std::string& full_name) const {
  const auto found = properties_.find(full_name);
  return found == properties_.end() ? std::vector<RecordedProperty>{} : found->second;
}

std::string skip_message(std::string_view output) {
  const std::size_t skipped = output.rfind(": Skipped\n");
  if (skipped == std::string_view::npos) return {};
  const std::size_t line_start = output.rfind('\n', skipped);
  const std::size_t from = line_start == std::string_view::npos ? 0 : line_start + 1;
  const std::string_view location = output.substr(from, skipped - from);
  std::string_view message = output.substr(skipped + std::string_view(": Skipped\n").size());
  message = message.substr(0, message.find("[  SKIPPED ]"));
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.remove_suffix(1);
  }
  return std::string(location) + (message.empty() ? "" : ": " + std::string(message));
}

void add_skip_message(Outcome& outcome, const Capture& output) {
  if (outcome.kind != OutcomeKind::skipped) return;
  if (auto why = skip_message(output.tail(1 << 16)); !why.empty()) outcome.message = why;
}

std::string failure_messages(std::string_view output) {
  std::string messages;
  std::string current;
  bool in_failure = false;
  auto close = [&] {
    if (!in_failure) return;
    while (!current.empty() && (current.back() == '\n' || current.back() == ' ')) {
      current.pop_back();
    }
    if (!messages.empty()) messages += "\n\n";
    messages += current;
    current.clear();
    in_failure = false;
  };
  while (!output.empty()) {
    const std::size_t newline = output.find('\n');
    const std::string_view line = output.substr(0, newline);
    output.remove_prefix(newline == std::string_view::npos ? output.size() : newline + 1);
    constexpr std::string_view kFailure = ": Failure";
    const bool header =
        line.size() > kFailure.size() && line.substr(line.size() - kFailure.size()) == kFailure;
    if (header) {  // "<file>:<line>: Failure" (or "unknown file: Failure"): gtest's JSON says
      close();     // "<file>:<line>" and the message on the lines after it
      in_failure = true;
      current = std::string(line.substr(0, line.size() - kFailure.size())) + "\n";
    } else if (line.rfind(kFailedMarker, 0) == 0 || line.rfind(kOkMarker, 0) == 0 ||
               line.rfind(kSkippedMarker, 0) == 0 || line.rfind(kRunMarker, 0) == 0) {
      close();
    } else if (in_failure) {
      current.append(line).push_back('\n');
    }
  }
  close();
  return messages;
}

Outcome interpret_test_attempt(const Outcome& process, const Capture& out, bool premature_exit,
                               const TestIdentity& test) {
  switch (process.kind) {
    case OutcomeKind::signalled:
    case OutcomeKind::timed_out:
    case OutcomeKind::failed_to_start:
    case OutcomeKind::cancelled:
    case OutcomeKind::skipped:
    case OutcomeKind::aborted:
    case OutcomeKind::not_run:
    case OutcomeKind::disabled:
      return process;  // the process layer already knows best
    default:
      break;
  }
  const std::string code = "exit code " + std::to_string(process.exit_code);
  if (premature_exit) {
    return failed_with(process,
                       "exited early (" + code + ") before the test finished: did it call exit()?");
  }
  // gtest's own RUN and end lines, as a batch of one reads them: a marker the test prints itself
  // is overruled by gtest's later one.
  BatchStream stream({test.full_name()});
  out.for_each_chunk([&](std::string_view chunk) { stream.feed_stdout(chunk); });
  stream.finish();
  if (!stream.started(0)) {
    return failed_with(process, "the test did not run (" + code + "): no \"" +
                                    std::string(kRunMarker) + test.full_name() +
                                    "\" line in its output (not found by --gtest_filter=" +
                                    test.full_name() + ", or not a gtest program?)");
  }
  if (!stream.ended(0)) {
    return failed_with(process, "the program ended (" + code + ") while the test was running");
  }
  if (stream.verdict(0) == OutcomeKind::failed) {
    // From the whole output, not only the test's slice: a failure printed after a fake end line
    // the test wrote itself, or in a global set-up, is still the reason.
    std::string messages = failure_messages(out.tail(kMessageScan));
    return failed_with(process,
                       messages.empty() ? "failed (its output shows no reason)" : messages);
  }
  if (process.exit_code != 0) {
    return failed_with(process, "the test passed but the program then failed (" + code +
                                    "): a global set-up or tear-down failure?");
  }
  Outcome outcome = process;
  if (stream.verdict(0) == OutcomeKind::skipped) {
    outcome.kind = OutcomeKind::skipped;
    outcome.message = "skipped by the test (GTEST_SKIP)";
  } else {
    outcome.kind = OutcomeKind::passed;
  }
  return outcome;
}

}  // namespace procpool::gtest
