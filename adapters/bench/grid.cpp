#include "procpool/adapters/bench/grid.hpp"

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "procpool/adapters/bench/cell_in_child.hpp"
#include "procpool/adapters/bench/pool_executor.hpp"
#include "procpool/adapters/threads/thread_pool_executor.hpp"
#include "procpool/runner/schedule/process_executor.hpp"

namespace procpool::bench {

namespace {

// Pools queue work: a program submits ahead (a loop of apply_async, a parallel_for), so workers
// never wait for the next task. Keeping this many tasks per worker in flight models that (more
// measured no faster here); the process executor gets exactly one per slot, since each attempt
// in flight is a running process.
constexpr unsigned kQueuedPerWorker = 64;

// What the in-process executors run for a task: its words (argv after the worker program, as
// the process executor would pass them), through the same workload code. The checksum goes to
// the attempt's stdout as a decimal line, as procpool-bench-worker prints it.
AttemptResult run_in_process(const Command& command) {
  const std::vector<std::string> words(
      command.argv.empty() ? command.argv.end() : command.argv.begin() + 1, command.argv.end());
  AttemptResult result;
  if (auto item = from_words(words); !item) {
    result.outcome = Outcome::start_failure(item.error());
  } else if (auto checksum = run(*item); !checksum) {
    result.outcome = Outcome::exited(1);
    result.outcome.message = checksum.error();
  } else {
    auto out = std::make_shared<Capture>();
    out->append(std::to_string(*checksum) + "\n");
    result.out = std::move(out);
    result.outcome = Outcome::exited(0);
  }
  return result;
}

InProcessFactory& tbb_factory() {
  static InProcessFactory factory;
  return factory;
}

}  // namespace

void provide_tbb(InProcessFactory factory) { tbb_factory() = std::move(factory); }

ExecutorSetup make_executor(const std::string& name, boost::asio::io_context& io, unsigned jobs) {
  if (name == "tbb") {
    if (!tbb_factory()) {
      throw std::logic_error(
          "the tbb executor runs in procpool-bench-tbb: this program has not provided it");
    }
    return {tbb_factory()(io, jobs, run_in_process), jobs * kQueuedPerWorker};
  }
  if (name == "threads") {
    return {std::make_unique<threads::ThreadPoolExecutor>(io, jobs, run_in_process),
            jobs * kQueuedPerWorker};
  }
  if (name == "sequential") {
    return {std::make_unique<threads::SequentialExecutor>(io, run_in_process), 1};
  }
  if (name == "pool") return {std::make_unique<PoolExecutor>(io, jobs), jobs * kQueuedPerWorker};
  if (name == "process") {
    schedule::ProcessExecutorOptions options;
    options.grace = std::chrono::milliseconds(1000);
    return {std::make_unique<schedule::ProcessExecutor>(io, options), jobs};
  }
  throw std::invalid_argument("unknown executor '" + name + "'");
}

namespace {

// Counts the tasks that did not come back with the right checksum.
class ResultChecker final : public Reporter {
 public:
  ResultChecker(const std::vector<WorkItem>& items, const TaskProgress& progress)
      : items_(items), progress_(progress) {}

  void on_task_finished(const TaskFinished& event) override {
    ++done_;
    const AttemptResult& attempt = *event.result;
    std::string problem;
    if (!attempt.outcome.succeeded()) {
      // The message says more when there is one ("worker 12 killed by SIGSEGV ...").
      problem =
          attempt.outcome.message.empty() ? describe(attempt.outcome) : attempt.outcome.message;
    } else if (const auto expected = expected_checksum(items_[event.index])) {
      const std::string out = attempt.out->str();
      if (out != std::to_string(*expected) + "\n")
        problem = "wrong result '" + out.substr(0, 40) + "', expected " + std::to_string(*expected);
    } else if (attempt.out->empty()) {
      problem = "no result";
    }
    if (!problem.empty()) {
      ++failed_;
      if (note_.empty()) note_ = "task " + std::to_string(event.index) + ": " + problem;
    }
    if (progress_) progress_(done_, items_.size());
  }

  std::size_t failed() const { return failed_; }
  const std::string& note() const { return note_; }

 private:
  const std::vector<WorkItem>& items_;
  const TaskProgress& progress_;
  std::size_t done_ = 0;
  std::size_t failed_ = 0;
  std::string note_;
};

}  // namespace

std::vector<std::string> all_executors() {
  return {"tbb", "threads", "sequential", "pool", "process"};
}

bool is_executor(std::string_view name) {
  const auto all = all_executors();
  return std::find(all.begin(), all.end(), name) != all.end();
}

bool runs_in_process(std::string_view executor) {
  return executor == "tbb" || executor == "threads" || executor == "sequential";
}

RunSummary run_plain_session(boost::asio::io_context& io, schedule::Executor& executor,
                             const schedule::SchedulerConfig& config, std::vector<TaskSpec> tasks,
                             std::vector<Reporter*> reporters) {
  schedule::Scheduler scheduler(executor, config, std::move(reporters));
  RunSummary summary;
  scheduler.start(std::move(tasks), [&](const RunSummary& s) { summary = s; });
  io.run();
  return summary;
}

CellResult run_cell(const Cell& cell, const std::string& worker, const SessionRunner& session,
                    const TaskProgress& progress) {
  std::vector<WorkItem> items(cell.tasks);
  std::vector<TaskSpec> tasks(cell.tasks);
  for (std::size_t i = 0; i < cell.tasks; ++i) {
    items[i] = WorkItem{cell.workload, cell.amount, i, cell.crash_every};
    tasks[i].command.argv = to_words(items[i]);
    tasks[i].command.argv.insert(tasks[i].command.argv.begin(), worker);
    tasks[i].name = std::string(to_string(cell.workload)) + " #" + std::to_string(i);
  }
  boost::asio::io_context io;
  ExecutorSetup setup = make_executor(cell.executor, io, cell.jobs);
  ResultChecker checker(items, progress);
  schedule::SchedulerConfig config;
  config.jobs = setup.in_flight;

  CellResult result{cell};
  const auto start = std::chrono::steady_clock::now();
  const RunSummary summary = session(io, *setup.executor, config, std::move(tasks), {&checker});
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  setup.executor.reset();  // joins threads, stops pool workers
  result.failed = checker.failed() + summary.not_run;
  result.note = checker.note();
  result.interrupted = summary.cancelled_run;
  return result;
}

CellResult run_cell_in_child(const Cell& cell, const std::string& worker,
                             const std::string& program, const SessionRunner& session) {
  boost::asio::io_context io;
  std::optional<CellInChild> child;
  try {
    child.emplace(io, cell, worker, program);
  } catch (const Error& e) {
    CellResult result{cell};
    result.failed = cell.tasks;
    result.lost = true;
    result.note = std::string("the run could not start: ") + e.what();
    return result;
  }
  TaskSpec whole_cell;
  whole_cell.name = std::string(to_string(cell.workload)) + " " + cell.size.text + " " +
                    cell.executor + " (in a child)";
  whole_cell.command.argv = {program.empty() ? std::string("this program") : program};
  const RunSummary summary =
      session(io, *child, schedule::SchedulerConfig{.jobs = 1}, {std::move(whole_cell)}, {});
  CellResult result = child->result();
  result.interrupted = summary.cancelled_run;
  return result;
}

std::size_t default_tasks(Workload workload, const Size& size, unsigned jobs) {
  const unsigned workers = std::max(1u, jobs);
  if (size_kind(workload) != SizeKind::duration) return 2000;
  const double per_task_s = static_cast<double>(size.value) * 1e-9;
  const double wanted = 0.5 * workers / per_task_s;
  return static_cast<std::size_t>(std::clamp(wanted, 10.0 * workers, 5000.0));
}

std::vector<Size> default_sizes(Workload workload) {
  std::vector<std::string> texts;
  switch (workload) {
    case Workload::noop:
      texts = {"0"};
      break;
    case Workload::cpu:
      texts = {"1us", "10us", "100us", "1ms", "10ms", "100ms"};
      break;
    case Workload::sleep:
      texts = {"1ms", "10ms"};
      break;
    case Workload::alloc:
      texts = {"1MB", "16MB"};
      break;
    case Workload::crash:
      texts = {"1ms"};
      break;
  }
  std::vector<Size> sizes;
  for (const auto& text : texts) sizes.push_back(*parse_size(text));  // known good
  return sizes;
}

namespace {

std::string find_helper_program(const char* variable, const char* name) {
  namespace fs = std::filesystem;
  // Named by the variable: that program or none (the caller's error then names the variable).
  if (const char* env = std::getenv(variable); env && *env)
    return ::access(env, X_OK) == 0 ? std::string(env) : std::string();
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  for (const fs::path& candidate : {self.parent_path() / name, self.parent_path().parent_path() /
                                                                   "libexec" / "procpool" / name}) {
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

}  // namespace

std::string find_worker_program() {
  return find_helper_program("PROCPOOL_BENCH_WORKER", "procpool-bench-worker");
}

std::string find_tbb_program() {
  return find_helper_program("PROCPOOL_BENCH_TBB", "procpool-bench-tbb");
}

}  // namespace procpool::bench
