// The benchmark plot: throughput against task size, drawn by scripts/plot-bench (gnuplot) from
// the grid's CSV, run through the process layer like any task.
#pragma once

#include <string>
#include <vector>

#include "procpool/adapters/bench/grid.hpp"
#include "procpool/runner/core/result.hpp"

namespace procpool::bench {

// Whether `path` can be a plot of `cells`: an .svg or .png name, and a timed workload to draw.
Result<void> check_plot_request(const std::string& path, const std::vector<Cell>& cells);

// Runs `script` on the results' CSV (`csv_path` when the user wrote one, else a temporary file)
// and writes the plot to `out`. A failure says what the script printed.
Result<void> draw_plot(const std::string& script, const std::vector<CellResult>& results,
                       const std::string& csv_path, const std::string& out);

}  // namespace procpool::bench
