#include "test_run.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "exit_codes.hpp"
#include "procpool/runner/core/jobs.hpp"
#include "procpool/runner/report/test_console_reporter.hpp"
#include "procpool/runner/schedule/process_executor.hpp"
#include "reporters.hpp"
#include "session.hpp"

namespace procpool::cli {

void add_test_run_options(CLI::App* cmd, TestRunOptions& o) {
  add_common_options(cmd, o.common, ReportSet::tests, "test");
  cmd->add_flag("--fail-on-flaky", o.fail_on_flaky, "exit 1 when a test was flaky");
  cmd->add_option("--repeat", o.repeat, "run every test N times")->check(CLI::PositiveNumber);
  cmd->add_option("--history", o.history, "durations file")->capture_default_str();
  cmd->add_option("--shard", o.shard, "run shard K of N (1-based, e.g. 2/3)");
  cmd->add_option("--shard-by", o.shard_by,
                  "auto: by recorded duration when there is history, else by hash; hash: always "
                  "by hash (for shards that do not share one history file)")
      ->check(CLI::IsMember({"auto", "hash"}))
      ->capture_default_str();
  // A flag, not an option with an optional value: that would swallow the argument after it.
  cmd->add_flag("--print-test-times", o.print_test_times, "list the 10 slowest tests at the end");
  cmd->add_option("--batch", o.batch,
                  "run up to SIZE GoogleTest cases of one program per process (or 'auto': sized "
                  "from the history); each keeps its own verdict, a crash costs only the test "
                  "that ran, failures are confirmed alone")
      ->type_name("SIZE|auto");
  cmd->add_flag("--fail-on-order-dependent", o.fail_on_order_dependent,
                "exit 1 when a test failed in a batch but passed alone");
}

Result<plan::TestPlanRequest> plan_request(const TestRunOptions& o, std::vector<TaskSpec> always,
                                           std::vector<TaskSpec> tests) {
  auto batch = plan::parse_batch_size(o.batch);
  if (!batch) return batch.failure();
  plan::TestPlanRequest request;
  request.batch = *batch;
  request.jobs = effective_jobs(o.common.jobs);
  request.tests = std::move(tests);
  request.always = std::move(always);
  request.history_path = o.history;
  request.shard = o.shard;
  const char* total = std::getenv("GTEST_TOTAL_SHARDS");
  const char* index = std::getenv("GTEST_SHARD_INDEX");
  if (total && index) request.gtest_shard = plan::GtestShardVariables{total, index};
  request.shard_by =
      o.shard_by == "hash" ? plan::ShardBy::hash : plan::ShardBy::duration_when_known;
  request.repeat = o.repeat;
  return request;
}

int run_tests(const std::string& name, const TestRunOptions& o, std::vector<TaskSpec> always,
              std::vector<TaskSpec> tests, const ExecutorWrapper& wrap) {
  auto fail = [&](const std::string& message) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), message.c_str());
    return exit_usage;
  };
  auto warn = [&](const std::string& message) {
    std::fprintf(stderr, "%s: warning: %s\n", name.c_str(), message.c_str());
  };
  auto config = scheduler_config(o.common);
  if (!config) return fail(config.error());
  auto request = plan_request(o, std::move(always), std::move(tests));
  if (!request) return fail(request.error());
  auto plan = plan::plan_tests(std::move(*request));
  if (!plan) return fail(plan.error());
  if (const char* status = std::getenv("GTEST_SHARD_STATUS_FILE")) {
    std::ofstream touch(status, std::ios::app);  // the sharding protocol: "I understood it"
  }
  if (auto prepared = prepare_report_paths(o.common.reports); !prepared) {
    return fail(prepared.error());
  }
  for (const auto& warning : plan->warnings) warn(warning);

  boost::asio::io_context io(1);
  schedule::ProcessExecutor processes(io, process_options(o.common));
  std::unique_ptr<schedule::Executor> wrapped = wrap ? wrap(io, processes) : nullptr;
  schedule::Executor& executor = wrapped ? *wrapped : processes;

  plan::HistoryRecorder history_recorder(o.history);
  Reporters reporters =
      build_reporters(o.common.reports,
                      std::make_unique<report::TestConsoleReporter>(report::TestConsoleOptions{
                          .progress = want_progress(o.common.no_progress),
                          .slowest = o.print_test_times ? 10u : 0u}),
                      {&history_recorder});

  SessionResult result =
      run_session(io, executor, *config, std::move(plan->tasks), reporters.session);
  for (const auto& message : result.report_errors) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), message.c_str());
  }
  if (!history_recorder.error().empty()) warn(history_recorder.error());
  int code = exit_code_for(result);
  if (code == exit_ok && o.fail_on_flaky && result.summary.flaky > 0) code = exit_task_failed;
  if (code == exit_ok && o.fail_on_order_dependent && result.summary.order_dependent > 0) {
    code = exit_task_failed;
  }
  return code;
}

}  // namespace procpool::cli
