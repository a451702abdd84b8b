#include "procpool/adapters/gtest/verdict.hpp"

#include <nlohmann/json.hpp>

namespace procpool::gtest {
namespace {

// The test's own entry in gtest's JSON report, or null.
const nlohmann::json* find_entry(const nlohmann::json& doc, const TestIdentity& test) {
  if (!doc.is_object() || !doc.contains("testsuites") || !doc["testsuites"].is_array())
    return nullptr;
  for (const auto& suite : doc["testsuites"]) {
    if (suite.value("name", "") != test.suite || !suite.contains("testsuite")) continue;
    for (const auto& entry : suite["testsuite"]) {
      if (entry.value("name", "") == test.name) return &entry;
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

}  // namespace

Outcome interpret_test_attempt(const Outcome& process, const std::optional<std::string>& json,
                               bool premature_exit, const TestIdentity& test) {
  switch (process.kind) {
    case OutcomeKind::signalled:
    case OutcomeKind::timed_out:
    case OutcomeKind::failed_to_start:
    case OutcomeKind::cancelled:
    case OutcomeKind::skipped:
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
      messages += failure.value("failure", "");
    }
    return failed_with(process, messages);
  }
  if (process.exit_code != 0) {
    return failed_with(process, "the test passed but the program then failed (" + code +
                                    "): a global set-up or tear-down failure?");
  }
  Outcome outcome = process;
  if (entry->value("result", "") == "SKIPPED") {
    outcome.kind = OutcomeKind::skipped;
    outcome.message = "skipped by the test (GTEST_SKIP)";
  } else {
    outcome.kind = OutcomeKind::passed;
  }
  return outcome;
}

}  // namespace procpool::gtest
