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

#include "procpool/adapters/ctest/ctest_environment.hpp"
#include "procpool/adapters/ctest/ctest_rules.hpp"
#include "procpool/adapters/ctest/resource_groups.hpp"
#include "procpool/runner/core/outcome.hpp"
#include "procpool/runner/core/result.hpp"
#include "procpool/runner/core/task.hpp"
#include "procpool/runner/process/child.hpp"

namespace procpool::ctest {

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

// The properties procpool honours, as CTest does.
const std::vector<std::string>& supported_properties();
// Whether `property` is one CTest gives a run-time meaning (so ignoring it is worth a warning).
bool changes_how_ctest_runs(const std::string& property);

// The JSON text with every number too large for a double (CTest writes an infinite TIMEOUT as
// 1e+9999) replaced by the largest double, so a parser takes it.
std::string clamp_json_numbers(std::string_view text);

// Parses ctest's json-v1 document. `build_dir` names the tests' group in reports. `getenv`
// reads the environment the tests would inherit (ENVIRONMENT_MODIFICATION starts from it).
Result<CtestSuite> parse_ctest_json(std::string_view text, const std::string& build_dir,
                                    const EnvLookup& getenv = nullptr);

// Starts `ctest --show-only=json-v1 ARGS...` in `build_dir` on `io`; `done` gets the parsed
// suite (or why not) from the loop. The child can be stopped (a Ctrl-C while listing).
std::shared_ptr<process::Child> start_ctest_listing(boost::asio::io_context& io,
                                                    const std::string& build_dir,
                                                    const std::vector<std::string>& selection_args,
                                                    std::function<void(Result<CtestSuite>)> done);

}  // namespace procpool::ctest
