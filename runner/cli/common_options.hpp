// The options every running subcommand shares (jobs, timeout, grace, slow, retries, halt,
// progress and the report files), added to a command in one place and turned into the
// scheduler's and the process executor's configuration in one place.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "procpool/runner/core/result.hpp"
#include "procpool/runner/report/run_description.hpp"
#include "procpool/runner/report/trace_reporter.hpp"
#include "procpool/runner/schedule/process_executor.hpp"
#include "procpool/runner/schedule/scheduler.hpp"

namespace procpool::cli {

// The report files a run can write. Which ones a command offers is its own choice.
struct ReportOptions {
  std::string json;                       // --json FILE (run, gtest, ctest)
  std::string junit;                      // --junit FILE (gtest, ctest)
  std::string junit_output = "failed";    // --junit-output all|failed|none: whose output it keeps
  std::string junit_group = "directory";  // --junit-group directory|label (ctest)
  std::string junit_family = "xunit2";    // --junit-family xunit2|xunit1
  std::string log_dir;                    // --log-dir DIR (gtest, ctest)
  std::string joblog;                     // --joblog FILE (run)
  std::string joblog_earlier;             // what the joblog held already, kept (--resume*)
  std::string results_dir;                // --results DIR (run)
  std::string trace;                      // --trace FILE (run, gtest, ctest)
  // For --trace: time 0 (when the command began) and what came before the run (the listing).
  SteadyTime trace_zero = std::chrono::steady_clock::now();
  std::vector<report::TraceSpan> trace_before;
  report::RunDescription run;  // what the --json report says the run was
};

enum class ReportSet {
  tasks,  // procpool run: --json, --joblog, --results
  tests,  // procpool gtest/ctest: --json, --junit, --log-dir
};

struct CommonOptions {
  unsigned jobs = 0;  // 0: number of cores
  double timeout_s = 0;
  double grace_s = 5;
  double slow_s = 60;
  unsigned retries = 0;
  std::string halt = "never";
  bool no_progress = false;
  std::string color = "auto";      // --color auto|always|never (test consoles)
  std::string executor = "local";  // --executor local|slurm
  std::string slurm_args;          // --slurm-args "ARGS" for srun
  ReportOptions reports;
};

// Adds the shared options to `command`; `noun` is "task" or "test" for the help texts.
void add_common_options(CLI::App* command, CommonOptions& options, ReportSet reports,
                        const std::string& noun);

// --junit-family xunit2|xunit1: whether test cases carry file and line (not in junit-10.xsd).
void add_junit_family_option(CLI::App* command, std::string& family);
// --junit-group directory|label: how a CTest run's JUnit report gathers tests into suites.
void add_junit_group_option(CLI::App* command, std::string& group);

// Checks a seconds value as written (parse_seconds): the error names the value.
CLI::Validator seconds();

// Seconds as the command line gives them (fractions allowed), as the runner's durations.
std::chrono::milliseconds seconds_to_ms(double seconds);

schedule::ProcessExecutorOptions process_options(const CommonOptions& options);

// Jobs (0: the number of cores), retries and the parsed --halt; fails on a bad --halt.
Result<schedule::SchedulerConfig> scheduler_config(const CommonOptions& options);

}  // namespace procpool::cli
