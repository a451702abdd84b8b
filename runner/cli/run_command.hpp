// `procpool run`: many commands in parallel, one isolated process each (xargs -P / GNU parallel).
#pragma once

#include <memory>
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
  std::string arg_file;
  bool shell = false;
  bool keep_order = false;
  bool tag = false;
  bool dry_run = false;
  CommonOptions common;
};

CLI::App* add_run_command(CLI::App& app, RunOptions& options);
int run_run_command(const RunOptions& options);

// The task list the options describe (reading --tasks / --arg-file); fails naming the problem.
Result<std::unique_ptr<schedule::TaskList>> build_tasks(const RunOptions& options);

}  // namespace procpool::cli
