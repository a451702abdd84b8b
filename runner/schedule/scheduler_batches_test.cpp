// The scheduler's batches on a fake executor: how far a batch vouches for its members decides
// what runs next (reruns, confirmations alone, checks against the order).
#include <algorithm>

#include <gtest/gtest.h>

#include "procpool/runner/schedule/scheduler.hpp"
#include "scheduler_fakes.hpp"

namespace procpool::schedule {
namespace {

using namespace fakes;

std::vector<TaskSpec> one_program(int n, std::uint64_t batch) {
  auto specs = tasks(n);
  for (auto& spec : specs) {
    spec.batch_group = "program";
    spec.batch_member = spec.name;
    spec.batch = batch;
  }
  return specs;
}

using BatchHarness = HarnessOn<FakeBatchExecutor>;

using P = OutcomeKind;
using E = BatchEvidence;

TEST(SchedulerBatches, UnvouchedMembersRunAgainInABatchOfTheirOwnWhenATestWasBlamed) {
  BatchHarness h(1);
  h.start(one_program(4, 7));
  ASSERT_EQ(h.executor.running_batches.size(), 1u);
  // t0 passed, then t1 crashed the process: t0 is not vouched for, t2 and t3 never started.
  h.executor.end_batch({{0, {P::passed, E::unvouched}}, {1, {P::signalled, E::failed_in_batch}}});
  // Then: t0 in a batch of its own, t2 and t3 in theirs, and t1 alone to confirm its crash.
  std::vector<std::vector<std::size_t>> batches;
  std::vector<std::size_t> singles;
  while (!h.executor.running_batches.empty() || !h.executor.singles.empty()) {
    if (!h.executor.singles.empty()) {
      singles.push_back(h.executor.singles.front().first.index);
      h.executor.end_single(P::signalled);
      continue;
    }
    const auto members = h.executor.indices(h.executor.running_batches.front().launch);
    batches.push_back(members);
    std::vector<std::pair<std::size_t, std::pair<OutcomeKind, BatchEvidence>>> all;
    for (std::size_t m = 0; m < members.size(); ++m) all.push_back({m, {P::passed, E::stands}});
    h.executor.end_batch(all);
  }
  EXPECT_EQ(batches, (std::vector<std::vector<std::size_t>>{{0}, {2, 3}}))
      << "the tests it did not vouch for apart from those that never started";
  EXPECT_EQ(singles, (std::vector<std::size_t>{1}));
  ASSERT_TRUE(h.finished);
  EXPECT_EQ(h.summary.passed, 3u);
  EXPECT_EQ(h.summary.failed, 1u);
  EXPECT_EQ(h.summary.retries, 0u) << "none of these was a retry";
}

TEST(SchedulerBatches, UnvouchedMembersRunAloneWhenNoTestWasBlamed) {
  BatchHarness h(1);
  h.start(one_program(2, 7));
  // Both passed, then the program crashed in its tear-down: nothing to blame.
  h.executor.end_batch({{0, {P::passed, E::unvouched}}, {1, {P::passed, E::unvouched}}},
                       /*alone=*/true);
  EXPECT_TRUE(h.executor.running_batches.empty());
  ASSERT_EQ(h.executor.singles.size(), 1u);
  h.executor.end_single(P::signalled);
  h.executor.end_single(P::signalled);
  ASSERT_TRUE(h.finished);
  EXPECT_EQ(h.summary.failed, 2u) << "alone, each gets its own verdict";
  EXPECT_EQ(h.summary.order_dependent, 0u);
}

TEST(SchedulerBatches, APassAloneIsCheckedAfterTheSameTestsWithNoOtherProcessOfItsProgram) {
  BatchHarness h(2);
  auto specs = one_program(4, 7);
  specs[2].batch = specs[3].batch = 8;  // a second batch of the same program
  h.start(std::move(specs));
  ASSERT_EQ(h.executor.running_batches.size(), 2u);
  // In the first batch, t1 fails after t0.
  h.executor.end_batch({{0, {P::passed, E::stands}}, {1, {P::failed, E::failed_in_batch}}});
  ASSERT_EQ(h.executor.singles.size(), 1u);
  h.executor.end_single(P::passed);  // alone it passes
  // The check waits while the second batch of its program runs.
  ASSERT_EQ(h.executor.running_batches.size(), 1u);
  EXPECT_EQ(h.executor.indices(h.executor.running_batches.front().launch),
            (std::vector<std::size_t>{2, 3}));
  h.executor.end_batch({{0, {P::passed, E::stands}}, {1, {P::passed, E::stands}}});
  ASSERT_EQ(h.executor.running_batches.size(), 1u);
  const BatchLaunch& check = h.executor.running_batches.front().launch;
  EXPECT_EQ(h.executor.indices(check), (std::vector<std::size_t>{1}));
  EXPECT_EQ(check.run_first, (std::vector<std::string>{"t0"}));
  h.executor.end_batch({{0, {P::failed, E::failed_in_batch}}});  // fails again after t0
  ASSERT_TRUE(h.finished);
  EXPECT_EQ(h.summary.order_dependent, 1u);
  EXPECT_EQ(h.summary.flaky, 0u);
  EXPECT_EQ(h.summary.passed, 4u);
}

TEST(SchedulerBatches, APassAloneThatPassesAgainAfterTheSameTestsIsFlaky) {
  BatchHarness h(1);
  h.start(one_program(2, 7));
  h.executor.end_batch({{0, {P::passed, E::stands}}, {1, {P::failed, E::failed_in_batch}}});
  h.executor.end_single(P::passed);
  ASSERT_EQ(h.executor.running_batches.size(), 1u);
  h.executor.end_batch({{0, {P::passed, E::stands}}});
  ASSERT_TRUE(h.finished);
  EXPECT_EQ(h.summary.order_dependent, 0u);
  EXPECT_EQ(h.summary.flaky, 1u);
}

TEST(SchedulerBatches, WhileACheckWaitsNoNewProcessOfItsProgramStarts) {
  BatchHarness h(2);
  auto specs = one_program(6, 7);
  specs[2].batch = specs[3].batch = 8;
  specs[4].batch = specs[5].batch = 9;
  h.start(std::move(specs));
  ASSERT_EQ(h.executor.running_batches.size(), 2u);  // batches 7 and 8; 9 waits for a slot
  h.executor.end_batch({{0, {P::passed, E::stands}}, {1, {P::failed, E::failed_in_batch}}});
  // The slot went to t1's confirmation, not to batch 9.
  ASSERT_EQ(h.executor.singles.size(), 1u);
  h.executor.end_single(P::passed);
  // Now the check waits for batch 8, and batch 9 may not start meanwhile.
  ASSERT_EQ(h.executor.running_batches.size(), 1u);
  h.executor.end_batch({{0, {P::passed, E::stands}}, {1, {P::passed, E::stands}}});
  ASSERT_EQ(h.executor.running_batches.size(), 1u);
  EXPECT_EQ(h.executor.indices(h.executor.running_batches.front().launch),
            (std::vector<std::size_t>{1}))
      << "the check runs before batch 9, alone with its program";
  h.executor.end_batch({{0, {P::passed, E::stands}}});
  ASSERT_EQ(h.executor.running_batches.size(), 1u);
  EXPECT_EQ(h.executor.indices(h.executor.running_batches.front().launch),
            (std::vector<std::size_t>{4, 5}));
}

}  // namespace
}  // namespace procpool::schedule
