// What a benchmark grid prints and writes: the console table (tasks/s per executor and size,
// with the ratio to tbb), the crossover sizes, the per-task overhead from noop, and the CSV and
// JSON records (one per cell, the same eight fields in both).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "procpool/adapters/bench/grid.hpp"

namespace procpool::bench {

// The CSV header, exactly.
inline constexpr const char* kCsvHeader =
    "executor,workload,size,jobs,tasks,seconds,tasks_per_s,failed";

std::string to_csv(const std::vector<CellResult>& results);
std::string to_json(const std::vector<CellResult>& results);  // an array of records

// For one executor and workload: the smallest size from which it reaches `fraction` of tbb's
// throughput at that size and at every larger size measured. Nothing when it never does, or
// when tbb did not run.
std::optional<Size> crossover(const std::vector<CellResult>& results, const std::string& executor,
                              Workload workload, double fraction = 0.9);

// The tables, crossovers and noop overheads as the console shows them.
std::string format_report(const std::vector<CellResult>& results);

}  // namespace procpool::bench
