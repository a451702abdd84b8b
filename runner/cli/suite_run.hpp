// What `procpool gtest` and `procpool ctest` share after their sources have produced tests:
// the common options plus history, shards, repeats; the plan stage, the process executor
// (wrapped by the source's verdict reader), the test console and reports, the session, and the
// exit status.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include "common_options.hpp"
#include "pipeline.hpp"
#include "procpool/runner/core/task.hpp"
#include "procpool/runner/plan/suite_plan.hpp"
#include "procpool/runner/schedule/executor.hpp"
#include "procpool/runner/schedule/scheduler.hpp"

namespace procpool::cli {

struct TestRunOptions {
  CommonOptions common;
  bool fail_on_flaky = false;
  unsigned repeat = 1;
  std::string history = ".procpool/history.json";
  std::string history_out;        // --history-out FILE: the history as read plus this run's
  std::string shard;              // "K/N" or "auto"; empty: GTEST_* variables or everything
  std::string shard_by = "auto";  // auto (duration with history, else hash) | hash | count
  std::string partition;          // nextest's --partition hash:K/N | count:K/N
  bool print_test_times = false;
  std::string batch;  // --batch SIZE|auto (gtest); empty: one process per test
  bool fail_on_order_dependent = false;
  std::string failure_output = "immediate";  // nextest's --failure-output
  std::string success_output = "never";      // nextest's --success-output
  bool schedule_random = false;  // start the tests in a random order (ctest --schedule-random)
  // When set, the names of the tests that did not pass are written to this file at the end,
  // one per line (procpool ctest's record for --rerun-failed).
  std::string failed_list;
};

void add_test_run_options(CLI::App* command, TestRunOptions& options);

// The plan request the options and the environment describe (GTEST_TOTAL_SHARDS and
// GTEST_SHARD_INDEX, as Bazel and CTest set them, are read here).
Result<plan::TestPlanRequest> plan_request(const TestRunOptions& options,
                                           std::vector<TaskSpec> always,
                                           std::vector<TaskSpec> tests);

// What the --json report says about the run: the command (from `name`), shard and suite.
report::RunDescription describe_run(const std::string& name, const plan::TestPlan& plan);

// `always` run in every shard (entries that report a broken source); `tests` are planned. Returns
// the exit status. `name` prefixes messages ("procpool gtest").
// `admission`: what else a test needs to start, kept by the source (CTest's resources); optional.
// `check`: see RunCheck (pipeline.hpp); when it says no, nothing is reported, `*abandoned` is set
// and the caller starts again.
int run_tests(const std::string& name, const TestRunOptions& options, std::vector<TaskSpec> always,
              std::vector<TaskSpec> tests, const ExecutorWrapper& wrap,
              schedule::Admission* admission = nullptr, RunCheck check = {},
              bool* abandoned = nullptr);

}  // namespace procpool::cli
