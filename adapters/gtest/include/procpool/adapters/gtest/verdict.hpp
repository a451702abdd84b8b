// Turning one finished test process into a verdict. gtest's own console lines for the test
// (RUN, then OK / FAILED / SKIPPED, with --gtest_color=no) are the authority; the exit status is
// the fallback, and the premature-exit file catches a test that called exit(0) halfway.
// A per-test process writes no JSON report: measured, the report cost each test process ~4 % of
// a one-process-per-test run's wall time (benchmarks/gtest_batch.sh). A batch's process still
// writes one (GtestReport), read when the process exits normally.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "procpool/runner/core/capture.hpp"
#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/outcome.hpp"
#include "procpool/runner/core/task.hpp"

namespace procpool::gtest {

// gtest's JSON report of a whole process, parsed once: what it says of each test it ran.
class GtestReport {
 public:
  // Nothing when the text is not a gtest JSON report.
  static std::optional<GtestReport> parse(const std::string& json);
  // passed, failed (with the failure messages) or skipped; nothing when the test is not in it.
  std::optional<Outcome> verdict(const std::string& full_name) const;
  // What the test recorded with RecordProperty (of_suite: its suite's SetUpTestSuite did), in
  // name order (the suite's first); empty when it recorded nothing or is not in it.
  std::vector<RecordedProperty> properties(const std::string& full_name) const;

 private:
  std::unordered_map<std::string, Outcome> by_name_;
  std::unordered_map<std::string, std::vector<RecordedProperty>> properties_;
};

// `process` is what the process layer saw; `out` the test process's stdout (run with
// --gtest_color=no); `premature_exit` whether TEST_PREMATURE_EXIT_FILE was left.
Outcome interpret_test_attempt(const Outcome& process, const Capture& out, bool premature_exit,
                               const TestIdentity& test);

// gtest's failure messages in a test's output, worded as its JSON report words them: each
// "<file>:<line>: Failure" line and the lines after it (up to the next such line or gtest's
// next marker) become "<file>:<line>\n<message>"; several are separated by a blank line.
std::string failure_messages(std::string_view output);

// Why a test skipped itself, from its output: gtest prints "<file>:<line>: Skipped" and then
// the GTEST_SKIP() << message before its "[  SKIPPED ]" line (its JSON report does not carry the
// message). "<file>:<line>: <message>", or empty when the output has no such lines.
std::string skip_message(std::string_view output);

// The outcome with a skip's own message, when the output has one.
void add_skip_message(Outcome& outcome, const Capture& output);

}  // namespace procpool::gtest
