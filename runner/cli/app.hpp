// The command line: every subcommand with its options, the `--` pass-through of gtest and
// ctest, and dispatch. Built as a library (procpool_cli) so parsing and wiring are unit-tested;
// main.cpp only calls main_entry.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench_command.hpp"
#include "ctest_command.hpp"
#include "gtest_command.hpp"
#include "merge_command.hpp"
#include "run_command.hpp"

namespace procpool::cli {

class CommandLine {
 public:
  CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // Parses the arguments after the program name. Returns the exit status when parsing ends the
  // program (--help, --version, or a usage error, whose message it prints); nothing when the
  // chosen subcommand is ready to run().
  std::optional<int> parse(std::vector<std::string> args);
  // "run", "gtest", "ctest", "bench" or "merge" once parsed.
  std::string subcommand() const;
  int run() const;

  const RunOptions& run_options() const { return run_; }
  const GtestOptions& gtest_options() const { return gtest_; }
  const CtestOptions& ctest_options() const { return ctest_; }
  const BenchOptions& bench_options() const { return bench_; }
  const CLI::App& app() const { return app_; }

 private:
  CLI::App app_;
  RunOptions run_;
  GtestOptions gtest_;
  CtestOptions ctest_;
  BenchOptions bench_;
  MergeOptions merge_;
  CLI::App* run_command_ = nullptr;
  CLI::App* gtest_command_ = nullptr;
  CLI::App* merge_command_ = nullptr;
  CLI::App* ctest_command_ = nullptr;
  CLI::App* bench_command_ = nullptr;
};

// What main() does: parse, set up the process-wide settings (SIGPIPE ignored, child
// subreaper), run the subcommand; returns the exit status.
int main_entry(int argc, char** argv);

}  // namespace procpool::cli
