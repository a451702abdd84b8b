// An existing CTest suite as procpool tasks: the test list from `ctest --show-only=json-v1`,
// with the properties CTest honours when running a test.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "procpool/adapters/ctest/resource_groups.hpp"
#include "procpool/runner/core/outcome.hpp"
#include "procpool/runner/core/result.hpp"
#include "procpool/runner/core/task.hpp"
#include "procpool/runner/process/child.hpp"

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

struct CtestTest {
  // command, WORKING_DIRECTORY, ENVIRONMENT (+ ENVIRONMENT_MODIFICATION), TIMEOUT, RUN_SERIAL,
  // RESOURCE_LOCK, PROCESSORS, COST, DEPENDS and fixtures (after / after_passing / companions)
  TaskSpec task;
  CtestRules rules;
  bool disabled = false;
  std::vector<std::string> fixtures_setup, fixtures_required, fixtures_cleanup;
  std::vector<ResourceGroup> resource_groups;  // RESOURCE_GROUPS, as ctest expanded them
};

struct CtestSuite {
  std::vector<CtestTest> tests;
  std::vector<std::string> unsupported;  // property names procpool does not honour, sorted
};

// Marks a test that runs one GoogleTest case (as gtest_discover_tests and gtest_add_tests register
// them: a single `--gtest_filter=Suite.Name`) and whose verdict CTest decides by exit code alone
// (or gtest's skip line) as batchable: tests with the same program, other arguments,
// environment, directory and timeout may share a process under --batch. Tests with their own
// pass/fail patterns, WILL_FAIL, SKIP_RETURN_CODE, RUN_SERIAL or resource locks stay alone.
void mark_batchable_gtest(CtestTest& test);

// The properties procpool honours, as CTest does.
const std::vector<std::string>& supported_properties();
// Whether `property` is one CTest gives a run-time meaning (so ignoring it is worth a warning).
bool changes_how_ctest_runs(const std::string& property);

// The JSON text with every number too large for a double (CTest writes an infinite TIMEOUT as
// 1e+9999) replaced by the largest double, so a parser takes it.
std::string clamp_json_numbers(std::string_view text);

// Parses ctest's json-v1 document. `build_dir` names the tests' group in reports. `getenv`
// reads the environment the tests would inherit (ENVIRONMENT_MODIFICATION starts from it).
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
Result<CtestSuite> parse_ctest_json(std::string_view text, const std::string& build_dir,
                                    const EnvLookup& getenv = nullptr);

// CTest's ENVIRONMENT_MODIFICATION (`VAR=OP:VALUE` entries, in order: reset, set, unset,
// string_append/prepend, path_list_append/prepend (':'), cmake_list_append/prepend (';')) on top
// of `task.env` (ENVIRONMENT) and the inherited environment; the result goes to task.env and
// task.env_unset. An unknown operation fails, naming it.
Result<void> apply_environment_modification(TaskSpec& task, const std::vector<std::string>& entries,
                                            const EnvLookup& getenv);

// The fixture relations as run order: a test requiring fixture F starts after F's setups and is
// not run when one failed; F's cleanups start after F's setups and users. Setups and cleanups are
// the companions a shard takes with a user, and helpers themselves.
void link_fixtures(std::vector<CtestTest>& tests);

// Why a test about to start is "Not Run" in CTest's words (its JUnit message, then the line
// ctest prints), or nullopt when it may run.
struct NotRun {
  std::string reason, detail;
};
std::optional<NotRun> check_before_start(const TaskSpec& task, const CtestRules& rules);

// Starts `ctest --show-only=json-v1 ARGS...` in `build_dir` on `io`; `done` gets the parsed
// suite (or why not) from the loop. The child can be stopped (a Ctrl-C while listing).
std::shared_ptr<process::Child> start_ctest_listing(boost::asio::io_context& io,
                                                    const std::string& build_dir,
                                                    const std::vector<std::string>& selection_args,
                                                    std::function<void(Result<CtestSuite>)> done);

// The same on a loop of its own, to the end.
Result<CtestSuite> list_ctest(const std::string& build_dir,
                              const std::vector<std::string>& selection_args);

// CTest's rules on a finished attempt: SKIP_RETURN_CODE and SKIP_REGULAR_EXPRESSION skip;
// PASS_REGULAR_EXPRESSION (if any) replaces the exit-code check; FAIL_REGULAR_EXPRESSION fails;
// WILL_FAIL inverts the verdict of a test that ran to its end (not crashes or timeouts).
// Patterns are CMake regular expressions (cmake_regex.hpp) searched in stdout + stderr.
Outcome apply_ctest_rules(const Outcome& process, const std::string& output,
                          const CtestRules& rules);

}  // namespace procpool::ctest
