#include "bench_command.hpp"

#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "exit_codes.hpp"
#include "procpool/adapters/bench/grid.hpp"
#include "procpool/adapters/bench/report.hpp"
#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/process/child.hpp"
#include "procpool/runner/report/status_line.hpp"
#include "run_session.hpp"

#ifndef PROCPOOL_SOURCE_DIR
#define PROCPOOL_SOURCE_DIR ""
#endif

namespace procpool::cli {
namespace fs = std::filesystem;
using namespace procpool::bench;

namespace {

struct Grid {
  std::vector<Cell> cells;
  std::string error;
};

// executors × workloads × sizes, executors innermost so that a noisy moment on the machine
// hits every executor at a size alike.
Grid plan_grid(const BenchOptions& o, unsigned jobs) {
  Grid grid;
  std::vector<std::string> executors = o.executors.empty() ? all_executors() : o.executors;
  for (const auto& e : executors) {
    if (!is_executor(e)) {
      grid.error =
          "unknown executor '" + e + "' (choose from tbb, threads, sequential, pool, process)";
      return grid;
    }
  }
  std::vector<Workload> workloads;
  for (const auto& name :
       o.workloads.empty() ? std::vector<std::string>{"noop", "cpu"} : o.workloads) {
    const auto workload = parse_workload(name);
    if (!workload) {
      grid.error = "unknown workload '" + name + "' (choose from noop, cpu, sleep, alloc, crash)";
      return grid;
    }
    workloads.push_back(*workload);
  }
  std::vector<Size> given;
  for (const auto& text : o.sizes) {
    try {
      given.push_back(parse_size(text));
    } catch (const std::invalid_argument& e) {
      grid.error = e.what();
      return grid;
    }
  }
  for (Workload workload : workloads) {
    std::vector<Size> sizes;
    const SizeKind kind = size_kind(workload);
    if (kind == SizeKind::none) {
      sizes = {parse_size("0")};
    } else if (given.empty()) {
      sizes = default_sizes(workload);
    } else {
      for (const Size& s : given)
        if (s.kind == kind) sizes.push_back(s);
      if (sizes.empty()) {
        grid.error =
            "--sizes has no " +
            std::string(kind == SizeKind::bytes ? "byte size (e.g. 16MB)" : "duration (e.g. 1ms)") +
            " for the " + std::string(to_string(workload)) + " workload";
        return grid;
      }
    }
    for (const Size& size : sizes) {
      for (const auto& e : executors) {
        Cell cell;
        cell.executor = e;
        cell.workload = workload;
        cell.size = size;
        cell.jobs = e == "sequential" ? 1 : jobs;
        // Every executor at a size runs the same number of tasks, so each does the same work.
        cell.tasks = o.tasks > 0 ? o.tasks : default_tasks(workload, size, jobs);
        cell.crash_every = workload == Workload::crash ? o.crash_every : 0;
        grid.cells.push_back(cell);
      }
    }
  }
  return grid;
}

std::string find_plot_script() {
  if (const char* env = std::getenv("PROCPOOL_PLOT_SCRIPT"); env && *env) return env;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  for (const fs::path& candidate :
       {self.parent_path().parent_path() / "share" / "procpool" / "plot-bench",
        fs::path(PROCPOOL_SOURCE_DIR) / "scripts" / "plot-bench"}) {
    if (!ec && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

// Runs the plot script on the CSV; "" or what went wrong.
std::string draw_plot(const std::string& script, const std::string& csv, const std::string& out) {
  boost::asio::io_context io(1);
  process::SpawnRequest request;
  request.argv = {script, csv, out};
  process::ChildOptions options;
  options.timeout = std::chrono::seconds(60);
  std::string error;
  process::Child::start(io, request, options, [&](AttemptResult result) {
    if (!result.outcome.succeeded())
      error = script + " failed (" + describe(result.outcome) + "): " + result.err->tail(2000);
  });
  io.run();
  return error;
}

}  // namespace

CLI::App* add_bench_command(CLI::App& app, BenchOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Run the same workloads on process pools and thread pools and compare throughput.\n"
      "  procpool bench [--executors LIST] [--workloads LIST] [--sizes LIST] [-j N] [--tasks N]\n"
      "                 [--rounds N] [--csv FILE] [--json FILE] [--plot FILE.svg|.png]\n"
      "Executors: tbb threads sequential pool process. Workloads: noop cpu sleep alloc crash.\n"
      "Sizes: durations for cpu/sleep/crash (1us 10us 100us 1ms 10ms 100ms), bytes for alloc "
      "(16MB).");
  cmd->add_option("--executors", o.executors, "comma-separated (default: all)")->delimiter(',');
  cmd->add_option("--workloads", o.workloads, "comma-separated (default: noop,cpu)")
      ->delimiter(',');
  cmd->add_option("--sizes", o.sizes, "comma-separated task sizes (default: per workload)")
      ->delimiter(',');
  // Bounded: every task of a cell is planned up front (~200 bytes each).
  cmd->add_option("--tasks", o.tasks, "tasks per cell (default: about 0.5 s of work)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  // Bounded: each worker is a thread or a process.
  cmd->add_option("-j,--jobs", o.jobs, "workers per executor (default: number of cores)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--crash-every", o.crash_every,
                  "crash workload: one task in K segfaults (default 50)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--rounds", o.rounds,
                  "run the grid N times and keep each cell's median (default 1)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--csv", o.csv, "write the results as CSV");
  cmd->add_option("--json", o.json, "write the results as JSON");
  cmd->add_option(
      "--plot", o.plot,
      "draw throughput against size for cpu (or the first timed workload); .svg or .png");
  cmd->add_flag("--no-progress", o.no_progress, "no progress bar");
  return cmd;
}

namespace {

void print_error(const std::string& message) {
  std::fprintf(stderr, "procpool bench: %s\n", message.c_str());
}

// The report files can be written and the plot can be drawn; "" or why not. Sets plot_script.
std::string check_outputs(const BenchOptions& o, const Grid& grid, std::string& plot_script) {
  for (const std::string* path : {&o.csv, &o.json, &o.plot}) {
    if (path->empty()) continue;
    if (std::string problem = check_report_path(*path); !problem.empty()) return problem;
  }
  if (o.plot.empty()) return {};
  const std::string ext = fs::path(o.plot).extension().string();
  if (ext != ".svg" && ext != ".png") return "--plot must name a .svg or .png file: " + o.plot;
  const bool plottable = std::any_of(grid.cells.begin(), grid.cells.end(), [](const Cell& c) {
    return size_kind(c.workload) == SizeKind::duration;
  });
  if (!plottable)
    return "--plot draws throughput against task duration: it needs a cpu, sleep or crash workload";
  plot_script = find_plot_script();
  if (plot_script.empty())
    return "cannot find the plot script (scripts/plot-bench); set PROCPOOL_PLOT_SCRIPT";
  return {};
}

// Calibrated once per run: every executor gets the same number of steps for "1ms".
void set_amounts(std::vector<Cell>& cells) {
  double steps_per_ns = 0;
  for (Cell& cell : cells) {
    const bool computes = cell.workload == Workload::cpu || cell.workload == Workload::crash;
    if (computes && steps_per_ns == 0) {
      steps_per_ns = calibrate_cpu_steps_per_ns();
      std::fprintf(stderr, "procpool bench: cpu work calibrated at %.0f steps per µs\n",
                   steps_per_ns * 1000);
    }
    cell.amount = amount_for(cell.workload, cell.size, steps_per_ns);
  }
}

struct GridRun {
  std::vector<CellResult> results;  // one per cell: its median round
  int stopped_by = 0;               // SIGINT/SIGTERM that cancelled the grid, or 0
};

// Rounds go over the whole grid, so a slow moment of the machine hits one round of every cell
// rather than every round of one; each cell keeps its median round.
GridRun run_grid(const std::vector<Cell>& cells, unsigned rounds, const std::string& worker,
                 bool progress_bar) {
  GridRun run;
  report::StatusLine status(STDERR_FILENO, progress_bar);
  // Each cell runs as a session: Ctrl-C cancels it (and the grid). The orphan sweep waits until
  // the executor is gone: it would kill pool workers, which the pool would then replace.
  SessionRunner session = [&](boost::asio::io_context& io, schedule::Executor& executor,
                              const schedule::SchedulerConfig& config, std::vector<TaskSpec> tasks,
                              std::vector<Reporter*> reporters) {
    SessionResult result = run_session(io, executor, config, std::move(tasks), {.all = reporters},
                                       /*sweep_orphans=*/false);
    run.stopped_by = result.signal;
    return result.summary;
  };
  std::vector<std::vector<CellResult>> runs(cells.size());
  for (unsigned round = 1; round <= rounds && run.stopped_by == 0; ++round) {
    for (std::size_t i = 0; i < cells.size() && run.stopped_by == 0; ++i) {
      const Cell& cell = cells[i];
      const std::string label =
          "[" +
          (rounds > 1 ? "round " + std::to_string(round) + "/" + std::to_string(rounds) + ", "
                      : "") +
          std::to_string(i + 1) + "/" + std::to_string(cells.size()) + "] " +
          std::string(to_string(cell.workload)) + " " + cell.size.text + " " + cell.executor;
      auto last_draw = std::chrono::steady_clock::now();
      status.draw(label);
      TaskProgress progress = [&](std::size_t done, std::size_t of) {
        const auto now = std::chrono::steady_clock::now();
        if (!status.enabled() || now - last_draw < std::chrono::milliseconds(100)) return;
        last_draw = now;
        constexpr int kWidth = 24;
        const int filled = static_cast<int>(kWidth * done / std::max<std::size_t>(1, of));
        status.draw(label + " [" + std::string(filled, '#') + std::string(kWidth - filled, '.') +
                    "] " + std::to_string(done) + "/" + std::to_string(of));
      };
      // A thread executor cannot survive a segfaulting task: it runs in a child that may die.
      const bool sacrificial = cell.workload == Workload::crash && runs_in_process(cell.executor);
      CellResult result =
          sacrificial ? run_cell_isolated(cell, worker) : run_cell(cell, worker, session, progress);
      sweep_orphans();  // anything a task started that escaped (none should)
      if (result.interrupted) break;
      runs[i].push_back(std::move(result));
    }
  }
  status.clear();
  for (auto& cell_runs : runs) {
    if (cell_runs.empty()) continue;
    std::sort(cell_runs.begin(), cell_runs.end(),
              [](const CellResult& a, const CellResult& b) { return a.seconds < b.seconds; });
    run.results.push_back(cell_runs[cell_runs.size() / 2]);
  }
  return run;
}

// Failures are the point of the crash workload; anywhere else a task came back wrong, and the
// figures of that cell mean nothing.
int check_results(const std::vector<CellResult>& results) {
  int code = exit_ok;
  for (const auto& r : results) {
    if (r.failed > 0 && r.cell.workload != Workload::crash) {
      print_error(r.cell.executor + " " + std::string(to_string(r.cell.workload)) + " " +
                  r.cell.size.text + ": " + std::to_string(r.failed) +
                  " task(s) failed: " + r.note);
      code = exit_task_failed;
    }
  }
  return code;
}

// CSV, JSON (atomically) and the plot; exit_usage if one could not be written.
int write_outputs(const std::vector<CellResult>& results, const BenchOptions& o,
                  const std::string& plot_script) {
  int code = exit_ok;
  const std::string csv = to_csv(results);
  for (const auto& [path, content] : {std::pair{o.csv, csv}, std::pair{o.json, to_json(results)}}) {
    if (path.empty()) continue;
    if (std::string error = write_file_atomically(path, content); !error.empty()) {
      print_error(error);
      code = exit_usage;
    }
  }
  if (o.plot.empty()) return code;
  std::string csv_path = o.csv;
  std::string temp;
  if (csv_path.empty()) {  // the plot script reads a CSV: a temporary one
    std::string name = (fs::temp_directory_path() / "procpool-bench-XXXXXX.csv").string();
    const int fd = ::mkstemps(name.data(), 4);
    if (fd < 0) {
      print_error("cannot create a temporary CSV for the plot: " +
                  std::string(std::strerror(errno)));
      return exit_usage;
    }
    write_all(fd, csv);
    ::close(fd);
    csv_path = temp = name;
  }
  const std::string error = draw_plot(plot_script, csv_path, o.plot);
  if (!temp.empty()) ::unlink(temp.c_str());
  if (!error.empty()) {
    print_error(error);
    return exit_usage;
  }
  std::fprintf(stderr, "procpool bench: plot written to %s\n", o.plot.c_str());
  return code;
}

}  // namespace

int run_bench_command(const BenchOptions& o) {
  const unsigned jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  Grid grid = plan_grid(o, jobs);
  if (!grid.error.empty()) {
    print_error(grid.error);
    return exit_usage;
  }
  std::string plot_script;
  if (std::string problem = check_outputs(o, grid, plot_script); !problem.empty()) {
    print_error(problem);
    return exit_usage;
  }
  std::string worker = find_worker_program();
  const bool needs_worker = std::any_of(grid.cells.begin(), grid.cells.end(),
                                        [](const Cell& c) { return c.executor == "process"; });
  if (needs_worker && worker.empty()) {
    print_error("cannot find procpool-bench-worker next to procpool; set PROCPOOL_BENCH_WORKER");
    return exit_usage;
  }
  if (worker.empty()) worker = "procpool-bench-worker";  // only a label for in-process executors

  set_amounts(grid.cells);
  const GridRun run = run_grid(grid.cells, o.rounds, worker, want_progress(o.no_progress));
  if (run.stopped_by != 0) {
    print_error("interrupted; nothing written");
    return run.stopped_by == SIGINT ? exit_interrupted : exit_terminated;
  }

  std::fputs(format_report(run.results).c_str(), stdout);
  std::printf("\n(%s; %u cores; tasks/s counts tasks that returned the right result)\n",
              jobs == 1 ? "1 worker" : (std::to_string(jobs) + " workers").c_str(),
              std::thread::hardware_concurrency());
  std::fflush(stdout);
  const int checked = check_results(run.results);
  const int written = write_outputs(run.results, o, plot_script);
  return written != exit_ok ? written : checked;
}

}  // namespace procpool::cli
