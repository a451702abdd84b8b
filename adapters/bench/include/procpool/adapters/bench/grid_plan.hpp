// Planning and running the benchmark grid: what `procpool bench` was asked for becomes cells
// (executors × workloads × sizes), calibrated once, run round after round, a median kept per
// cell. The CLI only parses options and supplies the session (signals, orphan sweep) and the
// progress display.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "procpool/adapters/bench/grid.hpp"
#include "procpool/runner/core/result.hpp"

namespace procpool::bench {

struct GridRequest {
  std::vector<std::string> executors;  // empty: all
  std::vector<std::string> workloads;  // empty: noop,cpu
  std::vector<std::string> sizes;      // empty: each workload's defaults
  unsigned jobs = 1;                   // workers per executor (sequential always has 1)
  std::size_t tasks = 0;               // per cell; 0: about half a second of work
  std::uint64_t crash_every = 50;
};

// executors × workloads × sizes, executors innermost so that a noisy moment on the machine
// hits every executor at a size alike. Fails naming an unknown executor or workload, a bad
// size, or a workload none of the sizes fits.
Result<std::vector<Cell>> plan_grid(const GridRequest& request);

// Gives every cell its per-task amount; cpu work is calibrated once for all of them (so every
// executor gets the same number of steps for "1ms"). Returns the steps per nanosecond measured,
// or 0 when no cell computes.
double set_amounts(std::vector<Cell>& cells);

struct GridProgress {
  std::function<void(const std::string& label)> cell_started;  // "[3/10] cpu 1ms tbb"
  TaskProgress task_finished;                                  // (done, of) within a cell
  std::function<void()> cell_finished;                         // e.g. the CLI's orphan sweep
};

struct GridRun {
  std::vector<CellResult> results;  // one per cell that ran: its median round
  bool interrupted = false;         // a cell was cancelled: the grid stopped there
};

// Rounds go over the whole grid, so a slow moment of the machine hits one round of every cell
// rather than every round of one; each cell keeps its median round. `tbb` cells run in
// `tbb_program` (procpool-bench-tbb; empty: here, where provide_tbb() was called), and another
// in-process executor meets the crash workload in a sacrificial child (run_cell_in_child).
GridRun run_grid(const std::vector<Cell>& cells, unsigned rounds, const std::string& worker,
                 const std::string& tbb_program, const SessionRunner& session,
                 const GridProgress& progress = {});

// One line per cell whose tasks came back wrong (failures are the point of the crash
// workload, so those cells are not listed); empty when every result was right.
std::vector<std::string> wrong_results(const std::vector<CellResult>& results);

}  // namespace procpool::bench
