// The command line without a run: parsing, the task list `procpool run` builds, the scheduler
// configuration, report paths, reporter wiring, the plan request and exit statuses.
#include <csignal>
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>

#include "app.hpp"
#include "exit_codes.hpp"
#include "gtest_command.hpp"
#include "reporters.hpp"
#include "session.hpp"
#include "suggest.hpp"
#include "suite_run.hpp"
#include "test_support.hpp"

namespace procpool::cli {
namespace {

using procpool::testing::TempDir;

TEST(CommandLine, ParsesRunsOptionsAndItsCommand) {
  CommandLine line;
  ASSERT_FALSE(
      line.parse({"run", "-j", "3", "--timeout", "1.5", "--retries", "2", "--halt", "soon,fail=1",
                  "--json", "r.json", "--keep-order", "--", "echo", "{}", ":::", "a", "b"}));
  EXPECT_EQ(line.subcommand(), "run");
  const RunOptions& o = line.run_options();
  EXPECT_EQ(o.common.jobs, 3u);
  EXPECT_DOUBLE_EQ(o.common.timeout_s, 1.5);
  EXPECT_EQ(o.common.retries, 2u);
  EXPECT_EQ(o.common.halt, "soon,fail=1");
  EXPECT_EQ(o.common.reports.json, "r.json");
  EXPECT_TRUE(o.keep_order);
  EXPECT_EQ(o.command_and_inputs, (std::vector<std::string>{"echo", "{}", ":::", "a", "b"}));
}

TEST(CommandLine, GtestAndCtestKeepWhatFollowsTheDashesForTheirPrograms) {
  CommandLine gtest;
  ASSERT_FALSE(gtest.parse({"gtest", "-j2", "a.bin", "b.bin", "--", "--gtest_repeat=2", "-x"}));
  EXPECT_EQ(gtest.gtest_options().binaries, (std::vector<std::string>{"a.bin", "b.bin"}));
  EXPECT_EQ(gtest.gtest_options().extra_args, (std::vector<std::string>{"--gtest_repeat=2", "-x"}));
  EXPECT_EQ(gtest.gtest_options().run.common.jobs, 2u);
  CommandLine ctest;
  ASSERT_FALSE(ctest.parse({"ctest", "--build-dir", "b", "--", "-R", "net", "-LE", "slow"}));
  EXPECT_EQ(ctest.ctest_options().build_dir, "b");
  EXPECT_EQ(ctest.ctest_options().selection_args,
            (std::vector<std::string>{"-R", "net", "-LE", "slow"}));
}

TEST(CommandLine, UsageErrorsExitTwoAndHelpAndVersionExitZero) {
  EXPECT_EQ(CommandLine().parse({"run", "--no-such-flag"}), exit_usage);
  EXPECT_EQ(CommandLine().parse({"run", "-j", "x", "--", "true", ":::", "a"}), exit_usage);
  EXPECT_EQ(CommandLine().parse({}), exit_usage) << "a subcommand is required";
  EXPECT_EQ(CommandLine().parse({"--version"}), exit_ok);
  EXPECT_EQ(CommandLine().parse({"gtest", "--help"}), exit_ok);
}

TEST(FriendlyErrors, ATypoNamesTheWordAndTheClosestValidOne) {
  CommandLine line;
  auto explain = [&](std::vector<std::string> args) {
    return explain_bad_arguments(line.app(), args).value_or("(nothing)");
  };
  EXPECT_EQ(explain({"rn"}),
            "unknown command 'rn' (did you mean 'run'?); the commands are run, gtest, ctest, "
            "bench, merge");
  EXPECT_EQ(explain({"run", "--jbos", "2", "--", "echo", ":::", "a"}),
            "procpool run: unknown option '--jbos' (did you mean '--jobs'?)");
  EXPECT_EQ(explain({"gtest", "--versoin"}),
            "procpool gtest: unknown option '--versoin' (did you mean '--version'?)");
  EXPECT_EQ(explain({"ctest", "--zzzzzz"}), "procpool ctest: unknown option '--zzzzzz'");
  // Not mistaken for typos: a run's command's own flags, and values that look like flags.
  EXPECT_EQ(explain({"run", "-j2", "echo", "-n", ":::", "a"}), "(nothing)");
  EXPECT_EQ(explain({"gtest", "--timeout", "5", "--slurm-args", "-N", "x"}), "(nothing)");
  // The parse itself says it, and exits 2.
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(CommandLine().parse({"run", "--jbos", "2", "--", "echo", ":::", "a"}), exit_usage);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("did you mean '--jobs'?"),
            std::string::npos);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(CommandLine().parse({"rn"}), exit_usage);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("did you mean 'run'?"),
            std::string::npos);
}

TEST(FriendlyErrors, HelpIsGroupedAndShowsExamples) {
  for (const char* command : {"run", "gtest", "ctest", "merge"}) {
    ::testing::internal::CaptureStdout();
    EXPECT_EQ(CommandLine().parse({command, "--help"}), exit_ok);
    const std::string help = ::testing::internal::GetCapturedStdout();
    EXPECT_NE(help.find("Example"), std::string::npos) << command << "\n" << help;
    if (std::string(command) != "merge") {
      EXPECT_NE(help.find("Scheduling:"), std::string::npos) << command << "\n" << help;
      EXPECT_NE(help.find("Reports:"), std::string::npos) << command << "\n" << help;
    }
  }
}

TEST(FriendlyErrors, NumbersAreQuotedAsWrittenAndEveryCommandHasVersion) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(CommandLine().parse({"gtest", "--repeat", "0", "x"}), exit_usage);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("'0' is not a whole number from 1 to 4294967295"), std::string::npos) << err;
  EXPECT_EQ(err.find("000000"), std::string::npos) << "no 310-digit float: " << err;
  for (const char* command : {"run", "gtest", "ctest", "bench", "merge"}) {
    ::testing::internal::CaptureStdout();
    EXPECT_EQ(CommandLine().parse({command, "--version"}), exit_ok) << command;
    EXPECT_NE(::testing::internal::GetCapturedStdout().find("procpool "), std::string::npos);
  }
}

TEST(CommandLine, BenchTakesItsGridAndResolvesNoJobsLater) {
  CommandLine line;
  ASSERT_FALSE(
      line.parse({"bench", "--executors", "tbb,pool", "--sizes", "1ms,10ms", "--rounds", "3"}));
  const BenchOptions& o = line.bench_options();
  EXPECT_EQ(o.grid.executors, (std::vector<std::string>{"tbb", "pool"}));
  EXPECT_EQ(o.grid.sizes, (std::vector<std::string>{"1ms", "10ms"}));
  EXPECT_EQ(o.grid.jobs, 0u) << "0 = the number of cores, resolved when the grid is planned";
  EXPECT_EQ(o.rounds, 3u);
}

RunOptions run_options(std::vector<std::string> words) {
  RunOptions o;
  o.command_and_inputs = std::move(words);
  return o;
}

TEST(BuildTasks, OneTaskPerInputWithTheInputSubstituted) {
  auto tasks = build_tasks(run_options({"echo", "x{}", ":::", "a", "b"}));
  ASSERT_TRUE(tasks) << tasks.error();
  ASSERT_EQ((*tasks)->size(), 2u);
  EXPECT_EQ((*tasks)->get(1).command.argv, (std::vector<std::string>{"echo", "xb"}));
  EXPECT_EQ((*tasks)->get(1).input, "b");
}

TEST(BuildTasks, ReadsTasksAndArgumentFiles) {
  TempDir dir;
  procpool::testing::write_file(dir.file("tasks"), "echo 'a b'\n# comment\ntrue\n");
  RunOptions from_file;
  from_file.tasks_file = dir.file("tasks");
  auto tasks = build_tasks(from_file);
  ASSERT_TRUE(tasks) << tasks.error();
  EXPECT_EQ((*tasks)->size(), 2u);
  procpool::testing::write_file(dir.file("inputs"), "one\r\ntwo\n");
  RunOptions from_args = run_options({"echo"});
  from_args.arg_files = {dir.file("inputs")};
  auto args = build_tasks(from_args);
  ASSERT_TRUE(args) << args.error();
  ASSERT_EQ((*args)->size(), 2u);
  // GNU parallel keeps a line's '\r' (printf 'a\r\n' | parallel printf '<%s>' gives <a\r>).
  EXPECT_EQ((*args)->get(0).command.argv, (std::vector<std::string>{"echo", "one\r"}));
}

TEST(BuildTasks, NamesWhatIsWrong) {
  EXPECT_NE(build_tasks(run_options({"echo", "::::"})).error().find(":::: needs at least one file"),
            std::string::npos);
  RunOptions both = run_options({"echo", ":::", "a"});
  both.tasks_file = "x";
  EXPECT_NE(build_tasks(both).error().find("not both"), std::string::npos);
  EXPECT_NE(
      build_tasks(run_options({"echo", "::::", "/nonexistent/in"})).error().find("/nonexistent/in"),
      std::string::npos);
  RunOptions bad_colsep = run_options({"echo", ":::", "a"});
  bad_colsep.colsep = "(";
  EXPECT_NE(build_tasks(bad_colsep).error().find("--colsep ("), std::string::npos);
  RunOptions missing;
  missing.tasks_file = "/nonexistent/tasks";
  EXPECT_NE(build_tasks(missing).error().find("/nonexistent/tasks"), std::string::npos);
}

TEST(CommonOptions, BecomeTheSchedulerAndExecutorConfiguration) {
  CommonOptions o;
  o.retries = 2;
  o.halt = "now,fail=10%";
  o.timeout_s = 0.25;
  o.grace_s = 1;
  auto config = scheduler_config(o);
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->jobs, std::max(1u, std::thread::hardware_concurrency()))
      << "no -j: one per core";
  EXPECT_EQ(config->retries, 2u);
  EXPECT_TRUE(config->halt.percent);
  EXPECT_EQ(config->default_timeout, std::chrono::milliseconds(250));
  o.timeout_s = 0;
  EXPECT_FALSE(scheduler_config(o)->default_timeout) << "--timeout 0: no deadline";
  const auto process = process_options(o);
  EXPECT_EQ(process.grace, std::chrono::milliseconds(1000));
  o.halt = "whenever";
  EXPECT_FALSE(scheduler_config(o));
}

TEST(ReportPaths, AreCheckedBeforeTheRunAndDirectoriesCreated) {
  TempDir dir;
  ReportOptions o;
  o.json = dir.file("report.json");
  o.log_dir = dir.file("logs/deep");
  EXPECT_TRUE(prepare_report_paths(o));
  EXPECT_TRUE(std::filesystem::is_directory(dir.file("logs/deep")));
  o.junit = dir.file("missing/junit.xml");
  const auto bad = prepare_report_paths(o);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("missing"), std::string::npos) << bad.error();
  EXPECT_NE(check_report_path(dir.path()).error().find("it is a directory"), std::string::npos);
}

class NullConsole final : public report::LiveConsole {
 public:
  NullConsole() : LiveConsole(-1, false) {}
};

TEST(BuildReporters, TheConsoleFirstThenExtrasThenOneReporterPerFile) {
  ReportOptions o;
  o.json = "r.json";
  o.junit = "r.xml";
  NullConsole* console = new NullConsole;
  NullConsole extra;
  Reporters reporters = build_reporters(o, std::unique_ptr<report::LiveConsole>(console), {&extra});
  ASSERT_EQ(reporters.session.all.size(), 4u);
  EXPECT_EQ(reporters.session.all[0], console);
  EXPECT_EQ(reporters.session.all[1], &extra);
  EXPECT_EQ(reporters.session.files.size(), 2u);
  EXPECT_TRUE(reporters.session.tick);
}

TEST(ExitCodes, FollowSignalsReportErrorsAndFailures) {
  SessionResult result;
  EXPECT_EQ(exit_code_for(result), exit_ok);
  result.summary.failed = 1;
  EXPECT_EQ(exit_code_for(result), exit_task_failed);
  result.report_errors.push_back("cannot write x");
  EXPECT_EQ(exit_code_for(result), exit_usage);
  result.signal = SIGTERM;
  EXPECT_EQ(exit_code_for(result), exit_terminated);
  result.signal = SIGINT;
  EXPECT_EQ(exit_code_for(result), exit_interrupted);
  SessionResult halted_on_success;
  halted_on_success.summary.cancelled = 2;
  halted_on_success.summary.cancelled_run = true;
  halted_on_success.summary.cancel_reason = CancelReason::halted;
  EXPECT_EQ(exit_code_for(halted_on_success), exit_ok) << "as GNU parallel's --halt success";
}

TEST(PlanRequest, TakesTheOptionsAndGtestsShardingVariables) {
  TestRunOptions o;
  o.shard = "2/3";
  o.shard_by = "hash";
  o.repeat = 4;
  ::setenv("GTEST_TOTAL_SHARDS", "5", 1);
  ::setenv("GTEST_SHARD_INDEX", "1", 1);
  const auto planned = plan_request(o, {}, std::vector<TaskSpec>(3));
  ::unsetenv("GTEST_TOTAL_SHARDS");
  ::unsetenv("GTEST_SHARD_INDEX");
  ASSERT_TRUE(planned) << planned.error();
  const auto& request = *planned;
  EXPECT_EQ(request.shard, "2/3");
  EXPECT_EQ(request.shard_by, plan::ShardBy::hash);
  EXPECT_EQ(request.repeat, 4u);
  EXPECT_EQ(request.tests.size(), 3u);
  ASSERT_TRUE(request.gtest_shard);
  EXPECT_EQ(request.gtest_shard->total, "5");
  EXPECT_EQ(request.gtest_shard->index, "1");
  EXPECT_FALSE(plan_request(o, {}, {})->gtest_shard) << "without the variables, none";
}

TEST(HabitSpellings, GtestParallelAndNextestFlagsMeanProcpoolsOwn) {
  CommandLine line;
  ASSERT_FALSE(line.parse({"gtest", "-w", "3", "--print_test_times", "--output_dir", "logs",
                           "--gtest_also_run_disabled_tests", "--serialize_test_cases",
                           "--fail-fast", "--partition", "count:2/3", "a.bin"}));
  const GtestOptions& o = line.gtest_options();
  EXPECT_EQ(o.run.common.jobs, 3u);
  EXPECT_TRUE(o.run.print_test_times);
  EXPECT_EQ(o.run.common.reports.log_dir, "logs");
  EXPECT_TRUE(o.also_run_disabled);
  EXPECT_TRUE(o.serialize_suites);
  EXPECT_EQ(o.run.common.halt, "soon,fail=1");
  const auto request = plan_request(o.run, {}, {});
  ASSERT_TRUE(request) << request.error();
  EXPECT_EQ(request->shard, "2/3");
  EXPECT_EQ(request->shard_by, plan::ShardBy::count);

  CommandLine nextest;
  ASSERT_FALSE(
      nextest.parse({"ctest", "--fail-fast", "--no-fail-fast", "--partition", "hash:1/2"}));
  EXPECT_EQ(nextest.ctest_options().run.common.halt, "never") << "the last one given wins";
  EXPECT_EQ(plan_request(nextest.ctest_options().run, {}, {})->shard_by, plan::ShardBy::hash);
  TestRunOptions bad;
  bad.partition = "slice:1/2";
  EXPECT_FALSE(plan_request(bad, {}, {}));
  bad.partition = "hash:1/2";
  bad.shard = "1/2";
  EXPECT_FALSE(plan_request(bad, {}, {})) << "two ways to choose the shard";
}

TEST(PlanRequest, TakesTheBatchSizeAndRefusesABadOne) {
  TestRunOptions o;
  o.batch = "auto";
  auto request = plan_request(o, {}, {});
  ASSERT_TRUE(request);
  EXPECT_TRUE(request->batch.automatic);
  o.batch = "12";
  EXPECT_EQ(plan_request(o, {}, {})->batch.tests, 12u);
  for (const char* bad : {"0", "-3", "x", "2x", "1e3"}) {
    o.batch = bad;
    const auto refused = plan_request(o, {}, {});
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().find("--batch"), std::string::npos) << refused.error();
  }
}

}  // namespace
}  // namespace procpool::cli

namespace procpool::cli {
namespace {

TEST(GtestSelectionFlags, AFilterAfterTheDashesBecomesTheFilterNotAnExtraArgument) {
  GtestOptions o;
  o.extra_args = {"--gtest_filter=A.*", "--gtest_also_run_disabled_tests", "--gtest_brief=1"};
  ASSERT_TRUE(absorb_selection_flags(o));
  EXPECT_EQ(o.filter, "A.*");
  EXPECT_TRUE(o.also_run_disabled);
  EXPECT_EQ(o.extra_args, std::vector<std::string>{"--gtest_brief=1"});
}

TEST(GtestSelectionFlags, TwoDifferentFiltersAreAUsageError) {
  GtestOptions o;
  o.filter = "B.*";
  o.extra_args = {"--gtest_filter=A.*"};
  const auto absorbed = absorb_selection_flags(o);
  ASSERT_FALSE(absorbed);
  EXPECT_NE(absorbed.error().find("two filters"), std::string::npos);
}

}  // namespace
}  // namespace procpool::cli
