#include "run_command.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "executor_choice.hpp"
#include "exit_codes.hpp"
#include "pipeline.hpp"
#include "procpool/adapters/command/command_source.hpp"
#include "procpool/adapters/command/joblog_file.hpp"
#include "procpool/adapters/command/parallel_inputs.hpp"
#include "procpool/runner/core/bounded_read.hpp"
#include "procpool/runner/core/environment.hpp"
#include "procpool/runner/core/jobs.hpp"
#include "procpool/runner/core/shell.hpp"
#include "procpool/runner/process/event_loop.hpp"
#include "procpool/runner/report/console_reporter.hpp"
#include "procpool/runner/schedule/delayed_starts.hpp"
#include "procpool/runner/schedule/dry_run_executor.hpp"
#include "procpool/runner/schedule/process_executor.hpp"
#include "reporters.hpp"
#include "session.hpp"

namespace procpool::cli {
namespace {

// An argument file (:::: FILE, -a FILE) or standard input ("-"), bounded (README, "Limits").
Result<std::string> read_argument_file(const std::string& path) {
  return read_bounded_input(path, kMaxInputBytes, "file of arguments");
}

// A joblog, bounded: a regular file only (it is written back).
Result<std::string> read_joblog_file(const std::string& path) {
  return read_bounded_file(path, kMaxJoblogBytes, "joblog");
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "procpool run: %s\n", message.c_str());
  return exit_usage;
}

}  // namespace

namespace {

// With --env, every variable of procpool's environment that no pattern names: removed from the
// tasks' environment (PROCPOOL_TASK_INDEX, _SLOT and _ATTEMPT are set after, so they stay).
std::vector<std::string> variables_not_kept(const std::vector<std::string>& patterns) {
  std::vector<std::string> removed;
  if (patterns.empty()) return removed;
  for (const std::string& name : environment_variable_names()) {
    bool kept = false;
    for (const auto& pattern : patterns) kept = kept || name_matches_pattern(pattern, name);
    if (!kept) removed.push_back(name);
  }
  return removed;
}

// What a --resume / --resume-failed / --retry-failed run reads from its --joblog: Seq -> entry
// (empty when the joblog does not exist yet: nothing ran, so everything runs).
Result<std::map<std::size_t, command::JoblogEntry>> earlier_jobs(const RunOptions& o) {
  const int modes = int(o.resume) + int(o.resume_failed) + int(o.retry_failed);
  if (modes == 0) return std::map<std::size_t, command::JoblogEntry>{};
  if (modes > 1) return fail("use only one of --resume, --resume-failed and --retry-failed");
  const std::string& joblog = o.common.reports.joblog;
  if (joblog.empty()) {
    return fail(std::string(o.resume          ? "--resume"
                            : o.resume_failed ? "--resume-failed"
                                              : "--retry-failed") +
                " needs --joblog FILE: the joblog of the run to go on with");
  }
  std::error_code ec;
  if (!std::filesystem::exists(joblog, ec)) return std::map<std::size_t, command::JoblogEntry>{};
  auto content = read_joblog_file(joblog);
  if (!content) return content.failure();
  auto entries = command::read_joblog(*content);
  if (!entries) return fail("joblog " + joblog + ": " + entries.error());
  return entries;
}

}  // namespace

Result<std::unique_ptr<schedule::TaskList>> build_tasks(const RunOptions& o) {
  auto earlier = earlier_jobs(o);
  if (!earlier) return earlier.failure();
  if (o.retry_failed) {
    // GNU parallel: only the joblog counts; the command and inputs given are not looked at.
    std::vector<TaskSpec> tasks;
    for (const auto& [seq, entry] : *earlier) {
      if (entry.succeeded) continue;
      TaskSpec task;
      task.command.argv = shell_argv(entry.command);
      task.name = entry.command;
      task.input = entry.command;
      task.args = {entry.command};
      task.seq = seq;
      task.command.env_unset = variables_not_kept(o.env);
      tasks.push_back(std::move(task));
    }
    return std::unique_ptr<schedule::TaskList>(
        std::make_unique<schedule::TaskVector>(std::move(tasks)));
  }
  auto split = command::split_command_and_sources(o.command_and_inputs);
  if (!split) return split.failure();
  std::vector<std::string> command = std::move(split->command);
  std::vector<command::SourceSpec> sources;
  for (const auto& file : o.arg_files) {  // -a sources come first, as GNU parallel puts them
    sources.push_back({command::SourceSpec::Kind::file, {}, file, false});
  }
  sources.insert(sources.end(), split->sources.begin(), split->sources.end());

  if (!o.tasks_file.empty()) {
    if (!sources.empty()) return fail("use either --tasks or inputs (::: :::: -a), not both");
    if (!command.empty()) {
      return fail("--tasks takes its commands from the file; remove the command '" + command[0] +
                  "'");
    }
    auto content = read_bounded_input(o.tasks_file, kMaxInputBytes, "tasks file");
    if (!content) return content.failure();
    auto tasks = command::tasks_from_lines(*content, o.shell);
    if (!tasks) return fail("tasks file " + o.tasks_file + ", " + tasks.error());
    for (auto& task : *tasks) task.command.env_unset = variables_not_kept(o.env);
    return std::unique_ptr<schedule::TaskList>(
        std::make_unique<schedule::TaskVector>(std::move(*tasks)));
  }
  if (sources.empty()) {  // GNU parallel's default: the inputs come from standard input
    if (::isatty(STDIN_FILENO)) {
      std::fprintf(stderr,
                   "procpool run: reading inputs from the terminal (end with Ctrl-D; give inputs "
                   "with ::: or -a)\n");
    }
    sources.push_back({command::SourceSpec::Kind::file, {}, "-", false});
  }
  command::InputOptions input_options;
  input_options.separator = o.null ? '\0' : '\n';
  input_options.colsep = o.colsep;
  input_options.max_args = o.max_args.value_or(1);
  input_options.warn = [](const std::string& message) {
    std::fprintf(stderr, "procpool run: warning: %s\n", message.c_str());
  };
  const int spreading = int(o.context_replace) + int(o.spread) + int(o.xargs);
  if (spreading > 1 || (spreading == 1 && o.max_args)) {
    return fail("use only one of -N/-n, -X, -m and --xargs");
  }
  if (o.context_replace || o.spread) input_options.spread_over = effective_jobs(o.common.jobs);
  if (o.xargs) input_options.spread_over = 1;
  auto sets = command::argument_sets(sources, input_options, &read_argument_file);
  if (!sets) return sets.failure();
  // --resume leaves out every job the joblog lists; --resume-failed those that succeeded. The
  // rest keep their sequence numbers ({#}, the joblog's Seq), as in GNU parallel.
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < sets->size(); ++i) {
    const auto found = earlier->find(i + 1);
    const bool listed = found != earlier->end();
    if ((o.resume && listed) || (o.resume_failed && listed && found->second.succeeded)) continue;
    kept.push_back(i);
  }
  // Made when each runs, from the arguments: a long queue costs its inputs, not a TaskSpec each.
  const std::size_t count = kept.size();
  return std::unique_ptr<schedule::TaskList>(std::make_unique<schedule::GeneratedTasks>(
      count, [command = std::move(command), sets = std::move(*sets), kept = std::move(kept),
              shell = o.shell, tagstring = o.tagstring, context = o.context_replace,
              unset = variables_not_kept(o.env)](std::size_t index) {
        const std::size_t original = kept[index];
        const std::vector<std::string> arguments = sets.at(original);
        TaskSpec task = command::task_for_arguments(command, arguments, original, shell, context);
        task.command.env_unset = unset;
        if (!tagstring.empty()) {
          task.tag = command::render_text(tagstring, arguments, original + 1);
        }
        if (original != index) task.seq = original + 1;
        return task;
      }));
}

// What `procpool run --help` says above its options, as it prints it.
constexpr const char* kRunDescription = R"(Run many commands in parallel, one isolated process each.
  procpool run [OPTIONS] -- COMMAND [ARG...] ::: INPUT... [::: INPUT...] [:::: FILE...]
  procpool run [OPTIONS] -- COMMAND < inputs.txt
  procpool run [OPTIONS] --tasks FILE
Inputs as GNU parallel reads them: every ::: group and :::: file (and -a FILE) is a
source; several sources give every combination, :::+ / ::::+ pair a source with the one
before; with no source, standard input is read. In COMMAND, {} is every argument, {1}
{2}... one ({.} {/} {//} {/.} and {1.} ... modify them), {#} the sequence number, {%} the
slot; with none of them the arguments are appended. Without a COMMAND, each input is a
command line. Each task gets PROCPOOL_TASK_INDEX, PROCPOOL_SLOT, PROCPOOL_ATTEMPT.)";

CLI::App* add_run_command(CLI::App& app, RunOptions& o) {
  CLI::App* run = app.add_subcommand("run", kRunDescription);
  run->add_option("command", o.command_and_inputs, "COMMAND [ARG...] ::: INPUT...");
  run->add_option("--tasks", o.tasks_file,
                  "one command line per line, shell-like quoting, no shell ('-' = stdin)");
  run->add_option("-a,--arg-file", o.arg_files,
                  "a source of inputs, one per line ('-' = stdin); repeat for more sources")
      ->allow_extra_args(false);
  run->add_flag("-0,--null", o.null, "inputs in files and stdin end with NUL, not newline");
  run->add_option("--colsep", o.colsep,
                  "split every input into columns at this regular expression: {1} {2} ...");
  run->add_flag("-X", o.context_replace,
                "inputs spread evenly over the job slots, a word with {} repeated for each "
                "(GNU parallel's -X)");
  run->add_flag("-m", o.spread, "inputs spread evenly over the job slots (GNU parallel's -m)");
  run->add_flag("--xargs", o.xargs, "as many inputs per command as fit (GNU parallel's --xargs)");
  run->add_option("-N,-n,--max-args", o.max_args,
                  "arguments (input sets) per command; -N0 runs a command per input with none");
  run->add_flag("--shell", o.shell, "run each command with /bin/sh -c (Windows: cmd.exe /c)");
  add_common_options(run, o.common, ReportSet::tasks, "task");
  run->add_flag("-k,--keep-order", o.keep_order, "print output blocks in input order");
  run->add_flag("--tag", o.tag, "prefix each output line with the task's input and a tab");
  run->add_option("--tagstring", o.tagstring,
                  "prefix each output line with this (replacement strings allowed) and a tab");
  run->add_flag("--dry-run", o.dry_run, "print the commands, run nothing");
  run->add_option("--env", o.env,
                  "tasks inherit only this variable (a name or a glob like 'LC_*'); repeat for "
                  "more. Default: everything")
      ->allow_extra_args(false);
  run->add_flag("--bar", o.bar, "status line on stderr as a progress bar, as GNU parallel's")
      ->group("Console");
  run->add_flag("--eta", o.eta, "status line on stderr with the estimated time left")
      ->group("Console");
  run->add_flag("--progress", o.progress,
                "status line on stderr even when it is not a terminal (then a line per change, at "
                "most one a second)")
      ->group("Console");
  run->add_option("--delay", o.delay_s,
                  "at least SECONDS between two starts (a waiting task holds its slot), as GNU "
                  "parallel's --delay")
      ->check(CLI::NonNegativeNumber)
      ->group("Scheduling");
  run->add_flag("--resume", o.resume,
                "with --joblog FILE: run only the jobs FILE does not list (by sequence number), "
                "adding their rows to it");
  run->add_flag("--resume-failed", o.resume_failed,
                "with --joblog FILE: as --resume, and run again the jobs FILE lists as failed");
  run->add_flag("--retry-failed", o.retry_failed,
                "with --joblog FILE: run again the failed commands FILE lists, nothing else "
                "(the command line's command and inputs are not used)");
  run->footer(
      "Examples:\n"
      "  procpool run -j4 gzip -9 ::: *.log            one gzip per file, 4 at a time\n"
      "  procpool run --shell -- 'convert {} {.}.png' ::: *.jpg\n"
      "  procpool run -j 50% --joblog jobs.tsv --retries 2 -- ./job {} :::: inputs.txt\n"
      "  procpool run -k -- echo {1}-{2} ::: a b ::: 1 2      a-1 a-2 b-1 b-2\n"
      "  find . -name '*.c' | procpool run -- cc -c {}\n"
      "  procpool run --tasks commands.txt --halt soon,fail=1");
  return run;
}

int run_run_command(const RunOptions& o) {
  auto config = scheduler_config(o.common);
  if (!config) return usage_error(config.error());
  auto tasks = build_tasks(o);
  if (!tasks) return usage_error(tasks.error());

  if (o.dry_run) {            // the commands a run would start, in the order it would start them
    process::EventLoop loop;  // not a plain io_context: see event_loop.hpp
    boost::asio::io_context& io = loop.io();
    schedule::DryRunExecutor shown(
        io, [](const schedule::Launch& launch) { std::printf("%s\n", launch.spec->name.c_str()); });
    run_session(io, shown, *config, std::move(*tasks), SessionReporters{});
    return exit_ok;
  }
  if (auto prepared = prepare_report_paths(o.common.reports); !prepared) {
    return usage_error(prepared.error());
  }

  ReportOptions reports = o.common.reports;
  if (o.resume || o.resume_failed || o.retry_failed) {  // the joblog grows, as GNU parallel's
    if (auto earlier = read_joblog_file(reports.joblog); earlier) reports.joblog_earlier = *earlier;
  }
  reports.run.command = "run";
  Pipeline pipeline{.name = "procpool run",
                    .common = &o.common,
                    .config = *config,
                    .reports = std::move(reports)};
  if (o.delay_s > 0) {
    pipeline.wrap = [delay = o.delay_s](boost::asio::io_context& io, schedule::Executor& inner) {
      return std::make_unique<schedule::DelayedStarts>(
          io, inner,
          std::chrono::duration_cast<std::chrono::nanoseconds>(
              std::chrono::duration<double>(delay)));
    };
  }
  // --bar, --eta and --progress ask for the status line: shown even in a log (a line per change).
  const bool asked = o.bar || o.eta || o.progress;
  const bool terminal = want_progress(o.common.no_progress);
  pipeline.console = std::make_unique<report::ConsoleReporter>(
      report::ConsoleOptions{.keep_order = o.keep_order,
                             .tag = o.tag || !o.tagstring.empty(),
                             .progress = terminal || (asked && !o.common.no_progress),
                             .progress_in_place = terminal,
                             .progress_style = o.bar   ? report::Progress::Style::bar
                                               : o.eta ? report::Progress::Style::eta
                                                       : report::Progress::Style::counts});
  return run_pipeline(std::move(pipeline), std::move(*tasks)).exit_code;
}

}  // namespace procpool::cli
