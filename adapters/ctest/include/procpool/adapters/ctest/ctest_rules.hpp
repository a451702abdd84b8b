// CTest's rules on one test: whether it may start ("Not Run" and why), its verdict beyond its exit
// code, and whether a batch of GoogleTest cases can keep them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "procpool/runner/core/outcome.hpp"
#include "procpool/runner/core/task.hpp"

namespace procpool::ctest {

// How CTest decides whether a test runs, and its verdict beyond its exit code.
struct CtestRules {
  bool will_fail = false;
  std::optional<int> skip_return_code;
  std::vector<std::string> pass_patterns, fail_patterns, skip_patterns;
  // Checked when the test is about to start, as CTest does (an earlier test may make them):
  // missing, the test is "Not Run" with CTest's reason.
  std::vector<std::string> required_files;  // REQUIRED_FILES; relative to the working directory
  bool executable_missing = false;          // ctest listed no command: it found no executable
  std::string bad_command;  // why CTest fails it before it starts (a bad ENVIRONMENT_MODIFICATION)
  // TIMEOUT_AFTER_MATCH: once a line of its output matches one of `patterns`, the test's deadline
  // becomes `seconds` from then (longer or shorter than its TIMEOUT), as CTest does.
  struct TimeoutAfterMatch {
    double seconds = 0;
    std::vector<std::string> patterns;
  };
  std::optional<TimeoutAfterMatch> timeout_after_match;
};

// Why a test about to start is "Not Run" in CTest's words (its JUnit message, then the line
// ctest prints), or nullopt when it may run.
struct NotRun {
  std::string reason, detail;
};
std::optional<NotRun> check_before_start(const TaskSpec& task, const CtestRules& rules);

// CTest's rules on a finished attempt: SKIP_RETURN_CODE and SKIP_REGULAR_EXPRESSION skip;
// PASS_REGULAR_EXPRESSION (if any) replaces the exit-code check; FAIL_REGULAR_EXPRESSION fails;
// WILL_FAIL inverts the verdict of a test that ran to its end (not crashes or timeouts).
// Patterns are CMake regular expressions (cmake_regex.hpp) searched in stdout + stderr.
Outcome apply_ctest_rules(const Outcome& process, const std::string& output,
                          const CtestRules& rules);

}  // namespace procpool::ctest
