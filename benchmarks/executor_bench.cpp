// Google Benchmark microbenchmarks of the benchmark executors: one batch of small tasks through
// the scheduler on each executor, the same path `procpool bench` times. Run:
//   build/benchmarks/executor_bench --benchmark_counters_tabular=true
// tasks_per_s is the figure to compare; per_task is its inverse (wall time per task at -j2).
// Google Benchmark runs each a few times; `procpool bench` is the tool for the full grid.
#include <benchmark/benchmark.h>

#include "procpool/adapters/bench/grid.hpp"
#include "procpool/adapters/bench/workload.hpp"
#include "procpool/adapters/threads/tbb_executor.hpp"

namespace {

using namespace procpool;
using namespace procpool::bench;

constexpr std::size_t kTasks = 500;

double steps_per_ns() {
  static const double calibrated = calibrate_cpu_steps_per_ns();
  return calibrated;
}

void run_batch(benchmark::State& state, const std::string& executor, Workload workload,
               const char* size) {
  const Size parsed = *parse_size(size);
  const Cell cell{executor, workload,
                  parsed,   executor == "sequential" ? 1u : 2u,
                  kTasks,   amount_for(workload, parsed, steps_per_ns())};
  std::size_t failed = 0;
  for (auto _ : state) {
    // Timed as procpool bench times a cell: first start to last result, without setting up and
    // tearing down the executor (forking pool workers, joining threads).
    const CellResult result = run_cell(cell, PROCPOOL_BENCH_WORKER);
    failed += result.failed;
    state.SetIterationTime(result.seconds);
  }
  if (failed > 0) state.SkipWithError("tasks failed");
  const double tasks = static_cast<double>(kTasks) * static_cast<double>(state.iterations());
  state.counters["tasks_per_s"] = benchmark::Counter(tasks, benchmark::Counter::kIsRate);
  state.counters["per_task"] =
      benchmark::Counter(tasks, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void register_all() {
  for (const std::string& executor : all_executors()) {
    benchmark::RegisterBenchmark(
        ("noop/" + executor).c_str(),
        [executor](benchmark::State& s) { run_batch(s, executor, Workload::noop, "0"); })
        ->Unit(benchmark::kMillisecond)
        ->UseManualTime();
    benchmark::RegisterBenchmark(
        ("cpu_100us/" + executor).c_str(),
        [executor](benchmark::State& s) { run_batch(s, executor, Workload::cpu, "100us"); })
        ->Unit(benchmark::kMillisecond)
        ->UseManualTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  // tbb in this process, as procpool-bench-tbb runs it for `procpool bench`.
  provide_tbb(threads::make_tbb_executor);
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
