#include "suite_run.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "executor_choice.hpp"
#include "exit_codes.hpp"
#include "pipeline.hpp"
#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/core/jobs.hpp"
#include "procpool/runner/core/verdict.hpp"
#include "procpool/runner/report/suite_console_reporter.hpp"
#include "procpool/runner/schedule/process_executor.hpp"
#include "reporters.hpp"
#include "session.hpp"
#include "suggest.hpp"

namespace procpool::cli {

void add_test_run_options(CLI::App* cmd, TestRunOptions& o) {
  add_common_options(cmd, o.common, ReportSet::tests, "test");
  cmd->option_defaults()->group("Tests: history, order, shards, batches");
  cmd->add_flag("--fail-on-flaky", o.fail_on_flaky, "exit 1 when a test was flaky")
      ->group("Exit status");
  cmd->add_option("--color", o.common.color,
                  "gtest's colours on the console: auto (a terminal, unless NO_COLOR is set; "
                  "GTEST_COLOR=yes|no decides when set), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str()
      ->group("Console");
  cmd->add_option("--repeat", o.repeat, "run every test N times")
      ->check(whole_number(1, 4'294'967'295));
  cmd->add_option("--history", o.history,
                  "durations file; a sharded run only reads it (its measurements go to its "
                  "--json report and --history-out, folded in by procpool merge --history)")
      ->capture_default_str();
  cmd->add_option("--history-out", o.history_out,
                  "write the history as read plus this run's measurements to FILE (what a CI "
                  "shard hands to procpool merge --history-in)");
  cmd->add_option("--shard", o.shard,
                  "run shard K of N (1-based, e.g. 2/3), or 'auto': from the CI's variables "
                  "(GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS, GitLab CI_NODE_INDEX/CI_NODE_TOTAL, "
                  "Buildkite BUILDKITE_PARALLEL_JOB/_COUNT, CircleCI CIRCLE_NODE_INDEX/_TOTAL); "
                  "none set: no sharding")
      ->type_name("K/N|auto");
  cmd->add_option("--shard-by", o.shard_by,
                  "auto: by recorded duration when there is history, else by hash; hash: always "
                  "by hash (for shards that do not share one history file); count: round robin "
                  "in listed order")
      ->check(CLI::IsMember({"auto", "hash", "count"}))
      ->capture_default_str();
  cmd->option_defaults()->group("Console");
  cmd->add_option("--failure-output", o.failure_output,
                  "nextest's: a failed test's output immediate (as it ends), final (at the end "
                  "of the run) or never")
      ->check(CLI::IsMember({"immediate", "final", "never"}))
      ->capture_default_str();
  cmd->add_option("--success-output", o.success_output,
                  "nextest's: a passing test's output immediate, final or never")
      ->check(CLI::IsMember({"immediate", "final", "never"}))
      ->capture_default_str();
  cmd->option_defaults()->group("Tests: history, order, shards, batches");
  cmd->add_option("--partition", o.partition,
                  "nextest's spelling of a shard: hash:K/N (by hash) or count:K/N (round robin)")
      ->type_name("hash:K/N|count:K/N");
  cmd->add_flag_callback(
         "--fail-fast", [&o] { o.common.halt = "soon,fail=1"; },
         "nextest's: start no new test after the first failure (= --halt soon,fail=1)")
      ->group("Scheduling");
  cmd->add_flag_callback(
         "--no-fail-fast", [&o] { o.common.halt = "never"; },
         "nextest's: run every test whatever fails (= --halt never, the default)")
      ->group("Scheduling");
  // A flag, not an option with an optional value: that would swallow the argument after it.
  cmd->add_flag("--print-test-times", o.print_test_times, "list the 10 slowest tests at the end")
      ->group("Console");
  cmd->add_option("--batch", o.batch,
                  "run up to SIZE GoogleTest cases of one program per process (or 'auto': sized "
                  "from the history); each keeps its own verdict, a crash costs only the test "
                  "that ran, failures are confirmed alone")
      ->type_name("SIZE|auto");
  cmd->add_flag("--fail-on-order-dependent", o.fail_on_order_dependent,
                "exit 1 when a test failed in a batch but passed alone")
      ->group("Exit status");
  cmd->option_defaults()->group("Options");
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
  for (const auto& variable : plan::ci_shard_variable_names()) {
    if (const char* value = std::getenv(variable.c_str())) request.ci_variables[variable] = value;
  }
  request.shard_by = o.shard_by == "hash"    ? plan::ShardBy::hash
                     : o.shard_by == "count" ? plan::ShardBy::count
                                             : plan::ShardBy::duration_when_known;
  if (!o.partition.empty()) {
    // nextest's spelling: hash:K/N or count:K/N.
    const auto colon = o.partition.find(':');
    const std::string kind = o.partition.substr(0, colon);
    if (colon == std::string::npos || (kind != "hash" && kind != "count")) {
      return fail("--partition takes hash:K/N or count:K/N (as nextest), got '" + o.partition +
                  "'");
    }
    if (!o.shard.empty()) return fail("--partition and --shard both choose the shard: give one");
    request.shard = o.partition.substr(colon + 1);
    request.shard_by = kind == "hash" ? plan::ShardBy::hash : plan::ShardBy::count;
  }
  request.repeat = o.repeat;
  request.shuffle = o.schedule_random;
  return request;
}

report::RunDescription describe_run(const std::string& name, const plan::TestPlan& plan) {
  report::RunDescription run;
  run.command = name.substr(name.rfind(' ') + 1);  // "procpool gtest" -> "gtest"
  if (plan.shard.total > 1) {
    run.shard = std::to_string(plan.shard.index) + "/" + std::to_string(plan.shard.total);
  }
  run.shard_method = plan.shard_method;
  std::set<std::string> seen;
  for (const auto& task : plan.tasks) {
    if (task.test && seen.insert(task.test->binary).second)
      run.binaries.push_back(task.test->binary);
  }
  run.selected = plan.selected;
  run.suite_tests = plan.suite_tests;
  run.suite_fingerprint = plan.suite_fingerprint;
  return run;
}

namespace {

report::ShowOutput show_output(const std::string& when) {
  return when == "final"   ? report::ShowOutput::final
         : when == "never" ? report::ShowOutput::never
                           : report::ShowOutput::immediate;
}

// The names of the tests that did not pass (failed, crashed, not run...), written at the end.
class FailedListRecorder final : public Reporter {
 public:
  explicit FailedListRecorder(std::string path) : path_(std::move(path)) {}
  void on_task_finished(const TaskFinished& event) override {
    const Verdict verdict = verdict_of(event);
    if (!passing(verdict) && verdict != Verdict::skipped) names_ += report_name(*event.spec) + '\n';
  }
  void on_run_finished(const RunFinished&) override {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
    AtomicFile file(path_);
    file.write(names_);
    if (auto written = file.commit(); !written) error_ = written.error();
  }
  const std::string& error() const { return error_; }

 private:
  std::string path_, names_, error_;
};

}  // namespace

int run_tests(const std::string& name, const TestRunOptions& o, std::vector<TaskSpec> always,
              std::vector<TaskSpec> tests, const ExecutorWrapper& wrap,
              schedule::Admission* admission, RunCheck check, bool* abandoned) {
  auto fail = [&](const std::string& message) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), message.c_str());
    return exit_usage;
  };
  auto warn = [&](const std::string& message) {
    std::fprintf(stderr, "%s: warning: %s\n", name.c_str(), message.c_str());
  };
  auto config = scheduler_config(o.common);
  if (!config) return fail(config.error());
  config->admission = admission;
  auto request = plan_request(o, std::move(always), std::move(tests));
  if (!request) return fail(request.error());
  auto plan = plan::plan_tests(std::move(*request));
  if (!plan) return fail(plan.error());
  if (const char* status = std::getenv("GTEST_SHARD_STATUS_FILE")) {
    std::ofstream touch(status, std::ios::app);  // the sharding protocol: "I understood it"
  }
  ReportOptions reports = o.common.reports;
  reports.run = describe_run(name, *plan);
  if (auto prepared = prepare_report_paths(reports); !prepared) return fail(prepared.error());
  if (!o.history_out.empty()) {
    if (auto checked = check_report_path(o.history_out); !checked) return fail(checked.error());
  }
  for (const auto& warning : plan->warnings) warn(warning);

  // A shard leaves the shared history as it found it: the shards after it must partition by
  // the same durations (else tests run twice or never), so its measurements go to its report
  // and --history-out, for `procpool merge --history`.
  plan::HistoryRecorder history_recorder(
      plan::HistoryRecorderOptions{.shared_path = o.history,
                                   .update_shared = plan->shard.total == 1,
                                   .out_path = o.history_out,
                                   .loaded = plan->history});
  FailedListRecorder failed_list(o.failed_list);
  std::vector<Reporter*> recorders{&history_recorder};
  if (!o.failed_list.empty()) recorders.push_back(&failed_list);
  Pipeline pipeline{
      .name = name,
      .common = &o.common,
      .config = *config,
      .wrap = wrap,
      .reports = std::move(reports),
      .console = std::make_unique<report::SuiteConsoleReporter>(
          report::SuiteConsoleOptions{.progress = want_progress(o.common.no_progress),
                                      .slowest = o.print_test_times ? 10u : 0u,
                                      .color = want_color(o.common.color, STDOUT_FILENO),
                                      .failure_output = show_output(o.failure_output),
                                      .success_output = show_output(o.success_output)}),
      .recorders = std::move(recorders),
      .check = std::move(check)};
  const PipelineResult result = run_pipeline(
      std::move(pipeline), std::make_unique<schedule::TaskVector>(std::move(plan->tasks)));
  if (!result.ran) return result.exit_code;
  if (result.abandoned) {
    if (abandoned) *abandoned = true;
    return result.exit_code;
  }
  if (!history_recorder.error().empty()) warn(history_recorder.error());
  if (!failed_list.error().empty()) warn(failed_list.error());
  const RunSummary& summary = result.session.summary;
  int code = result.exit_code;
  if (code == exit_ok && o.fail_on_flaky && summary.flaky > 0) code = exit_task_failed;
  if (code == exit_ok && o.fail_on_order_dependent && summary.order_dependent > 0) {
    code = exit_task_failed;
  }
  return code;
}

}  // namespace procpool::cli
