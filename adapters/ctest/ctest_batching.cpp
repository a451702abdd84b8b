#include "procpool/adapters/ctest/ctest_batching.hpp"

#include <algorithm>

#include "procpool/adapters/ctest/ctest_executor.hpp"
#include "procpool/runner/schedule/split_executor.hpp"

namespace procpool::ctest {

void mark_batchable_gtest(CtestTest& test) {
  // Resources are held per process, per test; a disabled test never runs.
  if (!test.resource_groups.empty() || test.disabled) return;
  TaskSpec& task = test.task;
  const CtestRules& rules = test.rules;
  // gtest_discover_tests adds SKIP_REGULAR_EXPRESSION for gtest's own skip line; a batch reads
  // that line itself. Any other rule needs the test's whole output: it stays alone.
  const bool gtest_skip_only =
      std::all_of(rules.skip_patterns.begin(), rules.skip_patterns.end(),
                  [](const std::string& p) { return p == "\\[  SKIPPED \\]"; });
  if (rules.will_fail || rules.skip_return_code || !rules.pass_patterns.empty() ||
      !rules.fail_patterns.empty() || !gtest_skip_only || task.run_serial ||
      !task.resource_locks.empty() || !task.preset_failure.empty() || task.command.argv.empty() ||
      rules.executable_missing || !rules.required_files.empty() || !rules.bad_command.empty() ||
      rules.timeout_after_match || !task.after.empty() || !task.companions.empty() || task.helper ||
      task.processors > 1) {
    return;
  }
  std::string member;
  std::string group = task.command.argv.front();
  for (std::size_t i = 1; i < task.command.argv.size(); ++i) {
    const std::string& arg = task.command.argv[i];
    if (arg.rfind("--gtest_filter=", 0) == 0) {
      if (!member.empty()) return;  // two filters: not one case
      member = arg.substr(std::string("--gtest_filter=").size());
      continue;
    }
    group += '\0' + arg;
  }
  if (member.empty() || member.find_first_of("*?:-") != std::string::npos) return;
  group += '\1' + task.command.working_dir + '\1' +
           (task.timeout ? std::to_string(task.timeout->count()) : "");
  for (const auto& var : task.command.env) group += '\1' + var.name + '=' + var.value;
  task.batch_group = std::move(group);
  task.batch_member = std::move(member);
}

std::unique_ptr<schedule::Executor> batching_executor(boost::asio::io_context& io,
                                                      schedule::Executor& processes,
                                                      std::map<std::string, CtestRules> rules,
                                                      const ResourceAllocator* resources,
                                                      gtest::GtestExecutorOptions gtest) {
  gtest.alone_is_final = false;
  return std::make_unique<schedule::SplitExecutor>(
      std::make_unique<CtestExecutor>(io, processes, std::move(rules), resources),
      std::make_unique<gtest::GtestExecutor>(io, processes, std::move(gtest)));
}

}  // namespace procpool::ctest
