#include "gtest_command.hpp"

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "duration_option.hpp"
#include "exit_codes.hpp"
#include "procpool/gtest/gtest_executor.hpp"
#include "procpool/gtest/test_list.hpp"
#include "procpool/plan/history.hpp"
#include "procpool/plan/partition.hpp"
#include "procpool/report/gtest_console_reporter.hpp"
#include "procpool/report/json_reporter.hpp"
#include "procpool/report/junit_reporter.hpp"
#include "procpool/report/log_dir_reporter.hpp"
#include "procpool/schedule/process_executor.hpp"
#include "run_session.hpp"

namespace procpool::cli {
namespace fs = std::filesystem;

namespace {

int usage_error(const std::string& message) {
  std::fprintf(stderr, "procpool gtest: %s\n", message.c_str());
  return exit_usage;
}

void warn(const std::string& message) {
  std::fprintf(stderr, "procpool gtest: warning: %s\n", message.c_str());
}

// The shard from --shard K/N, else from GoogleTest's own variables as Bazel and CTest set them.
std::optional<plan::Shard> choose_shard(const GtestOptions& o, std::string& error) {
  if (!o.shard.empty()) return plan::Shard::parse(o.shard, error);
  const char* total = std::getenv("GTEST_TOTAL_SHARDS");
  const char* index = std::getenv("GTEST_SHARD_INDEX");
  if (!total || !index) return plan::Shard{1, 1};
  // gtest's index is 0-based; ours is 1-based.
  auto shard = plan::Shard::parse(std::to_string(std::atoll(index) + 1) + "/" + total, error);
  if (!shard)
    error = "GTEST_SHARD_INDEX=" + std::string(index) + " / GTEST_TOTAL_SHARDS=" + total +
            " are not a valid shard";
  return shard;
}

TaskSpec listing_failure(const gtest::Listing& listing) {
  TaskSpec task;
  const std::string file = fs::path(listing.binary).filename().string();
  task.test = TestIdentity{listing.binary, file, "list_tests"};
  task.name = listing.binary + " --gtest_list_tests";
  std::string output = listing.output.size() > 4000
                           ? "..." + listing.output.substr(listing.output.size() - 4000)
                           : listing.output;
  task.preset_failure =
      listing.binary + ": " + listing.error + (output.empty() ? "" : "\n" + output);
  return task;
}

TaskSpec test_task(const std::string& binary, const gtest::ListedTest& test,
                   const GtestOptions& o) {
  TaskSpec task;
  task.test = TestIdentity{binary, test.suite, test.name};
  task.argv = {binary, "--gtest_filter=" + task.test->full_name()};
  if (o.also_run_disabled) task.argv.push_back("--gtest_also_run_disabled_tests");
  task.argv.insert(task.argv.end(), o.extra_args.begin(), o.extra_args.end());
  task.name = shell_join(task.argv);
  return task;
}

}  // namespace

CLI::App* add_gtest_command(CLI::App& app, GtestOptions& o) {
  CLI::App* cmd =
      app.add_subcommand("gtest",
                         "Run GoogleTest binaries test by test, one isolated process per test.\n"
                         "  procpool gtest [OPTIONS] BINARY [BINARY...] [-- EXTRA_GTEST_ARGS...]\n"
                         "Longest tests start first once durations are remembered (--history).");
  cmd->add_option("binaries", o.binaries, "GoogleTest programs")->required();
  cmd->add_option("-j,--jobs", o.jobs, "tests at once (default: number of cores)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--filter", o.filter, "gtest filter, e.g. 'Suite.*:Other.*-Suite.Slow'");
  cmd->add_flag("--also-run-disabled-tests", o.also_run_disabled, "run DISABLED_ tests too");
  cmd->add_option("--timeout", o.timeout_s, "seconds before a test is stopped (0: none)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--grace", o.grace_s, "seconds between SIGTERM and SIGKILL")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--slow", o.slow_s,
                  "seconds after which a running test is reported slow (0: never)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--retries", o.retries,
                  "extra attempts for a failing test; a late pass is flaky");
  cmd->add_flag("--fail-on-flaky", o.fail_on_flaky, "exit 1 when a test was flaky");
  cmd->add_option("--repeat", o.repeat, "run every test N times")->check(CLI::PositiveNumber);
  cmd->add_option("--halt", o.halt, "never | soon,fail=N | now,fail=N (as procpool run)")
      ->capture_default_str();
  cmd->add_option("--history", o.history, "durations file")->capture_default_str();
  cmd->add_option("--shard", o.shard, "run shard K of N (1-based, e.g. 2/3)");
  cmd->add_option("--junit", o.junit, "write JUnit XML to FILE");
  cmd->add_option("--json", o.json, "write one JSON record per test to FILE");
  cmd->add_option("--log-dir", o.log_dir, "one log per failed, flaky or timed-out test");
  // A flag, not an option with an optional value: that would swallow the binary after it.
  cmd->add_flag("--print-test-times", o.print_test_times, "list the 10 slowest tests at the end");
  cmd->add_flag("--keep-tmp", o.keep_tmp, "keep each test's TEST_TMPDIR");
  cmd->add_flag("--no-progress", o.no_progress, "no live status line");
  return cmd;
}

int run_gtest_command(const GtestOptions& o) {
  std::string error;
  auto halt = HaltPolicy::parse(o.halt, error);
  if (!halt) return usage_error(error);
  auto shard = choose_shard(o, error);
  if (!shard) return usage_error(error);
  if (const char* status = std::getenv("GTEST_SHARD_STATUS_FILE")) {
    std::ofstream touch(status, std::ios::app);  // the sharding protocol: "I understood it"
  }
  for (const std::string* path : {&o.junit, &o.json}) {
    if (path->empty()) continue;
    if (auto why = check_report_path(*path); !why.empty()) return usage_error(why);
  }
  if (!o.log_dir.empty()) {
    std::error_code ec;
    fs::create_directories(o.log_dir, ec);
    if (ec) return usage_error("cannot create --log-dir " + o.log_dir + ": " + ec.message());
  }

  std::string warning;
  plan::DurationHistory history = plan::DurationHistory::load(o.history, warning);
  if (!warning.empty()) warn(warning);

  const unsigned jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  gtest::ListOptions list_options;
  list_options.filter = o.filter;
  list_options.extra_args = o.extra_args;
  list_options.jobs = jobs;
  const auto listings = gtest::list_tests(o.binaries, list_options);

  // Every listed test, then this shard's part of it, longest first.
  std::vector<TaskSpec> candidates;
  std::vector<TaskSpec> broken;
  for (const auto& listing : listings) {
    if (!listing.error.empty()) {
      broken.push_back(listing_failure(listing));
      continue;
    }
    for (const auto& test : listing.tests) {
      if (test.disabled() && !o.also_run_disabled) continue;
      candidates.push_back(test_task(listing.binary, test, o));
    }
    if (listing.tests.empty())
      warn(listing.binary + " has no tests" + (o.filter.empty() ? "" : " matching the filter"));
  }
  std::vector<std::string> ids;
  std::vector<std::optional<double>> seconds;
  for (const auto& task : candidates) {
    ids.push_back(plan::history_id(*task.test));
    seconds.push_back(history.seconds(ids.back()));
  }
  std::vector<TaskSpec> chosen;
  std::vector<std::optional<double>> chosen_seconds;
  for (std::size_t i : plan::select_shard(ids, seconds, *shard)) {
    chosen.push_back(candidates[i]);
    chosen_seconds.push_back(seconds[i]);
  }
  std::vector<TaskSpec> tasks = broken;  // unlistable binaries fail in every shard
  for (unsigned round = 0; round < o.repeat; ++round) {
    for (std::size_t i : plan::longest_first(chosen_seconds)) tasks.push_back(chosen[i]);
  }

  std::string temp_root = (fs::temp_directory_path() / "procpool-gtest-XXXXXX").string();
  if (!::mkdtemp(temp_root.data())) return usage_error("cannot create a temporary directory");
  // gtest writes a small JSON result per test; on a disk file system creating and deleting it
  // cost each test ~25 % more (measured), so it goes to a tmpfs when there is one.
  std::string results_dir = "/dev/shm/procpool-results-XXXXXX";
  if (::access("/dev/shm", W_OK) != 0 || !::mkdtemp(results_dir.data())) {
    results_dir = temp_root + "/results";
    fs::create_directories(results_dir);
  }

  boost::asio::io_context io(1);
  ProcessExecutorOptions process_options;
  process_options.default_timeout = seconds_to_ms(o.timeout_s);
  process_options.grace = seconds_to_ms(o.grace_s);
  process_options.slow_after = seconds_to_ms(o.slow_s);
  ProcessExecutor processes(io, process_options);
  gtest::GtestExecutor executor(processes, {temp_root, results_dir, o.keep_tmp});

  SchedulerConfig config;
  config.jobs = jobs;
  config.retries = o.retries;
  config.halt = *halt;

  GtestConsoleReporter console(
      {.progress = want_progress(o.no_progress), .slowest = o.print_test_times ? 10u : 0u});
  plan::HistoryRecorder history_recorder(history, o.history);
  SessionReporters reporters;
  reporters.all = {&console, &history_recorder};
  std::optional<JunitReporter> junit;
  std::optional<JsonReporter> json;
  std::optional<LogDirReporter> logs;
  if (!o.junit.empty()) reporters.files.push_back(&junit.emplace(o.junit));
  if (!o.json.empty()) reporters.files.push_back(&json.emplace(o.json, o.log_dir));
  if (!o.log_dir.empty()) reporters.files.push_back(&logs.emplace(o.log_dir));
  for (FileReporter* file : reporters.files) reporters.all.push_back(file);
  reporters.tick = [&console] { console.tick(); };

  SessionResult result = run_session(io, executor, config, std::move(tasks), reporters);
  for (const auto& message : result.report_errors) {
    std::fprintf(stderr, "procpool gtest: %s\n", message.c_str());
  }
  if (!history_recorder.error().empty()) warn(history_recorder.error());
  std::error_code ignored;
  fs::remove_all(results_dir, ignored);
  if (o.keep_tmp) {
    std::fprintf(stderr, "procpool gtest: test temporary directories kept in %s\n",
                 temp_root.c_str());
  } else {
    fs::remove_all(temp_root, ignored);
  }
  int code = exit_code_for(result);
  if (code == exit_ok && o.fail_on_flaky && result.summary.flaky > 0) code = exit_task_failed;
  return code;
}

}  // namespace procpool::cli
