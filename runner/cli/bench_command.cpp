#include "bench_command.hpp"

#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "exit_codes.hpp"
#include "procpool/adapters/bench/plot.hpp"
#include "procpool/adapters/bench/report.hpp"
#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/core/jobs.hpp"
#include "procpool/runner/report/status_line.hpp"
#include "reporters.hpp"
#include "session.hpp"
#include "suggest.hpp"

#ifndef PROCPOOL_SOURCE_DIR
#define PROCPOOL_SOURCE_DIR ""
#endif

namespace procpool::cli {
namespace fs = std::filesystem;

namespace {

void print_error(const std::string& message) {
  std::fprintf(stderr, "procpool bench: %s\n", message.c_str());
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

// The report files can be written and the plot can be drawn; sets `plot_script`.
Result<void> check_outputs(const BenchOptions& o, const std::vector<bench::Cell>& cells,
                           std::string& plot_script) {
  for (const std::string* path : {&o.csv, &o.json, &o.plot}) {
    if (path->empty()) continue;
    if (auto checked = check_report_path(*path); !checked) return checked;
  }
  if (o.plot.empty()) return ok();
  if (auto checked = bench::check_plot_request(o.plot, cells); !checked) return checked;
  plot_script = find_plot_script();
  if (plot_script.empty()) {
    return fail("cannot find the plot script (scripts/plot-bench); set PROCPOOL_PLOT_SCRIPT");
  }
  return ok();
}

// CSV, JSON (atomically) and the plot; exit_usage if one could not be written.
int write_outputs(const std::vector<bench::CellResult>& results, const BenchOptions& o,
                  const std::string& plot_script) {
  int code = exit_ok;
  for (const auto& [path, content] :
       {std::pair{o.csv, bench::to_csv(results)}, std::pair{o.json, bench::to_json(results)}}) {
    if (path.empty()) continue;
    if (auto written = write_file_atomically(path, content); !written) {
      print_error(written.error());
      code = exit_usage;
    }
  }
  if (o.plot.empty()) return code;
  if (auto drawn = bench::draw_plot(plot_script, results, o.csv, o.plot); !drawn) {
    print_error(drawn.error());
    return exit_usage;
  }
  std::fprintf(stderr, "procpool bench: plot written to %s\n", o.plot.c_str());
  return code;
}

}  // namespace

// What `procpool bench --help` says above its options, as it prints it.
constexpr const char* kBenchDescription =
    R"(Run the same workloads on process pools and thread pools and compare throughput.
  procpool bench [--executors LIST] [--workloads LIST] [--sizes LIST] [-j N] [--tasks N]
                 [--rounds N] [--csv FILE] [--json FILE] [--plot FILE.svg|.png]
Executors: tbb threads sequential pool process. Workloads: noop cpu sleep alloc crash.
Sizes: durations for cpu/sleep/crash (1us 10us 100us 1ms 10ms 100ms), bytes for alloc (16MB).)";

CLI::App* add_bench_command(CLI::App& app, BenchOptions& o) {
  CLI::App* cmd = app.add_subcommand("bench", kBenchDescription);
  cmd->add_option("--executors", o.grid.executors, "comma-separated (default: all)")
      ->delimiter(',');
  cmd->add_option("--workloads", o.grid.workloads, "comma-separated (default: noop,cpu)")
      ->delimiter(',');
  cmd->add_option("--sizes", o.grid.sizes, "comma-separated task sizes (default: per workload)")
      ->delimiter(',');
  // Bounded: every task of a cell is planned up front (~200 bytes each).
  cmd->add_option("--tasks", o.grid.tasks, "tasks per cell (default: about 0.5 s of work)")
      ->check(whole_number(1, 10'000'000));
  // Bounded: each worker is a thread or a process.
  cmd->add_option("-j,--jobs", o.grid.jobs, "workers per executor (default: number of cores)")
      ->check(whole_number(1, 1024));
  cmd->add_option("--crash-every", o.grid.crash_every,
                  "crash workload: one task in K segfaults (default 50)")
      ->check(whole_number(1, 4'294'967'295));
  cmd->add_option("--rounds", o.rounds,
                  "run the grid N times and keep each cell's median (default 1)")
      ->check(whole_number(1, 4'294'967'295));
  cmd->add_option("--csv", o.csv, "write the results as CSV");
  cmd->add_option("--json", o.json, "write the results as JSON");
  cmd->add_option(
      "--plot", o.plot,
      "draw throughput against size for cpu (or the first timed workload); .svg or .png");
  cmd->add_flag("--no-progress", o.no_progress, "no progress bar");
  return cmd;
}

int run_bench_command(const BenchOptions& o) {
  bench::GridRequest request = o.grid;
  request.jobs = effective_jobs(request.jobs);
  auto planned = bench::plan_grid(request);
  if (!planned) {
    print_error(planned.error());
    return exit_usage;
  }
  std::vector<bench::Cell>& cells = *planned;
  std::string plot_script;
  if (auto checked = check_outputs(o, cells, plot_script); !checked) {
    print_error(checked.error());
    return exit_usage;
  }
  std::string worker = bench::find_worker_program();
  const bool needs_worker = std::any_of(
      cells.begin(), cells.end(), [](const bench::Cell& c) { return c.executor == "process"; });
  if (needs_worker && worker.empty()) {
    print_error(
        "cannot find procpool-bench-worker next to procpool (or PROCPOOL_BENCH_WORKER names no "
        "program)");
    return exit_usage;
  }
  if (worker.empty()) worker = "procpool-bench-worker";  // only a label for in-process executors
  const std::string tbb_program = bench::find_tbb_program();
  const bool needs_tbb = std::any_of(cells.begin(), cells.end(),
                                     [](const bench::Cell& c) { return c.executor == "tbb"; });
  if (needs_tbb && tbb_program.empty()) {
    print_error(
        "cannot find procpool-bench-tbb, where the tbb executor runs, next to procpool (or "
        "PROCPOOL_BENCH_TBB names no program)");
    return exit_usage;
  }

  if (const double steps_per_ns = bench::set_amounts(cells); steps_per_ns > 0) {
    std::fprintf(stderr, "procpool bench: cpu work calibrated at %.0f steps per µs\n",
                 steps_per_ns * 1000);
  }

  // Each cell runs as a session: Ctrl-C cancels it (and the grid). The orphan sweep waits until
  // the executor is gone: it would kill pool workers, which the pool would then replace.
  int stopped_by = 0;
  bench::SessionRunner session = [&](boost::asio::io_context& io, schedule::Executor& executor,
                                     const schedule::SchedulerConfig& config,
                                     std::vector<TaskSpec> tasks,
                                     std::vector<Reporter*> reporters) {
    SessionResult result = run_session(io, executor, config, std::move(tasks), {.all = reporters},
                                       /*sweep_orphans=*/false);
    stopped_by = result.signal;
    return result.summary;
  };
  report::StatusLine status(STDERR_FILENO, want_progress(o.no_progress));
  std::string label;
  auto last_draw = std::chrono::steady_clock::now();
  bench::GridProgress progress;
  progress.cell_started = [&](const std::string& text) {
    label = text;
    status.draw(label);
  };
  progress.task_finished = [&](std::size_t done, std::size_t of) {
    const auto now = std::chrono::steady_clock::now();
    if (!status.enabled() || now - last_draw < std::chrono::milliseconds(100)) return;
    last_draw = now;
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(kWidth * done / std::max<std::size_t>(1, of));
    status.draw(label + " [" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] " +
                std::to_string(done) + "/" + std::to_string(of));
  };
  progress.cell_finished = [] { sweep_orphans(); };  // anything a task started that escaped
  const bench::GridRun run =
      bench::run_grid(cells, o.rounds, worker, tbb_program, session, progress);
  status.clear();
  if (run.interrupted) {
    print_error("interrupted; nothing written");
    return stopped_by == SIGTERM ? exit_terminated : exit_interrupted;
  }

  std::fputs(bench::format_report(run.results).c_str(), stdout);
  std::printf("\n(%s; %u cores; tasks/s counts tasks that returned the right result)\n",
              request.jobs == 1 ? "1 worker" : (std::to_string(request.jobs) + " workers").c_str(),
              std::thread::hardware_concurrency());
  std::fflush(stdout);
  int code = exit_ok;
  for (const auto& line : bench::wrong_results(run.results)) {
    print_error(line);
    code = exit_task_failed;
  }
  const int written = write_outputs(run.results, o, plot_script);
  return written != exit_ok ? written : code;
}

}  // namespace procpool::cli
