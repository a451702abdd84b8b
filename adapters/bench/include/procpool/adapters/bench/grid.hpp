// One cell of the benchmark grid = one executor running `tasks` copies of one workload at one
// size with N workers, timed from the first start to the last result, every result checked.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "procpool/adapters/bench/workload.hpp"
#include "procpool/adapters/threads/in_process_executor.hpp"
#include "procpool/runner/core/events.hpp"
#include "procpool/runner/schedule/executor.hpp"
#include "procpool/runner/schedule/scheduler.hpp"

namespace procpool::bench {

// In the order tables and plots list them; `tbb` is the reference.
std::vector<std::string> all_executors();
bool is_executor(std::string_view name);
// tbb, threads and sequential run tasks as function calls in the harness's own process.
bool runs_in_process(std::string_view executor);

// How a program that links TBB makes the `tbb` executor (procpool-bench-tbb does, and tests):
// the runner does not link TBB, so its `tbb` cells run in that program (run_cell_in_child).
using InProcessFactory = std::function<std::unique_ptr<schedule::Executor>(
    boost::asio::io_context&, unsigned threads, threads::TaskBody)>;
void provide_tbb(InProcessFactory factory);

// An executor by name with the number of tasks the scheduler should keep in flight on it: a
// queue's worth for pools, one per worker for the process executor. Throws on unknown names,
// and on `tbb` where provide_tbb() was not called.
struct ExecutorSetup {
  std::unique_ptr<schedule::Executor> executor;
  unsigned in_flight = 1;
};
ExecutorSetup make_executor(const std::string& name, boost::asio::io_context& io, unsigned jobs);

struct Cell {
  std::string executor;
  Workload workload = Workload::noop;
  Size size;
  unsigned jobs = 1;  // workers; 1 for sequential
  std::size_t tasks = 0;
  std::uint64_t amount = 0;       // per task: see WorkItem::amount
  std::uint64_t crash_every = 0;  // crash workload: one task in this many dies

  template <typename Archive>
  void serialize(Archive& ar) {
    ar(executor, workload, size.text, size.value, size.kind, jobs, tasks, amount, crash_every);
  }
};

struct CellResult {
  Cell cell;
  double seconds = 0;      // wall time of the whole cell
  std::size_t failed = 0;  // tasks without the right result: failed, crashed, wrong, or lost
  bool lost = false;       // the whole run died with one task (a thread executor's crash)
  std::string note;        // the first failure, or how the run was lost
  bool interrupted = false;

  // Tasks that returned the right result, per second.
  double tasks_per_s() const {
    return seconds > 0 ? static_cast<double>(cell.tasks - failed) / seconds : 0;
  }

  template <typename Archive>
  void serialize(Archive& ar) {
    ar(cell, seconds, failed, lost, note, interrupted);
  }
};

// How a cell's run is driven. The default runs the scheduler on the loop; the CLI passes one
// that also turns Ctrl-C into cancellation and reaps what tasks left behind.
using SessionRunner = std::function<RunSummary(boost::asio::io_context&, schedule::Executor&,
                                               const schedule::SchedulerConfig&,
                                               std::vector<TaskSpec>, std::vector<Reporter*>)>;
RunSummary run_plain_session(boost::asio::io_context& io, schedule::Executor& executor,
                             const schedule::SchedulerConfig& config, std::vector<TaskSpec> tasks,
                             std::vector<Reporter*> reporters);

// Called on the event loop after every finished task: (tasks done, tasks in the cell).
using TaskProgress = std::function<void(std::size_t, std::size_t)>;

// Runs one cell in this process. `worker` is the procpool-bench-worker program (argv[0] of
// every task; only the process executor starts it).
CellResult run_cell(const Cell& cell, const std::string& worker,
                    const SessionRunner& session = run_plain_session,
                    const TaskProgress& progress = {});

// Runs one cell in a child process (cell_in_child.hpp) running `program` (empty: this one),
// driven by `session` (so Ctrl-C ends it). If the child dies, the result says so (lost, every
// task failed) and the harness carries on. Programs using it must begin main() with
// procpool::run_worker_if_requested().
CellResult run_cell_in_child(const Cell& cell, const std::string& worker,
                             const std::string& program,
                             const SessionRunner& session = run_plain_session);

// Enough tasks for about half a second of work per cell at `jobs` workers, within [10·jobs, 5000]
// (2000 for noop and alloc), so the grid's cells cost about the same.
std::size_t default_tasks(Workload workload, const Size& size, unsigned jobs);
// The sizes a workload runs at when --sizes is not given.
std::vector<Size> default_sizes(Workload workload);

// procpool-bench-worker: $PROCPOOL_BENCH_WORKER (if it names a program: else none), else next to
// the running program, else in ../libexec/procpool/ from it. Empty when none exists.
std::string find_worker_program();
// procpool-bench-tbb (where the `tbb` executor runs): $PROCPOOL_BENCH_TBB, else found likewise.
std::string find_tbb_program();

}  // namespace procpool::bench
