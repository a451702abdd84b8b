#include "procpool/adapters/ctest/ctest_rules.hpp"

#include <algorithm>
#include <filesystem>

#include "procpool/adapters/ctest/cmake_regex.hpp"

namespace procpool::ctest {
namespace {

// CMake's dialect, matched in linear time (cmake_regex.hpp). An invalid pattern matches
// nothing, as in CTest (measured: an invalid PASS_REGULAR_EXPRESSION fails its test, an invalid
// FAIL_ one never fails it).
bool search_any(const std::vector<std::string>& patterns, const std::string& text) {
  for (const auto& pattern : patterns) {
    const auto regex = CmakeRegex::compile(pattern);
    if (regex && regex->search(text)) return true;
  }
  return false;
}

}  // namespace

std::optional<NotRun> check_before_start(const TaskSpec& task, const CtestRules& rules) {
  if (rules.executable_missing) {
    return NotRun{"Unable to find executable",
                  "Unable to find executable: ctest --show-only=json-v1 listed no command for " +
                      report_name(task)};
  }
  std::error_code ec;
  if (!task.command.working_dir.empty() &&
      !std::filesystem::is_directory(task.command.working_dir, ec)) {
    return NotRun{"Failed to change working directory", "Failed to change working directory to " +
                                                            task.command.working_dir +
                                                            " : No such file or directory"};
  }
  for (const auto& file : rules.required_files) {
    std::filesystem::path path(file);
    if (path.is_relative() && !task.command.working_dir.empty())
      path = task.command.working_dir / path;
    if (!std::filesystem::exists(path, ec)) {
      return NotRun{"Required Files Missing", "Unable to find required file: " + file};
    }
  }
  return std::nullopt;
}

Outcome apply_ctest_rules(const Outcome& process, const std::string& output,
                          const CtestRules& rules) {
  const bool ran_to_end =
      process.kind == OutcomeKind::passed || process.kind == OutcomeKind::failed;
  if (!ran_to_end) return process;  // crashes, timeouts, start failures stay what they are
  Outcome outcome = process;
  if ((rules.skip_return_code && process.exit_code == *rules.skip_return_code) ||
      search_any(rules.skip_patterns, output)) {
    outcome.kind = OutcomeKind::skipped;
    outcome.message = "skipped (SKIP_RETURN_CODE or SKIP_REGULAR_EXPRESSION)";
    return outcome;
  }
  bool passed = process.exit_code == 0;
  std::string why;
  if (!rules.pass_patterns.empty()) {
    passed = search_any(rules.pass_patterns, output);
    if (!passed) why = "no PASS_REGULAR_EXPRESSION matched the output";
  } else if (!passed) {
    why = "exit code " + std::to_string(process.exit_code);
  }
  if (passed && search_any(rules.fail_patterns, output)) {
    passed = false;
    why = "a FAIL_REGULAR_EXPRESSION matched the output";
  }
  if (rules.will_fail) {
    passed = !passed;
    why = passed ? "" : "WILL_FAIL is set but the test passed";
  }
  outcome.kind = passed ? OutcomeKind::passed : OutcomeKind::failed;
  outcome.message = passed ? "" : why;
  return outcome;
}

}  // namespace procpool::ctest
