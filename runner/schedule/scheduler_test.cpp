// The scheduling loop against a fake executor: the test decides when and how each attempt ends.
#include "procpool/runner/schedule/scheduler.hpp"

#include "scheduler_fakes.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <gtest/gtest.h>

namespace procpool::schedule {
namespace {

using namespace fakes;

using Harness = HarnessOn<FakeExecutor>;

SchedulerConfig with_halt(const std::string& halt) {
  SchedulerConfig config{.jobs = 2};
  config.halt = HaltPolicy::parse(halt).value();
  return config;
}

TEST(Scheduler, StartsInOrderUpToTheJobLimitAndRefillsFreedSlots) {
  Harness h({.jobs = 2});
  h.start(4);
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{0, 1}));
  h.executor.finish(1, Outcome::exited(0));
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(h.executor.running.back().launch.slot, 2u) << "task 2 takes the slot task 1 freed";
  h.executor.finish(0, Outcome::exited(0));
  h.executor.finish(2, Outcome::exited(0));
  h.executor.finish(3, Outcome::exited(1));
  EXPECT_TRUE(h.finished);
  EXPECT_EQ(h.summary.passed, 3u);
  EXPECT_EQ(h.summary.failed, 1u);
}

TEST(Scheduler, NeverGivesOneSlotToTwoRunningAttempts) {
  Harness h({.jobs = 3});
  h.start(30);
  for (int step = 0; step < 30; ++step) {
    std::set<unsigned> slots;
    for (const auto& r : h.executor.running) {
      EXPECT_TRUE(slots.insert(r.launch.slot).second) << "slot shared at step " << step;
      EXPECT_GE(r.launch.slot, 1u);
      EXPECT_LE(r.launch.slot, 3u);
    }
    EXPECT_LE(h.executor.running.size(), 3u);
    // Finish them in a scrambled order.
    const auto& victim = h.executor.running[step % h.executor.running.size()];
    h.executor.finish(victim.launch.index, Outcome::exited(0));
  }
  EXPECT_TRUE(h.finished);
}

TEST(Scheduler, RetriesAFailureAtOnceAndCallsALatePassFlaky) {
  Harness h({.jobs = 1, .retries = 2});
  h.start(2);
  h.executor.finish(0, Outcome::exited(1));
  h.executor.finish(0, Outcome::killed_by(11));
  h.executor.finish(0, Outcome::exited(0));
  h.executor.finish(1, Outcome::exited(0));
  EXPECT_EQ(h.recorder.log, (std::vector<std::string>{
                                "start 0 slot 1 attempt 1", "retry 0", "start 0 slot 1 attempt 2",
                                "retry 0", "start 0 slot 1 attempt 3", "finish 0 passed flaky",
                                "start 1 slot 1 attempt 1", "finish 1 passed", "run finished"}));
  EXPECT_EQ(h.summary.flaky, 1u);
  EXPECT_EQ(h.summary.retries, 2u);
}

TEST(Scheduler, DoesNotRetryAProgramThatCannotStart) {
  Harness h({.jobs = 1, .retries = 3});
  h.start(1);
  h.executor.finish(0, Outcome::start_failure("No such file or directory: x"));
  EXPECT_EQ(h.executor.started, 1);
  EXPECT_EQ(h.summary.failed, 1u);
}

TEST(Scheduler, HaltSoonLetsRunningTasksFinishAndStartsNoMore) {
  Harness h(with_halt("soon,fail=1"));
  h.start(5);
  h.executor.finish(0, Outcome::exited(2));
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{1}));
  EXPECT_TRUE(h.executor.stops.empty());
  h.executor.finish(1, Outcome::exited(0));
  EXPECT_TRUE(h.finished);
  EXPECT_EQ(h.summary.not_run, 3u);
  EXPECT_EQ(h.summary.passed, 1u);
}

TEST(Scheduler, HaltNowStopsTheRunningTasks) {
  Harness h(with_halt("now,fail=1"));
  h.start(3);
  h.executor.finish(0, Outcome::exited(2));
  EXPECT_EQ(h.executor.stops, (std::vector<StopMode>{StopMode::graceful}));
  Outcome cancelled;
  cancelled.kind = OutcomeKind::cancelled;
  h.executor.finish(1, cancelled);
  EXPECT_TRUE(h.finished);
  EXPECT_EQ(h.summary.cancelled, 1u);
  EXPECT_EQ(h.summary.not_run, 1u);
}

TEST(Scheduler, CancelStopsGracefullyThenEscalates) {
  Harness h({.jobs = 2});
  h.start(3);
  h.scheduler.cancel(CancelReason::interrupted, false);
  h.scheduler.cancel(CancelReason::interrupted, true);
  EXPECT_EQ(h.executor.stops, (std::vector<StopMode>{StopMode::graceful, StopMode::immediate}));
  EXPECT_FALSE(h.finished) << "the run ends only when its attempts have reported back";
  Outcome cancelled;
  cancelled.kind = OutcomeKind::cancelled;
  h.executor.finish(0, cancelled);
  h.executor.finish(1, cancelled);
  EXPECT_TRUE(h.finished);
  EXPECT_TRUE(h.summary.cancelled_run);
  EXPECT_EQ(h.summary.not_run, 1u);
  EXPECT_EQ(h.recorder.log.back(), "run finished");
}

TEST(Scheduler, TasksSharingAResourceLockNeverRunTogether) {
  std::vector<TaskSpec> specs = tasks(3);
  specs[0].resource_locks = {"db"};
  specs[1].resource_locks = {"db"};
  FakeExecutor executor;
  Scheduler scheduler(executor, {.jobs = 3}, {});
  scheduler.start(specs, nullptr);
  EXPECT_EQ(executor.running_indices(), (std::vector<std::size_t>{0, 2})) << "1 waits for db";
  executor.finish(0, Outcome::exited(0));
  EXPECT_EQ(executor.running_indices(), (std::vector<std::size_t>{2, 1}));
}

TEST(Scheduler, ARunSerialTaskRunsAlone) {
  std::vector<TaskSpec> specs = tasks(4);
  specs[1].run_serial = true;
  FakeExecutor executor;
  Scheduler scheduler(executor, {.jobs = 3}, {});
  scheduler.start(specs, nullptr);
  EXPECT_EQ(executor.running_indices(), (std::vector<std::size_t>{0}))
      << "1 waits, 2 and 3 behind it";
  executor.finish(0, Outcome::exited(0));
  EXPECT_EQ(executor.running_indices(), (std::vector<std::size_t>{1}));
  executor.finish(1, Outcome::exited(0));
  EXPECT_EQ(executor.running_indices(), (std::vector<std::size_t>{2, 3}));
}

TEST(Scheduler, AnEmptyRunFinishesAtOnce) {
  Harness h({.jobs = 2});
  h.start(0);
  EXPECT_TRUE(h.finished);
  EXPECT_EQ(h.summary.total, 0u);
}

// Counts the specs alive between get() and release().
class CountingTasks final : public TaskList {
 public:
  explicit CountingTasks(std::size_t count) : count_(count) {}
  std::size_t size() const override { return count_; }
  const TaskSpec& get(std::size_t index) override {
    auto [it, made] = live.try_emplace(index);
    if (made) it->second.name = "t" + std::to_string(index);
    most = std::max(most, live.size());
    return it->second;
  }
  void release(std::size_t index) override { live.erase(index); }
  std::map<std::size_t, TaskSpec> live;
  std::size_t most = 0;

 private:
  std::size_t count_;
};

TEST(Scheduler, TasksOfALongQueueExistOnlyWhileTheyRunAndAreReported) {
  FakeExecutor executor;
  Recorder recorder;
  Scheduler scheduler(executor, {.jobs = 2}, {&recorder});
  auto list = std::make_unique<CountingTasks>(100000);
  CountingTasks* tasks = list.get();
  bool finished = false;
  scheduler.start(std::move(list), [&](const RunSummary&) { finished = true; });
  for (int done = 0; done < 1000; ++done) {
    const auto& front = executor.running.front().launch;
    EXPECT_EQ(front.spec->name, "t" + std::to_string(front.index));
    executor.finish(front.index, Outcome::exited(0));
  }
  EXPECT_LE(tasks->most, 3u) << "the running ones and the one being reported, never the queue";
  scheduler.cancel(CancelReason::interrupted, true);
  while (!executor.running.empty()) {
    executor.finish(executor.running.front().launch.index, Outcome{OutcomeKind::cancelled});
  }
  EXPECT_TRUE(finished);
  EXPECT_TRUE(tasks->live.empty()) << "every task released once reported";
  EXPECT_LE(tasks->most, 3u);
}

// Dependencies and PROCESSORS (CTest's DEPENDS, fixtures and PROCESSORS).

TEST(SchedulerDependencies, ADependantWaitsAndOthersTakeTheSlotMeanwhile) {
  Harness h({.jobs = 2});
  auto specs = tasks(3);
  specs[0].after = {"t1"};  // first in the queue, but waits for t1
  h.start(specs);
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{1, 2}));
  h.executor.finish(2, Outcome::exited(0));
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{1})) << "t0 still waits";
  h.executor.finish(1, Outcome::exited(1));  // a plain dependency may fail: order only
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{0}));
  h.executor.finish(0, Outcome::exited(0));
  EXPECT_TRUE(h.finished);
  EXPECT_EQ(h.summary.passed, 2u);
}

TEST(SchedulerDependencies, AFailedRequiredTaskMakesItsDependantsNotRunInCascade) {
  Harness h({.jobs = 2});
  auto specs = tasks(4);
  specs[1].after = specs[1].after_passing = {"t0"};
  specs[2].after = specs[2].after_passing = {"t1"};
  specs[3].after = {"t0"};  // order only: runs anyway
  h.start(specs);
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{0}));
  h.executor.finish(0, Outcome::exited(1));
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{3}));
  h.executor.finish(3, Outcome::exited(0));
  EXPECT_TRUE(h.finished);
  EXPECT_EQ(h.executor.started, 2) << "t1 and t2 never started";
  EXPECT_NE(std::find(h.recorder.log.begin(), h.recorder.log.end(), "finish 1 not_run"),
            h.recorder.log.end());
  EXPECT_NE(std::find(h.recorder.log.begin(), h.recorder.log.end(), "finish 2 not_run"),
            h.recorder.log.end());
  EXPECT_EQ(h.summary.failed, 3u) << "a Not Run counts as failed, as in ctest";
}

TEST(SchedulerDependencies, ASkippedRequiredTaskIsNotAFailure) {
  Harness h({.jobs = 1});
  auto specs = tasks(2);
  specs[1].after = specs[1].after_passing = {"t0"};
  h.start(specs);
  Outcome skipped;
  skipped.kind = OutcomeKind::skipped;
  h.executor.finish(0, skipped);
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{1}));
  h.executor.finish(1, Outcome::exited(0));
  EXPECT_TRUE(h.finished);
}

TEST(SchedulerDependencies, ARetriedPrerequisiteReleasesOnlyAtItsFinalVerdict) {
  Harness h({.jobs = 2, .retries = 1});
  auto specs = tasks(2);
  specs[1].after = specs[1].after_passing = {"t0"};
  h.start(specs);
  h.executor.finish(0, Outcome::exited(1));
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{0})) << "the retry, alone";
  h.executor.finish(0, Outcome::exited(0));
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{1})) << "flaky is a pass";
  h.executor.finish(1, Outcome::exited(0));
  EXPECT_TRUE(h.finished);
}

TEST(SchedulerDependencies, CyclesAreFoundAndNamed) {
  auto specs = tasks(4);
  specs[0].after = {"t1"};
  specs[1].after = {"t2", "unknown"};
  EXPECT_TRUE(find_dependency_cycle(specs).empty());
  specs[2].after = {"t0"};
  EXPECT_EQ(find_dependency_cycle(specs), (std::vector<std::string>{"t0", "t1", "t2", "t0"}));
}

TEST(SchedulerProcessors, ATaskTakesAsManySlotsAsItsProcessors) {
  Harness h({.jobs = 3});
  auto specs = tasks(4);
  specs[1].processors = 2;
  specs[2].processors = 9;  // more than -j: it runs with nothing beside it
  h.start(specs);
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{0, 1}));
  h.executor.finish(0, Outcome::exited(0));
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{1, 3}))
      << "t2 needs every slot; t3 fits beside t1";
  h.executor.finish(1, Outcome::exited(0));
  h.executor.finish(3, Outcome::exited(0));
  EXPECT_EQ(h.executor.running_indices(), (std::vector<std::size_t>{2}));
  h.executor.finish(2, Outcome::exited(0));
  EXPECT_TRUE(h.finished);
}

// A task list that counts how often the scheduler looks at a task.
class LookCountingTasks final : public TaskList {
 public:
  explicit LookCountingTasks(std::vector<TaskSpec> tasks, std::size_t& looks)
      : tasks_(std::move(tasks)), looks_(looks) {}
  std::size_t size() const override { return tasks_.size(); }
  const TaskSpec& get(std::size_t index) override {
    ++looks_;
    return tasks_[index];
  }
  void release(std::size_t) override {}
  const std::vector<TaskSpec>* all() const override { return &tasks_; }

 private:
  std::vector<TaskSpec> tasks_;
  std::size_t& looks_;
};

// Tasks held by a lock or by their prerequisites are not looked at again at every refill: the
// work of a run stays proportional to its tasks (it was quadratic: 2,000 tasks on one lock took
// two million looks).
TEST(Scheduler, RefillsDoNotRescanTasksThatWait) {
  for (const bool by_lock : {true, false}) {
    const std::size_t n = 2000;
    std::vector<TaskSpec> specs = tasks(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (by_lock) {
        specs[i].resource_locks = {"db"};
      } else if (i > 0) {
        specs[i].after = {"t0"};  // all wait for the first
      }
    }
    std::size_t looks = 0;
    FakeExecutor executor;
    Scheduler scheduler(executor, {.jobs = 2}, {});
    bool finished = false;
    scheduler.start(std::make_unique<LookCountingTasks>(std::move(specs), looks),
                    [&](const RunSummary&) { finished = true; });
    while (!executor.running.empty()) {
      executor.finish(executor.running.front().launch.index, Outcome::exited(0));
    }
    EXPECT_TRUE(finished);
    EXPECT_LT(looks, 40 * n) << (by_lock ? "a lock" : "prerequisites") << ": " << looks
                             << " looks for " << n << " tasks";
  }
}

}  // namespace
}  // namespace procpool::schedule
