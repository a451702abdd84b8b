// `procpool gtest`: GoogleTest binaries run test by test, one process each, scheduled by
// remembered durations, sharded, retried, and reported as gtest, JUnit and JSON.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace procpool::cli {

struct GtestOptions {
  std::vector<std::string> binaries;
  std::vector<std::string> extra_args;  // after `--`: passed to every test binary
  unsigned jobs = 0;
  std::string filter;
  bool also_run_disabled = false;
  double timeout_s = 0;
  double grace_s = 5;
  double slow_s = 60;
  unsigned retries = 0;
  bool fail_on_flaky = false;
  unsigned repeat = 1;
  std::string halt = "never";
  std::string history = ".procpool/history.json";
  std::string shard;
  std::string junit;
  std::string json;
  std::string log_dir;
  bool print_test_times = false;
  bool keep_tmp = false;
  bool no_progress = false;
};

CLI::App* add_gtest_command(CLI::App& app, GtestOptions& options);
int run_gtest_command(const GtestOptions& options);

}  // namespace procpool::cli
