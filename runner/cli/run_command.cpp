#include "run_command.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "duration_option.hpp"
#include "exit_codes.hpp"
#include "procpool/adapters/command/command_source.hpp"
#include "procpool/runner/report/console_reporter.hpp"
#include "procpool/runner/report/joblog_reporter.hpp"
#include "procpool/runner/report/json_reporter.hpp"
#include "procpool/runner/report/results_dir_reporter.hpp"
#include "procpool/runner/schedule/process_executor.hpp"
#include "run_session.hpp"

namespace procpool::cli {
namespace {

// Reads a whole file, or standard input for "-". Returns false and a reason on failure.
bool read_input(const std::string& path, std::string& content, std::string& error) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    content = buffer.str();
    return true;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream buffer;
  buffer << file.rdbuf();
  content = buffer.str();
  return true;
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

// Turns the options into the task list; on bad input returns nothing and says why.
std::optional<std::vector<TaskSpec>> build_tasks(const RunOptions& o, std::string& error) {
  const auto& words = o.command_and_inputs;
  const auto separator = std::find(words.begin(), words.end(), ":::");
  const bool has_inputs = separator != words.end();
  std::vector<std::string> command(words.begin(), separator);
  const int sources = int(has_inputs) + int(!o.tasks_file.empty()) + int(!o.arg_file.empty());
  if (sources == 0) {
    error =
        "nothing to run: give `-- COMMAND ::: INPUT...`, `--arg-file FILE -- COMMAND` or `--tasks "
        "FILE`";
    return std::nullopt;
  }
  if (sources > 1) {
    error = "use only one of `::: INPUT...`, --arg-file and --tasks";
    return std::nullopt;
  }
  if (!o.tasks_file.empty()) {
    if (!command.empty()) {
      error = "--tasks takes its commands from the file; remove the command '" + command[0] + "'";
      return std::nullopt;
    }
    std::string content;
    if (!read_input(o.tasks_file, content, error)) return std::nullopt;
    std::string why;
    auto tasks = command::tasks_from_lines(content, o.shell, why);
    if (!tasks) error = "tasks file " + o.tasks_file + ", " + why;
    return tasks;
  }
  if (command.empty()) {
    error = "no command before :::";
    return std::nullopt;
  }
  std::vector<std::string> inputs;
  if (has_inputs) {
    inputs.assign(separator + 1, words.end());
    if (std::find(inputs.begin(), inputs.end(), ":::") != inputs.end()) {
      error = "only one ::: group is supported";
      return std::nullopt;
    }
  } else {
    std::string content;
    if (!read_input(o.arg_file, content, error)) return std::nullopt;
    inputs = lines_of(content);
  }
  return command::tasks_from_inputs(command, inputs, o.shell);
}

}  // namespace

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
  run->add_option("-j,--jobs", o.jobs, "tasks at once (default: number of cores)")
      ->check(CLI::PositiveNumber);
  run->add_option("--timeout", o.timeout_s, "seconds before a task is stopped (0: none)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--grace", o.grace_s, "seconds between SIGTERM and SIGKILL when stopping")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--slow", o.slow_s,
                  "seconds after which a running task is reported as slow (0: never)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--retries", o.retries, "extra attempts for a task that fails");
  run->add_option("--halt", o.halt, "never | soon,fail=N | now,fail=N (also success=N, done=N, N%)")
      ->capture_default_str();
  run->add_flag("--keep-order", o.keep_order, "print output blocks in input order");
  run->add_flag("--tag", o.tag, "prefix each output line with the task's input and a tab");
  run->add_option("--joblog", o.joblog, "write GNU parallel's joblog to FILE");
  run->add_option("--json", o.json, "write one JSON record per task to FILE");
  run->add_option("--results", o.results_dir, "write DIR/<seq>/{stdout,stderr,cmd} per task");
  run->add_flag("--dry-run", o.dry_run, "print the commands, run nothing");
  run->add_flag("--no-progress", o.no_progress, "no live status line, even on a terminal");
  return run;
}

int run_run_command(const RunOptions& o) {
  std::string error;
  auto halt = schedule::HaltPolicy::parse(o.halt, error);
  if (!halt) return usage_error(error);
  auto tasks = build_tasks(o, error);
  if (!tasks) return usage_error(error);

  if (o.dry_run) {
    for (const auto& task : *tasks) std::printf("%s\n", task.name.c_str());
    return exit_ok;
  }
  for (const std::string* path : {&o.joblog, &o.json}) {
    if (path->empty()) continue;
    if (auto why = check_report_path(*path); !why.empty()) return usage_error(why);
  }
  if (!o.results_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.results_dir, ec);
    if (ec)
      return usage_error("cannot create --results directory " + o.results_dir + ": " +
                         ec.message());
  }

  boost::asio::io_context io(1);
  schedule::ProcessExecutor executor(io, process_options(o.timeout_s, o.grace_s, o.slow_s));

  schedule::SchedulerConfig config;
  config.jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  config.retries = o.retries;
  config.halt = *halt;

  report::ConsoleOptions console_options;
  console_options.keep_order = o.keep_order;
  console_options.tag = o.tag;
  console_options.progress = want_progress(o.no_progress);
  report::ConsoleReporter console(console_options);

  SessionReporters reporters;
  reporters.tick = [&console] { console.tick(); };
  reporters.all.push_back(&console);
  std::optional<report::JoblogReporter> joblog;
  std::optional<report::JsonReporter> json;
  std::optional<report::ResultsDirReporter> results;
  if (!o.joblog.empty()) reporters.files.push_back(&joblog.emplace(o.joblog));
  if (!o.json.empty()) reporters.files.push_back(&json.emplace(o.json));
  if (!o.results_dir.empty()) reporters.files.push_back(&results.emplace(o.results_dir));
  for (report::FileReporter* file : reporters.files) reporters.all.push_back(file);

  SessionResult result = run_session(io, executor, config, std::move(*tasks), reporters);
  for (const auto& message : result.report_errors) {
    std::fprintf(stderr, "procpool run: %s\n", message.c_str());
  }
  return exit_code_for(result);
}

}  // namespace procpool::cli
