// `procpool run`: many commands in parallel, one isolated process each (xargs -P / GNU parallel).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace procpool::cli {

struct RunOptions {
  std::vector<std::string> command_and_inputs;  // COMMAND [ARG...] ::: INPUT...
  std::string tasks_file;
  std::string arg_file;
  bool shell = false;
  unsigned jobs = 0;  // 0: number of cores
  double timeout_s = 0;
  double grace_s = 5;
  double slow_s = 60;
  unsigned retries = 0;
  std::string halt = "never";
  bool keep_order = false;
  bool tag = false;
  std::string joblog;
  std::string json;
  std::string results_dir;
  bool dry_run = false;
  bool no_progress = false;
};

CLI::App* add_run_command(CLI::App& app, RunOptions& options);
int run_run_command(const RunOptions& options);

}  // namespace procpool::cli
