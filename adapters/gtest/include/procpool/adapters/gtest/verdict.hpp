// Turning one finished test process into a verdict. gtest's own per-test result (its JSON
// output) is the authority; the exit status is the fallback, and the premature-exit file catches
// a test that called exit(0) halfway.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "procpool/runner/core/capture.hpp"
#include "procpool/runner/core/outcome.hpp"
#include "procpool/runner/core/task.hpp"

namespace procpool::gtest {

// `process` is what the process layer saw; `json` is the --gtest_output=json file's content
// (nothing if it was not written); `premature_exit` whether TEST_PREMATURE_EXIT_FILE was left.
// gtest's JSON report of a whole process, parsed once: what it says of each test it ran.
class GtestReport {
 public:
  // Nothing when the text is not a gtest JSON report.
  static std::optional<GtestReport> parse(const std::string& json);
  // passed, failed (with the failure messages) or skipped; nothing when the test is not in it.
  std::optional<Outcome> verdict(const std::string& full_name) const;

 private:
  std::unordered_map<std::string, Outcome> by_name_;
};

Outcome interpret_test_attempt(const Outcome& process, const std::optional<std::string>& json,
                               bool premature_exit, const TestIdentity& test);

// Why a test skipped itself, from its output: gtest prints "<file>:<line>: Skipped" and then
// the GTEST_SKIP() << message before its "[  SKIPPED ]" line (its JSON report does not carry the
// message). "<file>:<line>: <message>", or empty when the output has no such lines.
std::string skip_message(std::string_view output);

// The outcome with a skip's own message, when the output has one.
void add_skip_message(Outcome& outcome, const Capture& output);

}  // namespace procpool::gtest
