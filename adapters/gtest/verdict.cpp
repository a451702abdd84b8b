#include "procpool/adapters/gtest/verdict.hpp"

#include <nlohmann/json.hpp>

namespace procpool::gtest {
namespace {

// A string field of a JSON object, or "" when it is missing or not a string (json::value would
// throw on a number: a hostile report must not abort the run).
std::string text_of(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

// The test's own entry in gtest's JSON report, or null.
const nlohmann::json* find_entry(const nlohmann::json& doc, const TestIdentity& test) {
  if (!doc.is_object() || !doc.contains("testsuites") || !doc["testsuites"].is_array())
    return nullptr;
  for (const auto& suite : doc["testsuites"]) {
    if (text_of(suite, "name") != test.suite || !suite.contains("testsuite")) continue;
    for (const auto& entry : suite["testsuite"]) {
      if (text_of(entry, "name") == test.name) return &entry;
    }
  }
  return nullptr;
}

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
    for (const auto& entry : suite["testsuite"]) {
      if (!entry.is_object()) continue;
      report.by_name_.emplace(suite_name + "." + text_of(entry, "name"), entry_verdict(entry));
    }
  }
  return report;
}

std::optional<Outcome> GtestReport::verdict(const std::string& full_name) const {
  const auto found = by_name_.find(full_name);
  if (found == by_name_.end()) return std::nullopt;
  return found->second;
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

Outcome interpret_test_attempt(const Outcome& process, const std::optional<std::string>& json,
                               bool premature_exit, const TestIdentity& test) {
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
  if (!json) {
    return failed_with(process, "exited (" + code + ") without writing its gtest result");
  }
  const auto doc = nlohmann::json::parse(*json, nullptr, /*allow_exceptions=*/false);
  const nlohmann::json* entry = doc.is_discarded() ? nullptr : find_entry(doc, test);
  if (!entry) {
    return failed_with(process, "the test did not run (" + code +
                                    "): not found by --gtest_filter=" + test.full_name());
  }
  if (entry->contains("failures") && (*entry)["failures"].is_array() &&
      !(*entry)["failures"].empty()) {
    std::string messages;
    for (const auto& failure : (*entry)["failures"]) {
      if (!messages.empty()) messages += "\n\n";
      messages += text_of(failure, "failure");
    }
    return failed_with(process, messages);
  }
  if (process.exit_code != 0) {
    return failed_with(process, "the test passed but the program then failed (" + code +
                                    "): a global set-up or tear-down failure?");
  }
  Outcome outcome = process;
  if (text_of(*entry, "result") == "SKIPPED") {
    outcome.kind = OutcomeKind::skipped;
    outcome.message = "skipped by the test (GTEST_SKIP)";
  } else {
    outcome.kind = OutcomeKind::passed;
  }
  return outcome;
}

}  // namespace procpool::gtest
