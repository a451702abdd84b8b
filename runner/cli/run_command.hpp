// `procpool run`: many commands in parallel, one isolated process each (xargs -P / GNU parallel).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common_options.hpp"
#include "procpool/runner/core/result.hpp"
#include "procpool/runner/core/task.hpp"
#include "procpool/runner/schedule/task_list.hpp"

namespace procpool::cli {

struct RunOptions {
  std::vector<std::string> command_and_inputs;  // COMMAND [ARG...] ::: INPUT...
  std::string tasks_file;
  std::vector<std::string> arg_files;  // -a, repeatable: each file a source
  bool null = false;                   // -0: values end with NUL
  std::string colsep;
  std::optional<std::size_t> max_args;  // -N / -n
  bool context_replace = false;         // -X: spread over the slots, words repeated per input
  bool spread = false;                  // -m: spread over the slots
  bool xargs = false;                   // --xargs: as many inputs per command as fit
  bool shell = false;
  bool keep_order = false;
  bool tag = false;
  std::string tagstring;
  bool resume = false;           // skip what the --joblog lists
  bool resume_failed = false;    // skip what the --joblog lists as succeeded
  bool retry_failed = false;     // run again the --joblog's failed commands, nothing else
  double delay_s = 0;            // --delay: at least this long between two starts
  bool bar = false;              // --bar: the status line as a bar
  bool eta = false;              // --eta: the status line with the estimated time left
  bool progress = false;         // --progress: the status line, even when stderr is not a terminal
  std::vector<std::string> env;  // --env: the only variables tasks inherit (names or globs)
  bool dry_run = false;
  CommonOptions common;
};

CLI::App* add_run_command(CLI::App& app, RunOptions& options);
int run_run_command(const RunOptions& options);

// The task list the options describe (reading --tasks, -a files or stdin); fails naming the
// problem.
Result<std::unique_ptr<schedule::TaskList>> build_tasks(const RunOptions& options);

}  // namespace procpool::cli
