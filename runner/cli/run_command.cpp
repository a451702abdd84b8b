#include "run_command.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "executor_choice.hpp"
#include "exit_codes.hpp"
#include "procpool/adapters/command/command_source.hpp"
#include "procpool/runner/report/console_reporter.hpp"
#include "procpool/runner/schedule/process_executor.hpp"
#include "reporters.hpp"
#include "session.hpp"

namespace procpool::cli {
namespace {

// A whole file, or standard input for "-".
Result<std::string> read_input(const std::string& path) {
  std::ostringstream buffer;
  if (path == "-") {
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return fail("cannot read " + path + ": it is a directory");
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail("cannot read " + path + ": " + std::strerror(errno));
  buffer << file.rdbuf();
  if (file.bad()) return fail("cannot read " + path + ": " + std::strerror(errno));
  return buffer.str();
}

std::vector<std::string> lines_of(const std::string& content) {
  std::vector<std::string> lines;
  std::istringstream stream(content);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "procpool run: %s\n", message.c_str());
  return exit_usage;
}

}  // namespace

Result<std::unique_ptr<schedule::TaskList>> build_tasks(const RunOptions& o) {
  const auto& words = o.command_and_inputs;
  const auto separator = std::find(words.begin(), words.end(), ":::");
  const bool has_inputs = separator != words.end();
  std::vector<std::string> command(words.begin(), separator);
  const int sources = int(has_inputs) + int(!o.tasks_file.empty()) + int(!o.arg_file.empty());
  if (sources == 0) {
    return fail(
        "nothing to run: give `-- COMMAND ::: INPUT...`, `--arg-file FILE -- COMMAND` or `--tasks "
        "FILE`");
  }
  if (sources > 1) return fail("use only one of `::: INPUT...`, --arg-file and --tasks");
  if (!o.tasks_file.empty()) {
    if (!command.empty()) {
      return fail("--tasks takes its commands from the file; remove the command '" + command[0] +
                  "'");
    }
    auto content = read_input(o.tasks_file);
    if (!content) return content.failure();
    auto tasks = command::tasks_from_lines(*content, o.shell);
    if (!tasks) return fail("tasks file " + o.tasks_file + ", " + tasks.error());
    return std::unique_ptr<schedule::TaskList>(
        std::make_unique<schedule::TaskVector>(std::move(*tasks)));
  }
  if (command.empty()) return fail("no command before :::");
  std::vector<std::string> inputs;
  if (has_inputs) {
    inputs.assign(separator + 1, words.end());
    if (std::find(inputs.begin(), inputs.end(), ":::") != inputs.end()) {
      return fail("only one ::: group is supported");
    }
  } else {
    auto content = read_input(o.arg_file);
    if (!content) return content.failure();
    inputs = lines_of(*content);
  }
  // Made when each runs, from the inputs: a long queue costs its inputs, not a TaskSpec each.
  const std::size_t count = inputs.size();
  return std::unique_ptr<schedule::TaskList>(std::make_unique<schedule::GeneratedTasks>(
      count, [command = std::move(command), inputs = std::move(inputs),
              shell = o.shell](std::size_t index) {
        return command::task_for_input(command, inputs[index], index, shell);
      }));
}

CLI::App* add_run_command(CLI::App& app, RunOptions& o) {
  CLI::App* run = app.add_subcommand(
      "run",
      "Run many commands in parallel, one isolated process each.\n"
      "  procpool run [OPTIONS] -- COMMAND [ARG...] ::: INPUT...\n"
      "  procpool run [OPTIONS] --tasks FILE\n"
      "In COMMAND, {} is the input ({.} {/} {//} {/.} {#} as in GNU parallel); without {} the\n"
      "input is appended. Each task gets PROCPOOL_TASK_INDEX, PROCPOOL_SLOT, PROCPOOL_ATTEMPT.");
  run->add_option("command", o.command_and_inputs, "COMMAND [ARG...] ::: INPUT...");
  run->add_option("--tasks", o.tasks_file,
                  "one command line per line, shell-like quoting, no shell ('-' = stdin)");
  run->add_option("-a,--arg-file", o.arg_file, "inputs, one per line ('-' = stdin)");
  run->add_flag("--shell", o.shell, "run each command with /bin/sh -c");
  add_common_options(run, o.common, ReportSet::tasks, "task");
  run->add_flag("--keep-order", o.keep_order, "print output blocks in input order");
  run->add_flag("--tag", o.tag, "prefix each output line with the task's input and a tab");
  run->add_flag("--dry-run", o.dry_run, "print the commands, run nothing");
  run->footer(
      "Examples:\n"
      "  procpool run -j4 gzip -9 ::: *.log            one gzip per file, 4 at a time\n"
      "  procpool run --shell -- 'convert {} {.}.png' ::: *.jpg\n"
      "  procpool run -j 50% --joblog jobs.tsv --retries 2 -- ./job {} :::: inputs.txt\n"
      "  procpool run --tasks commands.txt --halt soon,fail=1");
  return run;
}

int run_run_command(const RunOptions& o) {
  auto config = scheduler_config(o.common);
  if (!config) return usage_error(config.error());
  auto tasks = build_tasks(o);
  if (!tasks) return usage_error(tasks.error());

  if (o.dry_run) {
    schedule::TaskList& list = **tasks;
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::printf("%s\n", list.get(i).name.c_str());
      list.release(i);
    }
    return exit_ok;
  }
  if (auto prepared = prepare_report_paths(o.common.reports); !prepared) {
    return usage_error(prepared.error());
  }

  boost::asio::io_context io(1);
  schedule::ProcessExecutor local(io, process_options(o.common));
  auto cluster = cluster_executor(o.common, local);
  if (!cluster) {
    std::fprintf(stderr, "procpool run: %s\n", cluster.error().c_str());
    return exit_usage;
  }
  schedule::Executor& executor = *cluster ? **cluster : local;
  ReportOptions reports = o.common.reports;
  reports.run.command = "run";
  Reporters reporters =
      build_reporters(reports, std::make_unique<report::ConsoleReporter>(report::ConsoleOptions{
                                   .keep_order = o.keep_order,
                                   .tag = o.tag,
                                   .progress = want_progress(o.common.no_progress)}));

  SessionResult result = run_session(io, executor, *config, std::move(*tasks), reporters.session);
  for (const auto& message : result.report_errors) {
    std::fprintf(stderr, "procpool run: %s\n", message.c_str());
  }
  return exit_code_for(result);
}

}  // namespace procpool::cli
