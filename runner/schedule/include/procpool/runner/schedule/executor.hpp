// What the scheduler runs tasks on. The process executor gives each attempt a child process of
// its own; tests use a fake one and the benchmarks swap in thread pools behind the same interface.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/task.hpp"

namespace procpool::schedule {

struct Launch {
  std::size_t index = 0;  // the task's position in the run
  unsigned attempt = 1;   // 1-based
  unsigned slot = 1;      // 1..jobs; no two running attempts share one
  const TaskSpec* spec = nullptr;
  // How long the attempt (a test of a batch: each test) may run: the task's own timeout, else
  // the run's; none: no limit. Resolved once, by the scheduler.
  std::optional<std::chrono::milliseconds> deadline;
  // Stdout and stderr through one pipe (CTest's way): the result's `out` holds both in the
  // order written, `err` is empty. For executors that start processes; others ignore it.
  bool one_output_pipe = false;
};

enum class StopMode {
  graceful,   // the stop policy: SIGTERM to the group, grace period, SIGKILL
  immediate,  // SIGKILL now
};

// Stops one running attempt (gracefully); its result will say `as` (timed_out, cancelled).
using StopAttempt = std::function<void(OutcomeKind as)>;

struct AttemptCallbacks {
  std::function<void(AttemptResult)> done;              // exactly once
  std::function<void(std::chrono::milliseconds)> slow;  // optional, any number of times
  // Optional: the attempt's output as it arrives (1 = stdout, 2 = stderr).
  std::function<void(int stream, std::string_view bytes)> output;
  // Optional: called once the attempt runs, with a way to stop it early (a test of a batch over
  // its own time). Valid until `done`.
  std::function<void(StopAttempt)> started;
  // Optional: the attempt waits for the cluster's resources (`--executor slurm`), and why.
  std::function<void(std::string reason)> pending;
};

// Several tests of one program run by one process (`--batch`). Each member gets a verdict of its
// own when it ran; those that never started come back to the scheduler to run again.
struct BatchLaunch {
  std::vector<Launch> members;  // in the order the program will run them
  unsigned slot = 1;
  // Tests of the same program to run before the members, for their effect on them only (not
  // judged, not reported): by the names the program knows them by (TaskSpec::batch_member).
  // How the scheduler checks that a failure depends on the order: it runs the test again after
  // the tests that preceded it in its batch.
  std::vector<std::string> run_first;
};

// How far a batch's process vouches for a member's result.
enum class BatchEvidence {
  stands,           // final as far as the batch goes: a pass or skip of a process that ended well
  failed_in_batch,  // its test failed among others: run it alone before believing it
  unvouched,        // its process ended badly, or could not tell a skip from a failure: run it
                    // again; alone, that verdict stands
};

struct BatchCallbacks {
  std::function<void(std::size_t member)> member_started;  // its test began
  // At most once each, for the members that started.
  std::function<void(std::size_t member, AttemptResult, BatchEvidence)> member_done;
  // Exactly once, last: the members that never started. `alone`: run each on its own next (the
  // batch ended without a test to blame, so batching them again could fail the same way).
  std::function<void(std::vector<std::size_t> not_started, bool alone)> done;
  // Optional: the batch's process waits for the cluster's resources, and why.
  std::function<void(std::string reason)> pending;
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Starts one attempt. Callbacks run later, on the run's event loop, never inside start().
  virtual void start(const Launch& launch, AttemptCallbacks callbacks) = 0;
  // Stops every running attempt; each still reports through its `done`, as cancelled.
  virtual void stop_all(StopMode mode) = 0;
  // Runs several tests in one process. Only executors that can tell the tests apart in one
  // process's output support it; the scheduler forms batches only for those.
  virtual bool can_batch() const { return false; }
  virtual void start_batch(const BatchLaunch& launch, BatchCallbacks callbacks);
};

// An attempt that never started (a preset failure, a test CTest would not run, one cancelled
// while it waited) ends with `outcome` (and `output` as its stdout), from the loop: an
// executor's callbacks never run inside start() or stop_all().
void post_unstarted(boost::asio::io_context& io, std::function<void(AttemptResult)> done,
                    Outcome outcome, std::string output = {});

}  // namespace procpool::schedule
