// What the scheduler runs tasks on. The process executor gives each attempt a child process of
// its own; tests use a fake one and the benchmarks swap in thread pools behind the same interface.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/task.hpp"

namespace procpool::schedule {

struct Launch {
  std::size_t index = 0;           // the task's position in the run
  unsigned attempt = 1;            // 1-based
  unsigned slot = 1;               // 1..jobs; no two running attempts share one
  const TaskSpec* spec = nullptr;  // the task, as the source made it and the plan placed it
  // What to start, where an executor above derived it from the task's command (CTest's resource
  // variables, srun's words in front, gtest's filter); null: the task's own.
  const Command* derived = nullptr;
  const Command& command() const { return derived ? *derived : spec->command; }
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

// What an attempt tells whoever started it, as it happens. Only `done` must be heard: every
// other event has a default that ignores it. A decorator (an executor over another) derives
// from ForwardingObserver, overrides what it changes and passes the rest on, so no event is lost
// because a decorator forgot to forward it.
class AttemptObserver {
 public:
  virtual ~AttemptObserver() = default;
  // Once the attempt runs, with a way to stop it early (a test of a batch over its own time).
  // The stop is valid until `done`.
  virtual void started(StopAttempt) {}
  // Its output as it arrives (1 = stdout, 2 = stderr).
  virtual void output(int /*stream*/, std::string_view /*bytes*/) {}
  // Still running after the slow threshold, and at each multiple of it.
  virtual void slow(std::chrono::milliseconds /*running*/) {}
  // It waits for the cluster's resources (`--executor slurm`), and why.
  virtual void pending(const std::string& /*reason*/) {}
  // Exactly once, last.
  virtual void done(AttemptResult result) = 0;
};
using Observer = std::shared_ptr<AttemptObserver>;

class ForwardingObserver : public AttemptObserver {
 public:
  explicit ForwardingObserver(Observer next) : next_(std::move(next)) {}
  void started(StopAttempt stop) override { next_->started(std::move(stop)); }
  void output(int stream, std::string_view bytes) override { next_->output(stream, bytes); }
  void slow(std::chrono::milliseconds running) override { next_->slow(running); }
  void pending(const std::string& reason) override { next_->pending(reason); }
  void done(AttemptResult result) override { next_->done(std::move(result)); }

 protected:
  Observer next_;
};

// An observer made of functions, for callers that are not decorators (the scheduler, tests,
// benchmarks): an empty function ignores its event; `done` must be given.
struct ObserverFunctions {
  std::function<void(AttemptResult)> done;
  std::function<void(StopAttempt)> started;
  std::function<void(int stream, std::string_view bytes)> output;
  std::function<void(std::chrono::milliseconds)> slow;
  std::function<void(const std::string& reason)> pending;
};
Observer observer_of(ObserverFunctions functions);

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

// What a batch's process tells the scheduler: each member's start and result, then the end.
class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  // Its test began.
  virtual void member_started(std::size_t /*member*/) {}
  // At most once each, for the members that started.
  virtual void member_done(std::size_t member, AttemptResult result, BatchEvidence evidence) = 0;
  // The batch's process waits for the cluster's resources, and why.
  virtual void pending(const std::string& /*reason*/) {}
  // Exactly once, last: the members that never started. `alone`: run each on its own next (the
  // batch ended without a test to blame, so batching them again could fail the same way).
  virtual void done(std::vector<std::size_t> not_started, bool alone) = 0;
};

// The capability of running batches: executors that can tell the tests of one process apart.
class BatchRunner {
 public:
  virtual ~BatchRunner() = default;
  virtual void start_batch(const BatchLaunch& launch, std::shared_ptr<BatchObserver> observer) = 0;
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Starts one attempt. The observer hears of it later, on the run's event loop, never inside
  // start().
  virtual void start(const Launch& launch, Observer observer) = 0;
  // Stops every running attempt; each still reports through its `done`, as cancelled.
  virtual void stop_all(StopMode mode) = 0;
  // Batches, where this executor can run them (the scheduler forms batches only then); null
  // where it runs one test per process.
  virtual BatchRunner* batches() { return nullptr; }
};

// An attempt an executor holds back before it starts it (waiting for its turn, for resources).
struct HeldAttempt {
  Launch launch;
  Observer observer;
};

// An attempt that never started (a preset failure, a test CTest would not run, one cancelled
// while it waited) ends with `outcome` (and `output` as its stdout), from the loop: an
// executor's callbacks never run inside start() or stop_all().
void post_unstarted(boost::asio::io_context& io, Observer observer, Outcome outcome,
                    std::string output = {});
// Attempts an executor held back (waiting for resources, for their turn) that a stop ends before
// they started: each ends as cancelled, from the loop.
void post_cancelled(boost::asio::io_context& io, const std::vector<Observer>& waiting);

}  // namespace procpool::schedule
