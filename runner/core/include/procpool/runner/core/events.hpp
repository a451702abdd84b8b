// The typed events a run emits, and the Reporter interface that consumes them. The scheduler
// never formats text; a reporter never touches a process (after nextest's runner/reporter split).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "procpool/runner/core/capture.hpp"
#include "procpool/runner/core/outcome.hpp"
#include "procpool/runner/core/task.hpp"
#include "procpool/runner/core/wall_time.hpp"

namespace procpool {

using SteadyTime = std::chrono::steady_clock::time_point;

// When an event happened: `at` when a reporter in between held the event back and stamped it
// (cli/held_reporters.hpp), else now, as the scheduler tells events as they happen.
inline SteadyTime happened_at(SteadyTime at) {
  return at == SteadyTime{} ? std::chrono::steady_clock::now() : at;
}

// A name and value a test recorded about itself (GoogleTest's RecordProperty), for reports.
struct RecordedProperty {
  std::string name;
  std::string value;
  bool of_suite = false;  // recorded for its whole suite (SetUpTestSuite), not by the test
  bool operator==(const RecordedProperty&) const = default;
};

// Everything known about one finished attempt at a task.
struct AttemptResult {
  Outcome outcome;
  // Shared so a reporter may keep an attempt's output past the event (--keep-order) cheaply.
  std::shared_ptr<const Capture> out = std::make_shared<Capture>();
  std::shared_ptr<const Capture> err = std::make_shared<Capture>();
  WallTime started_at{};  // wall clock, for logs
  std::chrono::nanoseconds duration{0};
  // What starting its process cost: from asking the system for it until it ran the program on
  // its own (Linux: the vfork-style clone until exec; Windows: CreateProcessW and its job). Zero
  // without a process of its own (a batch's later tests: the batch's first carries it).
  std::chrono::nanoseconds start_cost{0};
  // What the attempt cost its process, for planning, where `duration` says less: a batched
  // test's measure plus its even part of the batch's time between tests (gtest measures whole
  // milliseconds, so a batch of fast tests is mostly time no measure covers). Unset: `duration`.
  std::optional<std::chrono::nanoseconds> cost;
  int pid = 0;
  std::vector<RecordedProperty> properties;  // what the test recorded, when it was asked for
  // A GoogleTest attempt: where its verdict's events came from, "stream" (gtest's result stream)
  // or "console" (its console lines, for programs that cannot stream); empty for other tasks.
  std::string events;
  // The command line that actually ran the attempt, when it is not the task's own (a batch of
  // tests runs one command for all of them); empty: the task's.
  std::string command;
};

// The result of an attempt decided without a process (a preset failure, CTest's Not Run, a
// disabled test): `outcome`, `output` as its stdout, started now. The one place such results
// are made.
AttemptResult result_without_process(Outcome outcome, std::string_view output = {});

struct RunStarted {
  std::size_t total_tasks = 0;
  unsigned jobs = 0;
  std::size_t disabled_tasks = 0;  // of total_tasks: listed, never run (known for a task vector)
  // How the tasks are planned to run (known for a task vector): in `batches` processes of
  // several tests each, and the rest each in a process of its own.
  std::size_t batches = 0;
  std::size_t batched_tasks = 0;
  SteadyTime at{};  // see happened_at
};

struct TaskStarted {
  std::size_t index = 0;  // position of the task in the run's task list
  const TaskSpec* spec = nullptr;
  unsigned attempt = 1;  // 1-based
  unsigned slot = 1;     // 1..jobs, never shared by two running tasks
  SteadyTime at{};       // see happened_at
};

struct TaskSlow {
  std::size_t index = 0;
  const TaskSpec* spec = nullptr;
  std::chrono::milliseconds elapsed{0};
};

// A started attempt waits for the cluster to give it resources (Slurm: queued, or no room in the
// allocation yet); its time counts against --timeout all the same.
struct TaskPending {
  std::size_t index = 0;
  const TaskSpec* spec = nullptr;
  std::string reason;  // the cluster's words
};

// An attempt did not give the task its verdict, and the task will run again.
struct TaskRetried {
  enum class Why {
    retry,          // it failed; --retries allows another attempt
    confirm_alone,  // it failed in a batch; it runs alone next to confirm that
    // It failed in a batch and passed alone; it runs again after the tests that ran before it in
    // the batch, to see whether they make it fail (order-dependent) or not (flaky).
    check_order,
    // Its batch's process did not vouch for it (ended badly after it finished, or could not tell
    // its skip from a failure); it runs again.
    rerun,
  };
  std::size_t index = 0;
  const TaskSpec* spec = nullptr;
  unsigned failed_attempt = 1;  // the attempt that did not decide (1-based)
  const AttemptResult* result = nullptr;
  Why why = Why::retry;
  SteadyTime at{};  // see happened_at
  bool counts_as_retry() const { return why == Why::retry; }
};
const char* to_string(TaskRetried::Why why);
// The inverse, for reports read back; nullopt for any other text.
std::optional<TaskRetried::Why> retry_reason_from_string(std::string_view text);

struct TaskFinished {
  std::size_t index = 0;
  const TaskSpec* spec = nullptr;
  unsigned attempts = 0;                  // 0 when it never started
  bool flaky = false;                     // failed at least once, then passed on a retry
  const AttemptResult* result = nullptr;  // the last attempt; never null
  // Failed in a batch, passed alone, and failed again after the tests that ran before it in
  // its batch, named here (in the order they ran): its verdict depends on them.
  bool order_dependent = false;
  const std::vector<std::string>* ran_before = nullptr;  // empty unless order_dependent
  SteadyTime at{};                                       // see happened_at
};

enum class CancelReason { interrupted, terminated, halted };

struct RunCancelled {
  CancelReason reason = CancelReason::interrupted;
  bool immediate = false;  // true: running tasks are killed at once (second Ctrl-C, halt now)
};

struct RunSummary {
  std::size_t total = 0;
  std::size_t passed = 0;
  std::size_t failed = 0;     // failed, signalled, timed out, failed to start
  std::size_t cancelled = 0;  // stopped by a cancel
  std::size_t not_run = 0;    // never started (halt or cancel)
  std::size_t skipped = 0;    // ran and skipped itself
  std::size_t disabled = 0;   // listed as disabled, never started
  std::size_t flaky = 0;
  std::size_t order_dependent = 0;  // passed alone after failing in a batch (also in passed)
  std::size_t retries = 0;          // attempts beyond the first, over all tasks
  std::chrono::nanoseconds wall{0};
  bool cancelled_run = false;
  CancelReason cancel_reason = CancelReason::interrupted;
};

struct RunFinished {
  const RunSummary* summary = nullptr;
  SteadyTime at{};  // see happened_at
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void on_run_started(const RunStarted&) {}
  virtual void on_task_started(const TaskStarted&) {}
  virtual void on_task_slow(const TaskSlow&) {}
  virtual void on_task_pending(const TaskPending&) {}
  virtual void on_task_retried(const TaskRetried&) {}
  virtual void on_task_finished(const TaskFinished&) {}
  virtual void on_run_cancelled(const RunCancelled&) {}
  virtual void on_run_finished(const RunFinished&) {}
};

}  // namespace procpool
