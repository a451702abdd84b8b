// The benchmark's executors and workloads: every executor returns every task's right result,
// the crash workload is contained as documented, thread executors really run N at once, and
// the harness's own result check can fail.
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <csignal>
#include <map>
#include <thread>

#include "procpool/adapters/bench/grid.hpp"
#include "procpool/adapters/bench/grid_plan.hpp"
#include "procpool/adapters/bench/report.hpp"
#include "procpool/adapters/bench/workload.hpp"
#include "procpool/adapters/threads/tbb_executor.hpp"
#include "procpool/pool.hpp"
#include "test_support.hpp"

namespace procpool::bench {
namespace {

using procpool::testing::adopt_orphans;
using procpool::testing::surviving_descendants;

// Runs items on one executor through the scheduler and returns each task's stdout by index.
struct Collected {
  std::map<std::size_t, AttemptResult> results;
};
class Collector final : public Reporter {
 public:
  explicit Collector(Collected& into) : into_(into) {}
  void on_task_finished(const TaskFinished& e) override {
    into_.results.emplace(e.index, *e.result);
  }

 private:
  Collected& into_;
};

Collected run_items(const std::string& executor, const std::vector<WorkItem>& items,
                    unsigned jobs = 2) {
  boost::asio::io_context io;
  ExecutorSetup setup = make_executor(executor, io, jobs);
  std::vector<TaskSpec> tasks;
  for (const auto& item : items) {
    TaskSpec task;
    task.command.argv = to_words(item);
    task.command.argv.insert(task.command.argv.begin(), BENCH_WORKER);
    tasks.push_back(task);
  }
  Collected collected;
  Collector collector(collected);
  run_plain_session(io, *setup.executor, {.jobs = setup.in_flight}, std::move(tasks), {&collector});
  return collected;
}

class BenchExecutorTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { adopt_orphans(); }
  void TearDown() override {
    EXPECT_EQ(surviving_descendants(), std::vector<int>{}) << "processes outlived the test";
  }
};

std::vector<WorkItem> items_of(Workload workload, std::uint64_t amount, std::size_t n,
                               std::uint64_t crash_every = 0) {
  std::vector<WorkItem> items;
  for (std::size_t i = 0; i < n; ++i) items.push_back({workload, amount, i, crash_every});
  return items;
}

// Every task's output must be the checksum of that very task, computed here in-process.
void expect_right_results(const std::string& executor, const std::vector<WorkItem>& items) {
  const Collected got = run_items(executor, items);
  ASSERT_EQ(got.results.size(), items.size());
  for (const auto& item : items) {
    const AttemptResult& r = got.results.at(item.index);
    ASSERT_TRUE(r.outcome.succeeded()) << executor << " task " << item.index << ": "
                                       << describe(r.outcome) << " " << r.outcome.message;
    EXPECT_EQ(r.out->str(), std::to_string(*run(item)) + "\n")
        << executor << " " << to_string(item.workload) << " task " << item.index;
  }
}

TEST_P(BenchExecutorTest, RunsNoopWithEachTasksResult) {
  expect_right_results(GetParam(), items_of(Workload::noop, 0, 40));
}

TEST_P(BenchExecutorTest, RunsCpuWorkWithEachTasksResult) {
  expect_right_results(GetParam(), items_of(Workload::cpu, 20000, 24));
}

TEST_P(BenchExecutorTest, RunsSleepWithEachTasksResult) {
  expect_right_results(GetParam(), items_of(Workload::sleep, 2'000'000, 8));  // 2 ms
}

TEST_P(BenchExecutorTest, RunsAllocWithEachTasksResult) {
  expect_right_results(GetParam(), items_of(Workload::alloc, 3u << 20, 8));  // 3 MiB
}

TEST_P(BenchExecutorTest, CrashWorkloadIsContainedAsDocumented) {
  Cell cell{GetParam(), Workload::crash, *parse_size("10us"), 2, 20, 5000, /*crash_every=*/5};
  if (runs_in_process(cell.executor)) {
    // A segfault in a thread takes its whole process: the run is lost, the harness lives on.
    const CellResult r = run_cell_in_child(cell, BENCH_WORKER, "");
    EXPECT_TRUE(r.lost);
    EXPECT_EQ(r.failed, 20u);
    EXPECT_NE(r.note.find("lost"), std::string::npos) << r.note;
  } else {
    // A process executor loses exactly the crashing tasks (4, 9, 14, 19) and finishes the rest.
    const Collected got = run_items(cell.executor, items_of(Workload::crash, 5000, 20, 5));
    ASSERT_EQ(got.results.size(), 20u);
    for (const auto& [index, r] : got.results) {
      const WorkItem item{Workload::crash, 5000, index, 5};
      if (item.crashes()) {
        EXPECT_FALSE(r.outcome.succeeded()) << "task " << index;
      } else {
        ASSERT_TRUE(r.outcome.succeeded()) << "task " << index << ": " << r.outcome.message;
        EXPECT_EQ(r.out->str(), std::to_string(*run(item)) + "\n");
      }
    }
    const CellResult cell_result = run_cell(cell, BENCH_WORKER);
    EXPECT_FALSE(cell_result.lost);
    EXPECT_EQ(cell_result.failed, 4u);
  }
}

INSTANTIATE_TEST_SUITE_P(Executors, BenchExecutorTest,
                         ::testing::Values("tbb", "threads", "sequential", "pool", "process"),
                         [](const auto& info) { return info.param; });

// Most attempts running at one moment, from their start times and durations.
std::size_t max_overlap(const Collected& got) {
  std::vector<std::pair<WallTime, int>> edges;
  for (const auto& [index, r] : got.results) {
    edges.push_back({r.started_at, +1});
    edges.push_back(
        {r.started_at + std::chrono::duration_cast<WallTime::duration>(r.duration), -1});
  }
  std::sort(edges.begin(), edges.end());  // an end sorts before a start at the same instant
  int now = 0, most = 0;
  for (const auto& [when, delta] : edges) most = std::max(most, now += delta);
  return static_cast<std::size_t>(most);
}

TEST(BenchThreadExecutors, RunExactlyJobsTasksAtOnce) {
  for (const std::string executor : {"tbb", "threads"}) {
    for (unsigned jobs : {1u, 3u}) {
      // 150 ms sleeps, two per thread: they overlap whenever the threads run, even when a
      // loaded machine is slow to schedule one of them (with 20-50 ms sleeps and two busy
      // loops beside the test, a starved thread sometimes got no task at all).
      const Collected got =
          run_items(executor, items_of(Workload::sleep, 150'000'000, 2 * jobs), jobs);
      EXPECT_EQ(max_overlap(got), jobs) << executor << " -j" << jobs;
    }
  }
  const Collected sequential = run_items("sequential", items_of(Workload::sleep, 5'000'000, 4));
  EXPECT_EQ(max_overlap(sequential), 1u);
}

TEST(BenchHarness, CountsTasksWhoseResultIsWrong) {
  adopt_orphans();
  // /bin/echo prints its arguments, not the checksum: every task must count as failed.
  Cell cell{"process", Workload::noop, *parse_size("0"), 2, 6};
  const CellResult r = run_cell(cell, "/bin/echo");
  EXPECT_EQ(r.failed, 6u);
  EXPECT_NE(r.note.find("wrong result"), std::string::npos) << r.note;
  const Cell right{"process", Workload::noop, *parse_size("0"), 2, 6};
  EXPECT_EQ(run_cell(right, BENCH_WORKER).failed, 0u);
  EXPECT_EQ(surviving_descendants(), std::vector<int>{});
}

CellResult fake(const std::string& executor, const char* size, double seconds,
                std::size_t failed = 0) {
  CellResult r;
  r.cell = Cell{executor, Workload::cpu, *parse_size(size), 2, 100};
  r.seconds = seconds;
  r.failed = failed;
  return r;
}

TEST(BenchReport, CrossoverIsTheSizeFromWhichTheExecutorStaysAt90PercentOfTbb) {
  // pool / tbb: 0.5, 0.95, 0.85, 0.92, 0.99 -> it stays above 0.9 only from 1ms on.
  std::vector<CellResult> results;
  const std::vector<std::pair<const char*, double>> ratios = {
      {"1us", 0.5}, {"10us", 0.95}, {"100us", 0.85}, {"1ms", 0.92}, {"10ms", 0.99}};
  for (const auto& [size, ratio] : ratios) {
    results.push_back(fake("tbb", size, 1.0));
    results.push_back(fake("pool", size, 1.0 / ratio));
    results.push_back(fake("process", size, 2.0));  // always half of tbb
  }
  ASSERT_TRUE(crossover(results, "pool", Workload::cpu).has_value());
  EXPECT_EQ(crossover(results, "pool", Workload::cpu)->text, "1ms");
  EXPECT_FALSE(crossover(results, "process", Workload::cpu).has_value());
  const std::string report = format_report(results);
  EXPECT_NE(report.find("pool reaches 90% of tbb's throughput from 1ms tasks on"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("process reaches 90% of tbb's throughput at none of these sizes"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("(0.50×)"), std::string::npos) << report;
}

TEST(BenchReport, FailedTasksDoNotCountAsThroughput) {
  const CellResult r = fake("pool", "1ms", 2.0, 50);
  EXPECT_DOUBLE_EQ(r.tasks_per_s(), 25.0);  // (100 - 50) / 2 s
  const std::string csv = to_csv({r});
  EXPECT_EQ(csv, std::string(kCsvHeader) + "\npool,cpu,1ms,2,100,2.000000,25.0,50\n");
}

TEST(BenchWorkload, SizesParseWithTheirUnits) {
  EXPECT_EQ(parse_size("1us")->value, 1000u);
  EXPECT_EQ(parse_size("2.5ms")->value, 2'500'000u);
  EXPECT_EQ(parse_size("1s")->kind, SizeKind::duration);
  EXPECT_EQ(parse_size("16MB")->value, 16u << 20);
  EXPECT_EQ(parse_size("4KiB")->kind, SizeKind::bytes);
  EXPECT_EQ(parse_size("0")->kind, SizeKind::none);
  EXPECT_EQ(parse_size("100ms")->text, "100ms");
  for (const char* bad : {"", "ms", "1", "-1ms", "1 ms", "1hours", "0.0000001ns", "1e3ms"}) {
    const auto size = parse_size(bad);
    ASSERT_FALSE(size) << bad;
    EXPECT_NE(size.error().find("size"), std::string::npos) << size.error();
  }
}

TEST(BenchWorkload, WordsRoundTripAndRejectGarbage) {
  const WorkItem item{Workload::alloc, 123, 7, 0};
  const WorkItem back = *from_words(to_words(item));
  EXPECT_EQ(back.workload, item.workload);
  EXPECT_EQ(back.amount, 123u);
  EXPECT_EQ(back.index, 7u);
  EXPECT_EQ(from_words({"cpu", "1", "2"}).error(),
            "expected 4 words: WORKLOAD AMOUNT INDEX CRASH_EVERY, got 3");
  EXPECT_EQ(from_words({"dance", "1", "2", "0"}).error(), "unknown workload 'dance'");
  EXPECT_EQ(from_words({"cpu", "x1", "2", "0"}).error(), "bad amount: 'x1'");
  EXPECT_EQ(from_words({"cpu", "1", "99999999999999999999999", "0"}).error(),
            "task index out of range: '99999999999999999999999'");
}

TEST(BenchWorkload, ResultsDependOnTheTaskAndTheWork) {
  EXPECT_EQ(cpu_steps(3, 1000), cpu_steps(3, 1000));
  EXPECT_NE(cpu_steps(3, 1000), cpu_steps(4, 1000));
  EXPECT_NE(cpu_steps(3, 1000), cpu_steps(3, 1001));
  const WorkItem alloc{Workload::alloc, 5u << 20, 11, 0};
  EXPECT_EQ(*run(alloc), expected_checksum(alloc).value());
  EXPECT_EQ(*run({Workload::noop, 0, 42, 0}), 42u);
}

TEST(BenchWorkload, SleepWaitsItsDuration) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(run({Workload::sleep, 30'000'000, 0, 0}));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(30));
}

TEST(BenchWorkload, CalibrationGivesAboutTheAskedDuration) {
  // Loose on purpose (a loaded machine skews both runs): it checks the calibration's units
  // (steps per ns, not per µs: a factor of 1000), not speed.
  const double steps_per_ns = calibrate_cpu_steps_per_ns();
  ASSERT_GT(steps_per_ns, 0);
  const std::uint64_t steps = amount_for(Workload::cpu, *parse_size("20ms"), steps_per_ns);
  const auto start = std::chrono::steady_clock::now();
  volatile std::uint64_t sink = cpu_steps(1, steps);
  (void)sink;
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(ms, 20 * 0.2);
  EXPECT_LT(ms, 20 * 10.0);
}

TEST(BenchWorkload, DefaultTaskCountsStayWithinBounds) {
  EXPECT_EQ(default_tasks(Workload::cpu, *parse_size("1us"), 2), 5000u);
  EXPECT_EQ(default_tasks(Workload::cpu, *parse_size("1ms"), 2), 1000u);
  EXPECT_EQ(default_tasks(Workload::cpu, *parse_size("100ms"), 2), 20u);
  EXPECT_EQ(default_tasks(Workload::cpu, *parse_size("10s"), 2), 20u);
  EXPECT_EQ(default_tasks(Workload::noop, *parse_size("0"), 2), 2000u);
}

TEST(BenchGridPlan, ExecutorsInnermostEachWorkloadAtItsOwnKindOfSize) {
  GridRequest request;
  request.executors = {"tbb", "sequential"};
  request.workloads = {"noop", "cpu", "alloc"};
  request.sizes = {"1ms", "16MB"};
  request.jobs = 3;
  auto cells = plan_grid(request);
  ASSERT_TRUE(cells) << cells.error();
  std::vector<std::string> got;
  for (const Cell& c : *cells) {
    got.push_back(std::string(to_string(c.workload)) + " " + c.size.text + " " + c.executor + " j" +
                  std::to_string(c.jobs));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"noop 0 tbb j3", "noop 0 sequential j1",
                                           "cpu 1ms tbb j3", "cpu 1ms sequential j1",
                                           "alloc 16MB tbb j3", "alloc 16MB sequential j1"}));
}

TEST(BenchGridPlan, NamesWhatItCannotPlan) {
  GridRequest unknown_executor{.executors = {"gpu"}};
  EXPECT_NE(plan_grid(unknown_executor).error().find("unknown executor 'gpu'"), std::string::npos);
  GridRequest unknown_workload{.workloads = {"dance"}};
  EXPECT_NE(plan_grid(unknown_workload).error().find("unknown workload 'dance'"),
            std::string::npos);
  GridRequest bad_size{.sizes = {"1parsec"}};
  EXPECT_NE(plan_grid(bad_size).error().find("1parsec"), std::string::npos);
  GridRequest no_fit{.workloads = {"alloc"}, .sizes = {"1ms"}};
  EXPECT_NE(plan_grid(no_fit).error().find("no byte size"), std::string::npos);
}

TEST(BenchGrid, KeepsTheMedianRoundAndStopsWhenACellIsCancelled) {
  GridRequest request{.executors = {"sequential"}, .workloads = {"noop"}, .tasks = 20};
  auto cells = plan_grid(request);
  ASSERT_TRUE(cells);
  set_amounts(*cells);
  // Rounds made to take about 0.1 s, 0.5 s and 0.3 s: the median round is the 0.3 s one.
  const std::vector<int> extra_ms = {100, 500, 300};
  int sessions = 0;
  SessionRunner timed = [&](boost::asio::io_context& io, schedule::Executor& executor,
                            const schedule::SchedulerConfig& config, std::vector<TaskSpec> tasks,
                            std::vector<Reporter*> reporters) {
    std::this_thread::sleep_for(std::chrono::milliseconds(extra_ms.at(sessions++)));
    return run_plain_session(io, executor, config, std::move(tasks), std::move(reporters));
  };
  const GridRun run = run_grid(*cells, 3, BENCH_WORKER, "", timed);
  EXPECT_EQ(sessions, 3);
  ASSERT_EQ(run.results.size(), 1u);
  EXPECT_FALSE(run.interrupted);
  EXPECT_EQ(run.results[0].failed, 0u);
  EXPECT_GE(run.results[0].seconds, 0.3);
  EXPECT_LT(run.results[0].seconds, 0.5);

  SessionRunner cancelled = [&](boost::asio::io_context&, schedule::Executor&,
                                const schedule::SchedulerConfig&, std::vector<TaskSpec>,
                                std::vector<Reporter*>) {
    RunSummary summary;
    summary.cancelled_run = true;
    return summary;
  };
  const GridRun stopped = run_grid(*cells, 3, BENCH_WORKER, "", cancelled);
  EXPECT_TRUE(stopped.interrupted);
  EXPECT_TRUE(stopped.results.empty()) << "an interrupted round is not a result";
}

// The runner does not link TBB: its tbb cells run whole in procpool-bench-tbb.
class CellsInAChild : public ::testing::Test {
 protected:
  void SetUp() override { adopt_orphans(); }
  void TearDown() override {
    EXPECT_EQ(surviving_descendants(), std::vector<int>{}) << "processes outlived the test";
  }
  static std::vector<Cell> tbb_cells(const std::string& size, std::size_t tasks) {
    GridRequest request{
        .executors = {"tbb"}, .workloads = {"cpu"}, .sizes = {size}, .jobs = 2, .tasks = tasks};
    auto cells = plan_grid(request);
    EXPECT_TRUE(cells) << cells.error();
    set_amounts(*cells);
    return *cells;
  }
};

TEST_F(CellsInAChild, TbbCellsRunInTheTbbProgramWithEveryResultRight) {
  const GridRun run =
      run_grid(tbb_cells("100us", 200), 1, BENCH_WORKER, BENCH_TBB, run_plain_session);
  ASSERT_EQ(run.results.size(), 1u);
  EXPECT_FALSE(run.results[0].lost) << run.results[0].note;
  EXPECT_EQ(run.results[0].failed, 0u) << run.results[0].note;
  EXPECT_EQ(run.results[0].cell.tasks, 200u);
  EXPECT_GT(run.results[0].seconds, 0);
}

TEST_F(CellsInAChild, TbbCellsGoToTheProgramNamedNotToThisOne) {
  // This test program provides tbb itself; a program that never serves loses the cell, which
  // shows the cell went there.
  const GridRun run =
      run_grid(tbb_cells("10us", 20), 1, BENCH_WORKER, "/bin/true", run_plain_session);
  ASSERT_EQ(run.results.size(), 1u);
  EXPECT_TRUE(run.results[0].lost);
  EXPECT_EQ(run.results[0].failed, 20u);
}

TEST_F(CellsInAChild, StoppingTheSessionEndsTheChildAndSaysTheRunWasCancelled) {
  // 40 tasks of 100 ms on 2 workers: 2 s; the session is cancelled (as Ctrl-C does) at 0.3 s.
  SessionRunner stopped_soon = [](boost::asio::io_context& io, schedule::Executor& executor,
                                  const schedule::SchedulerConfig& config,
                                  std::vector<TaskSpec> tasks, std::vector<Reporter*> reporters) {
    schedule::Scheduler scheduler(executor, config, std::move(reporters));
    RunSummary summary;
    scheduler.start(std::move(tasks), [&](const RunSummary& s) { summary = s; });
    boost::asio::steady_timer timer(io, std::chrono::milliseconds(300));
    timer.async_wait([&](auto) { scheduler.cancel(CancelReason::interrupted, false); });
    io.run();
    return summary;
  };
  const auto start = std::chrono::steady_clock::now();
  const GridRun run = run_grid(tbb_cells("100ms", 40), 1, BENCH_WORKER, BENCH_TBB, stopped_soon);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
  EXPECT_TRUE(run.interrupted);
  EXPECT_TRUE(run.results.empty());
}

TEST(BenchGrid, WrongResultsAreListedExceptForTheCrashWorkload) {
  CellResult wrong{Cell{"pool", Workload::cpu, *parse_size("1ms"), 2, 100}};
  wrong.failed = 3;
  wrong.note = "task 4: no result";
  CellResult crash{Cell{"pool", Workload::crash, *parse_size("1ms"), 2, 100}};
  crash.failed = 2;
  const auto lines = wrong_results({wrong, crash});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "pool cpu 1ms: 3 task(s) failed: task 4: no result");
}

}  // namespace
}  // namespace procpool::bench

int main(int argc, char** argv) {
  // Here tbb runs in this program, as in procpool-bench-tbb.
  procpool::bench::provide_tbb(procpool::threads::make_tbb_executor);
  // run_cell_in_child starts this program again as a spawned pool worker.
  if (auto code = procpool::run_worker_if_requested()) return *code;
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
