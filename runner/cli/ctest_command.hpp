// `procpool ctest`: an existing CTest suite run with procpool's scheduler, history, shards,
// retries, reports and exit statuses — a drop-in for `ctest -j` on a build tree.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "suite_run.hpp"

namespace procpool::cli {

struct CtestOptions {
  std::string build_dir = ".";
  std::vector<std::string> selection_args;  // passed to ctest's listing (-R/-E/-L/-LE ...)
  bool rerun_failed = false;                // --rerun-failed: the tests that failed last time
  std::string ctest_junit;                  // --output-junit FILE: relative to the build tree
  std::string resource_spec_file;           // --resource-spec-file: CTest's resources (JSON)
  // --history given: else the history lives in the build tree (BUILD/.procpool/history.json),
  // as ctest keeps its own records there (Testing/), not where procpool was started.
  bool history_given = false;
  TestRunOptions run;
};

CLI::App* add_ctest_command(CLI::App& app, CtestOptions& options);

// ctest's own flags, written as a ctest user writes them (no `--` needed), taken out of `args`
// (the words after `procpool ctest`, before any `--`) into `options`: selection (-R -E -L -LE -C
// -I -FA -FS -FC -N and their long spellings) for ctest's listing; --test-dir, --output-junit
// (relative to the build tree, as ctest writes it), --stop-on-failure, --schedule-random,
// --rerun-failed, --parallel and --output-on-failure (procpool always shows a failure's output)
// as procpool's equivalents. Values of procpool's own options (per `command`) are left alone.
Result<void> take_ctest_flags(const CLI::App& command, std::vector<std::string>& args,
                              CtestOptions& options);

// A test name as a CMake regular expression matching exactly it (for --rerun-failed's -R).
std::string exact_name_regex(const std::string& name);
int run_ctest_command(const CtestOptions& options);

}  // namespace procpool::cli
