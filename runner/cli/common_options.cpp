#include "common_options.hpp"

#include <cmath>

#include "executor_choice.hpp"
#include "suggest.hpp"

#include "procpool/runner/core/duration.hpp"
#include "procpool/runner/core/jobs.hpp"

namespace procpool::cli {

CLI::Validator seconds() {
  return CLI::Validator(
      [](std::string& text) {
        const auto parsed = parse_seconds(text);
        return parsed ? std::string() : parsed.error();
      },
      "SECONDS");
}

void add_common_options(CLI::App* cmd, CommonOptions& o, ReportSet reports,
                        const std::string& noun) {
  // --help lists options by what they are for (CLI11 groups, set for what follows).
  cmd->option_defaults()->group("Scheduling");
  cmd->add_option("-j,--jobs", o.jobs,
                  noun +
                      "s at once (default: number of cores): N, N% of the cores, +N / -N "
                      "(cores plus or minus N), 0 (all at once), as GNU parallel")
      ->transform(job_count(effective_jobs(0)));
  cmd->add_option("--timeout", o.timeout_s, "seconds before a " + noun + " is stopped (0: none)")
      ->check(seconds());
  cmd->add_option("--grace", o.grace_s, "seconds between SIGTERM and SIGKILL when stopping")
      ->capture_default_str()
      ->check(seconds());
  cmd->add_option("--slow", o.slow_s,
                  "seconds after which a running " + noun + " is reported slow (0: never)")
      ->capture_default_str()
      ->check(seconds());
  cmd->add_option("--retries", o.retries,
                  "extra attempts for a " + noun +
                      " that fails (2: up to 3 runs, as nextest counts; GNU parallel counts runs: "
                      "its --retries 3 is this --retries 2); a late pass is flaky");
  cmd->add_option("--halt", o.halt, "never | soon,fail=N | now,fail=N (also success=N, done=N, N%)")
      ->capture_default_str();
  cmd->option_defaults()->group("Reports");
  cmd->add_option("--json", o.reports.json, "write one JSON record per " + noun + " to FILE");
  if (reports == ReportSet::tasks) {
    cmd->add_option("--joblog", o.reports.joblog, "write GNU parallel's joblog to FILE");
    cmd->add_option("--results", o.reports.results_dir,
                    "write DIR/1/<input 1>/2/<input 2>/.../{stdout,stderr,seq} per task, as GNU "
                    "parallel");
  } else {
    cmd->add_option("--junit", o.reports.junit, "write JUnit XML to FILE");
    cmd->add_option("--junit-output", o.reports.junit_output,
                    "whose stdout/stderr the JUnit report keeps (system-out, system-err): all, "
                    "failed or none")
        ->check(CLI::IsMember({"all", "failed", "none"}))
        ->capture_default_str();
    add_junit_family_option(cmd, o.reports.junit_family);
    cmd->add_option("--log-dir", o.reports.log_dir, "one log per failed, flaky or timed-out test");
  }
  cmd->add_option("--trace", o.reports.trace,
                  "write where the time went to FILE: Chrome's trace-event JSON (a track per "
                  "slot, an event per attempt), for chrome://tracing, Perfetto or speedscope");
  cmd->option_defaults()->group("Console");
  cmd->add_flag("--no-progress", o.no_progress, "no live status line, even on a terminal");
  cmd->option_defaults()->group("Where " + noun + "s run");
  add_executor_options(cmd, o);
  cmd->option_defaults()->group("Options");
}

void add_junit_family_option(CLI::App* command, std::string& family) {
  command
      ->add_option("--junit-family", family,
                   "xunit2: JUnit that validates against junit-10.xsd (Jenkins); xunit1 (pytest's "
                   "name): also `file` and `line` on each testcase, for GitLab and GitHub "
                   "reporters")
      ->check(CLI::IsMember({"xunit2", "xunit1"}))
      ->capture_default_str()
      ->group("Reports");
}

void add_junit_group_option(CLI::App* command, std::string& group) {
  command
      ->add_option("--junit-group", group,
                   "how the JUnit report gathers CTest tests into suites: directory (where in "
                   "the build tree) or label (a suite per set of LABELS)")
      ->check(CLI::IsMember({"directory", "label"}))
      ->capture_default_str()
      ->group("Reports");
}

std::chrono::milliseconds seconds_to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000.0)));
}

schedule::ProcessExecutorOptions process_options(const CommonOptions& o) {
  schedule::ProcessExecutorOptions options;
  options.grace = seconds_to_ms(o.grace_s);
  options.slow_after = seconds_to_ms(o.slow_s);
  return options;
}

Result<schedule::SchedulerConfig> scheduler_config(const CommonOptions& o) {
  auto halt = schedule::HaltPolicy::parse(o.halt);
  if (!halt) return halt.failure();
  schedule::SchedulerConfig config;
  config.jobs = effective_jobs(o.jobs);
  config.retries = o.retries;
  config.halt = *halt;
  if (o.timeout_s > 0) config.default_timeout = seconds_to_ms(o.timeout_s);
  return config;
}

}  // namespace procpool::cli
