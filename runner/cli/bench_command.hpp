// `procpool bench`: the same workloads on process pools and thread pools, timed, checked,
// tabulated, and written as CSV, JSON and a plot. The grid is planned and run by
// adapters/bench; this file parses the options and wires the session and the display.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "procpool/adapters/bench/grid_plan.hpp"

namespace procpool::cli {

struct BenchOptions {
  bench::GridRequest grid{.jobs = 0};  // jobs 0 here: the number of cores
  unsigned rounds = 1;
  std::string csv;
  std::string json;
  std::string plot;
  bool no_progress = false;
};

CLI::App* add_bench_command(CLI::App& app, BenchOptions& options);
int run_bench_command(const BenchOptions& options);

}  // namespace procpool::cli
