// The plan's batches: which tests share a process, in the program's order, sized to keep every
// job busy (plan/batches.cpp).
#include <algorithm>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "procpool/runner/plan/batches.hpp"
#include "procpool/runner/plan/suite_plan.hpp"

namespace procpool::plan {
namespace {

PlannedTest gtest_case(std::size_t listed, std::optional<double> seconds = std::nullopt,
                       const std::string& binary = "bin", const std::string& suite = "S") {
  TaskSpec task;
  task.test = TestIdentity{binary, suite, "t" + std::to_string(listed)};
  task.name = task.test->full_name();
  task.batch_group = binary;
  task.batch_member = task.test->full_name();
  return {task, listed, seconds};
}

std::vector<std::vector<std::string>> batches_of(const std::vector<TaskSpec>& tasks) {
  std::vector<std::vector<std::string>> out;
  std::uint64_t current = ~0ull;
  for (const auto& task : tasks) {
    if (task.batch == 0 || task.batch != current) out.emplace_back();
    current = task.batch == 0 ? ~0ull : task.batch;
    out.back().push_back(task.test->name);
  }
  return out;
}

TEST(Batches, FixedSizeKeepsTheProgramsOrderInsideEachBatchAndOneAloneIsNoBatch) {
  std::vector<PlannedTest> tests;
  for (std::size_t i : {4, 0, 3, 1, 2}) tests.push_back(gtest_case(i));  // planned order
  std::uint64_t next = 1;
  const auto tasks = form_batches(tests, BatchSize{false, 2}, 2, next);
  EXPECT_EQ(batches_of(tasks),
            (std::vector<std::vector<std::string>>{{"t0", "t1"}, {"t2", "t3"}, {"t4"}}));
  EXPECT_EQ(tasks.back().batch, 0u) << "a batch of one runs alone";
  EXPECT_EQ(next, 3u);
}

TEST(Batches, OnlyTestsOfOneGroupShareABatchAndUngroupedOnesRunAlone) {
  std::vector<PlannedTest> tests{gtest_case(0, {}, "a"), gtest_case(1, {}, "b"),
                                 gtest_case(2, {}, "a"), gtest_case(3, {}, "b"),
                                 gtest_case(4, {}, "")};
  tests[4].task.batch_group.clear();
  std::uint64_t next = 1;
  for (const auto& batch : batches_of(form_batches(tests, BatchSize{false, 10}, 1, next))) {
    if (batch.size() == 2) {
      EXPECT_TRUE((batch == std::vector<std::string>{"t0", "t2"}) ||
                  (batch == std::vector<std::string>{"t1", "t3"}));
    } else {
      EXPECT_EQ(batch, std::vector<std::string>{"t4"});
    }
  }
}

TEST(Batches, NamesWithFilterCharactersAreBatchedLikeAnyOtherAndNamelessOnesRunAlone) {
  std::vector<PlannedTest> tests{gtest_case(0), gtest_case(1), gtest_case(2), gtest_case(3)};
  tests[1].task.test->name = "odd-name:*?";
  tests[1].task.batch_member = "S.odd-name:*?";  // selected with '?' for each
  tests[3].task.batch_member.clear();            // a source that cannot name it in a batch
  std::uint64_t next = 1;
  const auto tasks = form_batches(tests, BatchSize{false, 10}, 1, next);
  for (const auto& task : tasks) {
    EXPECT_EQ(task.batch != 0, !task.batch_member.empty()) << task.test->name;
  }
}

TEST(Batches, AFilterNeverOutgrowsTheArgumentLimit) {
  std::vector<PlannedTest> tests;
  for (std::size_t i = 0; i < 20000; ++i) tests.push_back(gtest_case(i));
  std::uint64_t next = 1;
  const auto tasks = form_batches(tests, BatchSize{false, 20000}, 1, next);
  ASSERT_EQ(tasks.size(), 20000u);
  for (const auto& batch : batches_of(tasks)) {
    std::size_t bytes = 0;
    for (const auto& name : batch) bytes += name.size() + 3;  // "S." and ':'
    EXPECT_LE(bytes, kMaxBatchFilterBytes);
  }
  EXPECT_GT(batches_of(tasks).size(), 1u);
}

TEST(Batches, AutomaticSizingPutsLongTestsAloneAndKeepsEveryJobBusy) {
  std::vector<PlannedTest> tests{gtest_case(0, 30.0)};
  for (std::size_t i = 1; i <= 100; ++i) tests.push_back(gtest_case(i, 0.1));
  std::uint64_t next = 1;
  const auto tasks = form_batches(tests, BatchSize{true, 0}, 2, next);
  const auto batches = batches_of(tasks);
  EXPECT_EQ(batches.front(), std::vector<std::string>{"t0"}) << "the long test alone, first";
  EXPECT_EQ(tasks.front().batch, 0u);
  // 40 s over 2 jobs: batches of ~5 s (4 per job), so the 10 s of short tests make 2 or more.
  EXPECT_GE(batches.size(), 3u);
  for (std::size_t b = 1; b < batches.size(); ++b) EXPECT_LE(batches[b].size(), 51u);
}

TEST(Batches, AutomaticSizingCutsEqualTestsIntoBatchesThatEndTogether) {
  // 500 tests of 1 ms on 2 jobs once made batches of 200, 200 and 100: the third ran after the
  // first while the other job sat idle for a tenth of a second (the whole suite takes 0.25 s).
  std::vector<PlannedTest> tests;
  for (std::size_t i = 0; i < 500; ++i) tests.push_back(gtest_case(i, 0.001));
  std::uint64_t next = 1;
  const auto batches = batches_of(form_batches(tests, BatchSize{true, 0}, 2, next));
  ASSERT_EQ(batches.size() % 2, 0u) << "a number of batches that two jobs share evenly";
  for (const auto& batch : batches) EXPECT_EQ(batch.size(), 500u / batches.size());
}

// googletest's own gtest_unittest, in miniature: its slow death-test suites come first in its
// order and its hundreds of fast tests after. Cut in the program's order, one batch held the
// first death tests and the other the rest, and ended 20-40 ms later on a 0.1 s suite.
TEST(Batches, AutomaticSizingEvensOutSuitesOfUnequalTimeWhateverTheirOrder) {
  std::vector<PlannedTest> tests;
  std::size_t listed = 0;
  for (const auto& [suite, ms] : std::vector<std::pair<std::string, double>>{
           {"D1", 12}, {"D2", 15}, {"D3", 5}, {"D4", 5}, {"D5", 23}, {"D6", 6}}) {
    tests.push_back(gtest_case(listed++, ms / 1000, "bin", suite));
  }
  for (std::size_t i = 0; i < 300; ++i) tests.push_back(gtest_case(listed++, 0.0001, "bin", "S"));
  std::uint64_t next = 1;
  const auto tasks = form_batches(tests, BatchSize{true, 0}, 2, next);
  std::map<std::uint64_t, double> seconds;
  std::map<std::uint64_t, std::set<std::string>> suites;
  for (const auto& task : tasks) {
    for (const auto& test : tests) {
      if (test.task.name == task.name) seconds[task.batch] += *test.seconds;
    }
    suites[task.batch].insert(task.test->suite);
  }
  ASSERT_EQ(seconds.size(), 2u);
  const double a = seconds.begin()->second, b = seconds.rbegin()->second;
  EXPECT_LT(std::max(a, b) / std::min(a, b), 1.1) << a << " s against " << b << " s";
  // Whole suites move (each set-up of a suite once), and inside a batch the program's order.
  EXPECT_EQ(suites.begin()->second.size() + suites.rbegin()->second.size(), 7u);
  auto listed_at = [](const TaskSpec& task) { return std::stoul(task.test->name.substr(1)); };
  for (std::size_t i = 1; i < tasks.size(); ++i) {
    if (tasks[i].batch == tasks[i - 1].batch) {
      EXPECT_LT(listed_at(tasks[i - 1]), listed_at(tasks[i])) << "not in the program's order";
    }
  }
}

TEST(Batches, AutomaticSizingLeavesNoShortBatchAtTheEndOfAGroup) {
  std::vector<PlannedTest> tests;
  for (std::size_t i = 0; i < 1000; ++i) tests.push_back(gtest_case(i, 0.01));  // 10 s
  std::uint64_t next = 1;
  const auto batches = batches_of(form_batches(tests, BatchSize{true, 0}, 2, next));
  ASSERT_EQ(batches.size(), 8u) << "4 per job";
  for (const auto& batch : batches) EXPECT_EQ(batch.size(), 125u);
}

TEST(Batches, AutomaticSizingOfTinyTestsMakesOneBatchPerJobAtLeast) {
  std::vector<PlannedTest> tests;
  for (std::size_t i = 0; i < 400; ++i) tests.push_back(gtest_case(i, 0.0003));
  std::uint64_t next = 1;
  const auto batches = batches_of(form_batches(tests, BatchSize{true, 0}, 2, next));
  EXPECT_EQ(batches.size(), 2u) << "a process costs more than these tests: one batch per job";
}

TEST(Batches, AutomaticSizingOfTestsMeasuredAtZeroSecondsMakesOneBatchPerJob) {
  // gtest reports whole milliseconds, so a fast suite's history says 0 s for every test; this
  // once put every test in a process of its own (30x slower than batches, and silently).
  std::vector<PlannedTest> tests;
  for (std::size_t i = 0; i < 500; ++i) tests.push_back(gtest_case(i, 0.0));
  std::uint64_t next = 1;
  const auto batches = batches_of(form_batches(tests, BatchSize{true, 0}, 2, next));
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].size() + batches[1].size(), 500u);
}

TEST(Batches, AutomaticSizingWithoutHistoryMakesTwoBatchesPerJob) {
  std::vector<PlannedTest> tests;
  for (std::size_t i = 0; i < 100; ++i) tests.push_back(gtest_case(i));
  std::uint64_t next = 1;
  EXPECT_EQ(batches_of(form_batches(tests, BatchSize{true, 0}, 2, next)).size(), 4u);
}

TEST(Batches, ARepeatedPlanNeverPutsOneTestTwiceInABatch) {
  TestPlanRequest request;
  for (std::size_t i = 0; i < 6; ++i) request.tests.push_back(gtest_case(i).task);
  request.repeat = 3;
  request.batch = BatchSize{false, 100};
  const auto plan = plan_tests(request);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->tasks.size(), 18u);
  std::map<std::uint64_t, std::set<std::string>> members;
  for (const auto& task : plan->tasks) {
    EXPECT_TRUE(members[task.batch].insert(task.name).second) << task.name << " twice";
  }
  EXPECT_EQ(members.size(), 3u);
}

}  // namespace
}  // namespace procpool::plan
