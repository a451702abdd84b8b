#include "procpool/adapters/gtest/gtest_report.hpp"

#include <set>

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

}  // namespace procpool::gtest
