#include "test_run.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "duration_option.hpp"
#include "exit_codes.hpp"
#include "procpool/runner/plan/history.hpp"
#include "procpool/runner/plan/partition.hpp"
#include "procpool/runner/report/gtest_console_reporter.hpp"
#include "procpool/runner/report/json_reporter.hpp"
#include "procpool/runner/report/junit_reporter.hpp"
#include "procpool/runner/report/log_dir_reporter.hpp"
#include "procpool/runner/schedule/process_executor.hpp"
#include "run_session.hpp"

namespace procpool::cli {
namespace fs = std::filesystem;

namespace {

// The shard from --shard K/N, else from GoogleTest's own variables as Bazel and CTest set them.
std::optional<plan::Shard> choose_shard(const TestRunOptions& o, std::string& error) {
  if (!o.shard.empty()) return plan::Shard::parse(o.shard, error);
  const char* total = std::getenv("GTEST_TOTAL_SHARDS");
  const char* index = std::getenv("GTEST_SHARD_INDEX");
  if (!total || !index) return plan::Shard{1, 1};
  // gtest's index is 0-based; ours is 1-based.
  auto shard = plan::Shard::parse(std::to_string(std::atoll(index) + 1) + "/" + total, error);
  if (!shard) {
    error = "GTEST_SHARD_INDEX=" + std::string(index) + " / GTEST_TOTAL_SHARDS=" + total +
            " are not a valid shard";
  }
  return shard;
}

}  // namespace

void add_test_run_options(CLI::App* cmd, TestRunOptions& o) {
  cmd->add_option("-j,--jobs", o.jobs, "tests at once (default: number of cores)")
      ->check(CLI::PositiveNumber);
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
  cmd->add_option("--shard-by", o.shard_by,
                  "auto: by recorded duration when there is history, else by hash; hash: always "
                  "by hash (for shards that do not share one history file)")
      ->check(CLI::IsMember({"auto", "hash"}))
      ->capture_default_str();
  cmd->add_option("--junit", o.junit, "write JUnit XML to FILE");
  cmd->add_option("--json", o.json, "write one JSON record per test to FILE");
  cmd->add_option("--log-dir", o.log_dir, "one log per failed, flaky or timed-out test");
  // A flag, not an option with an optional value: that would swallow the argument after it.
  cmd->add_flag("--print-test-times", o.print_test_times, "list the 10 slowest tests at the end");
  cmd->add_flag("--no-progress", o.no_progress, "no live status line");
}

unsigned effective_jobs(const TestRunOptions& o) {
  return o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
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
  std::string error;
  auto halt = schedule::HaltPolicy::parse(o.halt, error);
  if (!halt) return fail(error);
  auto shard = choose_shard(o, error);
  if (!shard) return fail(error);
  if (const char* status = std::getenv("GTEST_SHARD_STATUS_FILE")) {
    std::ofstream touch(status, std::ios::app);  // the sharding protocol: "I understood it"
  }
  for (const std::string* path : {&o.junit, &o.json}) {
    if (path->empty()) continue;
    if (auto why = check_report_path(*path); !why.empty()) return fail(why);
  }
  if (!o.log_dir.empty()) {
    std::error_code ec;
    fs::create_directories(o.log_dir, ec);
    if (ec) return fail("cannot create --log-dir " + o.log_dir + ": " + ec.message());
  }

  std::string warning;
  plan::DurationHistory history = plan::DurationHistory::load(o.history, warning);
  if (!warning.empty()) warn(warning);

  // This shard's part of the tests, longest first, repeated.
  std::vector<std::string> ids;
  std::vector<std::optional<double>> seconds;
  for (const auto& task : tests) {
    ids.push_back(task.test ? plan::history_id(*task.test) : task.name);
    seconds.push_back(history.seconds(ids.back()));
  }
  std::vector<std::optional<double>> shard_weights = seconds;
  if (o.shard_by == "hash") shard_weights.assign(seconds.size(), std::nullopt);
  std::vector<TaskSpec> chosen;
  std::vector<std::optional<double>> chosen_seconds;
  for (std::size_t i : plan::select_shard(ids, shard_weights, *shard)) {
    chosen.push_back(tests[i]);
    chosen_seconds.push_back(seconds[i]);
  }
  std::vector<TaskSpec> tasks = std::move(always);
  for (unsigned round = 0; round < o.repeat; ++round) {
    for (std::size_t i : plan::longest_first(chosen_seconds)) tasks.push_back(chosen[i]);
  }

  boost::asio::io_context io(1);
  schedule::ProcessExecutor processes(io, process_options(o.timeout_s, o.grace_s, o.slow_s));
  std::unique_ptr<schedule::Executor> wrapped = wrap ? wrap(processes) : nullptr;
  schedule::Executor& executor = wrapped ? *wrapped : processes;

  schedule::SchedulerConfig config;
  config.jobs = effective_jobs(o);
  config.retries = o.retries;
  config.halt = *halt;

  report::GtestConsoleReporter console(
      {.progress = want_progress(o.no_progress), .slowest = o.print_test_times ? 10u : 0u});
  plan::HistoryRecorder history_recorder(history, o.history);
  SessionReporters reporters;
  reporters.all = {&console, &history_recorder};
  std::optional<report::JunitReporter> junit;
  std::optional<report::JsonReporter> json;
  std::optional<report::LogDirReporter> logs;
  if (!o.junit.empty()) reporters.files.push_back(&junit.emplace(o.junit));
  if (!o.json.empty()) reporters.files.push_back(&json.emplace(o.json, o.log_dir));
  if (!o.log_dir.empty()) reporters.files.push_back(&logs.emplace(o.log_dir));
  for (report::FileReporter* file : reporters.files) reporters.all.push_back(file);
  reporters.tick = [&console] { console.tick(); };

  SessionResult result = run_session(io, executor, config, std::move(tasks), reporters);
  for (const auto& message : result.report_errors) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), message.c_str());
  }
  if (!history_recorder.error().empty()) warn(history_recorder.error());
  int code = exit_code_for(result);
  if (code == exit_ok && o.fail_on_flaky && result.summary.flaky > 0) code = exit_task_failed;
  return code;
}

}  // namespace procpool::cli
