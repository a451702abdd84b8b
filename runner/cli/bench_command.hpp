// `procpool bench`: the same workloads on process pools and thread pools, timed, checked,
// tabulated, and written as CSV, JSON and a plot.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace procpool::cli {

struct BenchOptions {
  std::vector<std::string> executors;  // empty: all
  std::vector<std::string> workloads;  // empty: noop,cpu
  std::vector<std::string> sizes;      // empty: each workload's defaults
  unsigned jobs = 0;                   // 0: number of cores
  std::size_t tasks = 0;               // 0: about half a second of work per cell
  std::uint64_t crash_every = 50;
  unsigned rounds = 1;
  std::string csv;
  std::string json;
  std::string plot;
  bool no_progress = false;
};

CLI::App* add_bench_command(CLI::App& app, BenchOptions& options);
int run_bench_command(const BenchOptions& options);

}  // namespace procpool::cli
