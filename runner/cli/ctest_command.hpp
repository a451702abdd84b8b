// `procpool ctest`: an existing CTest suite run with procpool's scheduler, history, shards,
// retries, reports and exit statuses — a drop-in for `ctest -j` on a build tree.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "test_run.hpp"

namespace procpool::cli {

struct CtestOptions {
  std::string build_dir = ".";
  std::vector<std::string> selection_args;  // after `--`: passed to ctest (-R/-E/-L/-LE ...)
  TestRunOptions run;
};

CLI::App* add_ctest_command(CLI::App& app, CtestOptions& options);
int run_ctest_command(const CtestOptions& options);

}  // namespace procpool::cli
