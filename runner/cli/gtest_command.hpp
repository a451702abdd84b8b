// `procpool gtest`: GoogleTest binaries run test by test, one process each, scheduled by
// remembered durations, sharded, retried, and reported as gtest, JUnit and JSON.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "suite_run.hpp"

namespace procpool::cli {

struct GtestOptions {
  std::vector<std::string> binaries;
  std::vector<std::string> extra_args;  // after `--`: passed to every test binary
  std::string filter;
  bool also_run_disabled = false;
  bool keep_tmp = false;
  bool find_order_dependence = false;
  bool serialize_suites = false;  // gtest-parallel's --serialize_test_cases
  // Where verdicts come from: "auto" (gtest's result stream where the program can send it) or
  // "console" (its console lines, which a test can forge: for places without sockets).
  std::string events = "auto";
  // Start from the listing remembered for an unchanged program (checked while the tests run).
  bool listing_cache = true;
  TestRunOptions run;
};

CLI::App* add_gtest_command(CLI::App& app, GtestOptions& options);
int run_gtest_command(const GtestOptions& options);

// gtest's own selection flags given after `--` (`--gtest_filter=F`,
// `--gtest_also_run_disabled_tests`) become --filter and --also-run-disabled-tests: passed on as
// they are, they would override the per-test filter and run every test in every process.
Result<void> absorb_selection_flags(GtestOptions& options);

}  // namespace procpool::cli
