#include "procpool/adapters/bench/grid_plan.hpp"

#include <algorithm>

namespace procpool::bench {

Result<std::vector<Cell>> plan_grid(const GridRequest& o) {
  const std::vector<std::string> executors = o.executors.empty() ? all_executors() : o.executors;
  for (const auto& e : executors) {
    if (!is_executor(e)) {
      return fail("unknown executor '" + e +
                  "' (choose from tbb, threads, sequential, pool, process)");
    }
  }
  std::vector<Workload> workloads;
  for (const auto& name :
       o.workloads.empty() ? std::vector<std::string>{"noop", "cpu"} : o.workloads) {
    const auto workload = parse_workload(name);
    if (!workload) {
      return fail("unknown workload '" + name + "' (choose from noop, cpu, sleep, alloc, crash)");
    }
    workloads.push_back(*workload);
  }
  std::vector<Size> given;
  for (const auto& text : o.sizes) {
    auto size = parse_size(text);
    if (!size) return size.failure();
    given.push_back(*size);
  }
  std::vector<Cell> cells;
  for (Workload workload : workloads) {
    std::vector<Size> sizes;
    const SizeKind kind = size_kind(workload);
    if (kind == SizeKind::none) {
      sizes = {*parse_size("0")};
    } else if (given.empty()) {
      sizes = default_sizes(workload);
    } else {
      for (const Size& s : given)
        if (s.kind == kind) sizes.push_back(s);
      if (sizes.empty()) {
        return fail(
            "--sizes has no " +
            std::string(kind == SizeKind::bytes ? "byte size (e.g. 16MB)" : "duration (e.g. 1ms)") +
            " for the " + std::string(to_string(workload)) + " workload");
      }
    }
    for (const Size& size : sizes) {
      for (const auto& e : executors) {
        Cell cell;
        cell.executor = e;
        cell.workload = workload;
        cell.size = size;
        cell.jobs = e == "sequential" ? 1 : o.jobs;
        // Every executor at a size runs the same number of tasks, so each does the same work.
        cell.tasks = o.tasks > 0 ? o.tasks : default_tasks(workload, size, o.jobs);
        cell.crash_every = workload == Workload::crash ? o.crash_every : 0;
        cells.push_back(cell);
      }
    }
  }
  return cells;
}

double set_amounts(std::vector<Cell>& cells) {
  double steps_per_ns = 0;
  for (Cell& cell : cells) {
    const bool computes = cell.workload == Workload::cpu || cell.workload == Workload::crash;
    if (computes && steps_per_ns == 0) steps_per_ns = calibrate_cpu_steps_per_ns();
    cell.amount = amount_for(cell.workload, cell.size, steps_per_ns);
  }
  return steps_per_ns;
}

GridRun run_grid(const std::vector<Cell>& cells, unsigned rounds, const std::string& worker,
                 const std::string& tbb_program, const SessionRunner& session,
                 const GridProgress& progress) {
  GridRun run;
  std::vector<std::vector<CellResult>> runs(cells.size());
  for (unsigned round = 1; round <= rounds && !run.interrupted; ++round) {
    for (std::size_t i = 0; i < cells.size() && !run.interrupted; ++i) {
      const Cell& cell = cells[i];
      if (progress.cell_started) {
        progress.cell_started(
            "[" +
            (rounds > 1 ? "round " + std::to_string(round) + "/" + std::to_string(rounds) + ", "
                        : "") +
            std::to_string(i + 1) + "/" + std::to_string(cells.size()) + "] " +
            std::string(to_string(cell.workload)) + " " + cell.size.text + " " + cell.executor);
      }
      // tbb runs in its own program (cell_in_child.hpp says why); another in-process executor
      // cannot survive a segfaulting task: it runs in a child of this program that may die.
      const bool in_tbb_program = cell.executor == "tbb" && !tbb_program.empty();
      const bool sacrificial = cell.workload == Workload::crash && runs_in_process(cell.executor);
      CellResult result = in_tbb_program ? run_cell_in_child(cell, worker, tbb_program, session)
                          : sacrificial  ? run_cell_in_child(cell, worker, "", session)
                                         : run_cell(cell, worker, session, progress.task_finished);
      if (progress.cell_finished) progress.cell_finished();
      run.interrupted = result.interrupted;
      if (!run.interrupted) runs[i].push_back(std::move(result));
    }
  }
  for (auto& cell_runs : runs) {
    if (cell_runs.empty()) continue;
    std::sort(cell_runs.begin(), cell_runs.end(),
              [](const CellResult& a, const CellResult& b) { return a.seconds < b.seconds; });
    run.results.push_back(cell_runs[cell_runs.size() / 2]);
  }
  return run;
}

std::vector<std::string> wrong_results(const std::vector<CellResult>& results) {
  std::vector<std::string> lines;
  for (const auto& r : results) {
    if (r.failed > 0 && r.cell.workload != Workload::crash) {
      lines.push_back(r.cell.executor + " " + std::string(to_string(r.cell.workload)) + " " +
                      r.cell.size.text + ": " + std::to_string(r.failed) +
                      " task(s) failed: " + r.note);
    }
  }
  return lines;
}

}  // namespace procpool::bench
