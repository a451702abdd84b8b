#include "merge_command.hpp"

#include <cstdio>
#include <filesystem>
#include <set>

#include "common_options.hpp"
#include "exit_codes.hpp"
#include "procpool/runner/core/jobs.hpp"
#include "procpool/runner/merge/merge.hpp"
#include "procpool/runner/merge/trace_join.hpp"
#include "procpool/runner/report/json_reporter.hpp"
#include "procpool/runner/report/suite_console_reporter.hpp"
#include "reporters.hpp"
#include "session.hpp"

namespace procpool::cli {
namespace {

void say(const char* level, const std::string& message) {
  std::fprintf(stderr, "procpool merge: %s%s\n", level, message.c_str());
}

// The merged run described as one unsharded run of the same suite.
report::RunDescription merged_description(const std::vector<merge::ShardReport>& reports) {
  report::RunDescription run;
  const auto& first = reports.front();
  run.command = first.command.empty() ? "merge" : first.command;
  run.shard_method = first.shard_method;
  std::set<std::string> binaries;
  for (const auto& report : reports) {
    for (const auto& binary : report.binaries) {
      if (binaries.insert(binary).second) run.binaries.push_back(binary);
    }
    run.selected.insert(run.selected.end(), report.selected.begin(), report.selected.end());
  }
  if (first.suite_tests) {
    run.suite_tests = *first.suite_tests;
    run.suite_fingerprint = first.suite_fingerprint;
  }
  return run;
}

// The --history-in files merged, the newest measurement of each test winning. Read before
// anything is written: a bad one must not leave the other outputs half done.
// The --history-in files merged. One that cannot be read (a shard's upload cut short, a path
// that is no file) is skipped with a warning: its durations are missing from the merged
// history, which costs the next run's partition a little, while refusing would lose the whole
// merged run's reports for want of timings.
plan::DurationHistory read_histories(const std::vector<std::string>& paths) {
  plan::DurationHistory history;
  for (const auto& path : paths) {
    if (!std::filesystem::exists(path)) {
      say("warning: ",
          "cannot read --history-in " + path + ": no such file; its durations are left out");
      continue;
    }
    auto loaded = plan::DurationHistory::load(path);
    if (!loaded) {
      say("warning: ", loaded.error() + "; its durations are left out");
      continue;
    }
    history.merge(*loaded);
  }
  return history;
}

// An output that is also an input would be overwritten before (or while) it is read: the
// shard's own report lost. Updating the shared history in place (--history also given to
// --history-in) is safe and allowed: every input is read before anything is written, and
// outputs are written atomically.
Result<void> check_outputs_are_not_inputs(const MergeOptions& o) {
  auto same = [](const std::string& a, const std::string& b) {
    std::error_code ec;
    return std::filesystem::equivalent(a, b, ec) && !ec;
  };
  for (const auto& [flag, output] :
       {std::pair{"--json", &o.json}, std::pair{"--junit", &o.junit},
        std::pair{"--history", &o.history}, std::pair{"--trace", &o.trace}}) {
    if (output->empty()) continue;
    for (const auto& report : o.reports) {
      if (same(*output, report)) {
        return fail(std::string(flag) + " " + *output +
                    " is also a report to merge: it would be "
                    "overwritten; write the merged report elsewhere");
      }
    }
    for (const auto& trace : o.trace_in) {
      if (same(*output, trace)) {
        return fail(std::string(flag) + " " + *output + " is also a --trace-in file");
      }
    }
    if (output == &o.history) continue;
    for (const auto& history : o.history_in) {
      if (same(*output, history)) {
        return fail(std::string(flag) + " " + *output + " is also a --history-in file");
      }
    }
  }
  return {};
}

}  // namespace

// What `procpool merge --help` says above its options, as it prints it.
constexpr const char* kMergeDescription =
    R"(Merge the --json reports of a run's shards into the reports of one run.
  procpool merge [--json OUT] [--junit OUT] [--history OUT] [--history-in FILE...]
                 [--trace OUT --trace-in FILE...] [--allow-partial] REPORT.json...
Checks first that the reports are exactly the shards of one run (none missing or twice, same
suite, count and method, no test in two shards). Exit 0: all merged tests passed; 1: some
failed; 2: the reports do not fit together or cannot be read.)";

CLI::App* add_merge_command(CLI::App& app, MergeOptions& o) {
  CLI::App* cmd = app.add_subcommand("merge", kMergeDescription);
  cmd->add_option("reports", o.reports, "the shards' --json reports")->required();
  cmd->add_option("--json", o.json, "write the merged JSON report to FILE");
  cmd->add_option("--junit", o.junit, "write the merged JUnit XML report to FILE");
  add_junit_group_option(cmd, o.junit_group);
  add_junit_family_option(cmd, o.junit_family);
  cmd->add_option("--history", o.history,
                  "write one history to FILE: the --history-in files and the reports' "
                  "measurements, the newest of each test winning");
  cmd->add_option("--history-in", o.history_in,
                  "history files to merge (each shard's --history-out, or the cached one); "
                  "takes every file up to the next option")
      ->expected(1, -1);
  cmd->add_option("--trace", o.trace,
                  "write one trace to FILE: the --trace-in files side by side, each shard a "
                  "process of its own, at their real times");
  cmd->add_option("--trace-in", o.trace_in,
                  "the shards' --trace files; takes every file up to the next option")
      ->expected(1, -1);
  cmd->add_flag("--allow-partial", o.allow_partial,
                "merge even when shards are missing, twice, or do not fit together (warnings)");
  cmd->footer(
      "Example (a CI job after 4 shards uploaded their reports):\n"
      "  procpool merge --json all.json --junit all.xml --history .procpool/history.json \\\n"
      "      --history-in shard-*/history-out.json -- shard-*/report.json");
  return cmd;
}

int run_merge_command(const MergeOptions& o) {
  if (o.trace.empty() != o.trace_in.empty()) {
    say("", o.trace.empty() ? "--trace-in needs --trace FILE: where to write the joined trace"
                            : "--trace needs --trace-in FILE...: the shards' traces to join");
    return exit_usage;
  }
  for (const std::string* path : {&o.json, &o.junit, &o.history, &o.trace}) {
    if (path->empty()) continue;
    if (auto checked = check_report_path(*path); !checked) {
      say("", checked.error());
      return exit_usage;
    }
  }
  if (auto distinct = check_outputs_are_not_inputs(o); !distinct) {
    say("", distinct.error());
    return exit_usage;
  }
  plan::DurationHistory histories = read_histories(o.history_in);
  auto traces = merge::read_shard_traces(o.trace_in);  // before anything is written
  if (!traces) {
    say("", traces.error());
    return exit_usage;
  }
  const char* level = o.allow_partial ? "warning: " : "";
  std::vector<merge::ShardReport> reports;
  bool unreadable = false;
  auto loaded = merge::load_shard_reports(o.reports, effective_jobs(0));
  for (auto& report : loaded) {
    if (!report) {
      say(level, report.error());
      unreadable = true;
      continue;
    }
    reports.push_back(std::move(*report));
  }
  if (unreadable && !o.allow_partial) return exit_usage;
  if (reports.empty()) {
    say("", "no report could be read");
    return exit_usage;
  }
  const auto problems = merge::check_shards(reports);
  for (const auto& problem : problems) say(level, problem);
  if (!problems.empty() && !o.allow_partial) {
    say("", "nothing written (--allow-partial merges anyway)");
    return exit_usage;
  }

  merge::MergedRun run = merge::merge_reports(reports);
  // The reporters a run of these tests would have had (the console, --junit), from the same
  // builder; the JSON report, the trace and the history are the shards' own, joined below.
  ReportOptions replayed;
  replayed.junit = o.junit;
  replayed.junit_group = o.junit_group;
  replayed.junit_family = o.junit_family;
  Reporters reporters =
      build_reporters(replayed, std::make_unique<report::SuiteConsoleReporter>(
                                    report::SuiteConsoleOptions{.merged_reports = reports.size()}));
  merge::replay(run, reporters.session.all);

  // The exit status a single run would have had (exit_code_for), from the merged summary.
  SessionResult merged{run.summary};
  auto report_error = [&](const std::string& error) {
    say("", error);
    merged.report_errors.push_back(error);
  };
  for (const report::FileReporter* file : reporters.session.files) {
    if (!file->error().empty()) report_error(file->error());
  }
  if (!o.json.empty()) {
    // The shards' own records, renumbered: the report a single run would have written.
    const auto document = report::JsonReporter::document(merged_description(reports), run.summary,
                                                         merge::take_records(run));
    if (auto written = write_file_atomically(o.json, report::JsonReporter::text(document));
        !written) {
      report_error(written.error());
    }
  }
  if (!o.trace.empty()) {
    if (auto joined = merge::write_joined_trace(std::move(*traces), o.trace); !joined)
      report_error(joined.error());
  }
  if (!o.history.empty()) {
    histories.merge(merge::measured_history(reports));
    if (auto written = histories.save(o.history); !written) report_error(written.error());
  }
  int code = exit_code_for(merged);
  // A shard that was interrupted did not run all its tests (its own exit status said so with
  // the signal's, which its report does not keep): the merged run is incomplete.
  const RunSummary& s = merged.summary;
  const bool halted = s.cancelled_run && s.cancel_reason == CancelReason::halted;
  if (code == exit_ok && s.cancelled_run && !halted) code = exit_task_failed;
  return code;
}

}  // namespace procpool::cli
