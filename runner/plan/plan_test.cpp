#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "procpool/runner/core/wall_time.hpp"
#include "procpool/runner/plan/history.hpp"
#include "procpool/runner/plan/partition.hpp"
#include "procpool/runner/plan/suite_plan.hpp"
#include "test_support.hpp"

namespace procpool::plan {
namespace {

std::vector<std::string> ids(int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back("bin::Suite.Test" + std::to_string(i));
  return v;
}

TEST(Shard, ParsesKOverN) {
  auto shard = Shard::parse("2/3");
  ASSERT_TRUE(shard);
  EXPECT_EQ(shard->index, 2u);
  EXPECT_EQ(shard->total, 3u);
  for (const char* bad : {"0/3", "4/3", "1/0", "a/b", "2", "1/2/3", ""}) {
    const auto parsed = Shard::parse(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().find("--shard"), std::string::npos);
  }
}

void expect_exact_partition(const std::vector<std::string>& all,
                            const std::vector<std::optional<double>>& seconds, std::size_t n) {
  std::multiset<std::size_t> seen;
  for (std::size_t k = 1; k <= n; ++k) {
    for (std::size_t i : select_shard(all, seconds, {k, n})) seen.insert(i);
  }
  ASSERT_EQ(seen.size(), all.size()) << "every test exactly once";
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(seen.count(i), 1u) << i;
}

TEST(Shard, WithoutHistoryEveryTestLandsInExactlyOneShard) {
  const auto all = ids(101);
  expect_exact_partition(all, std::vector<std::optional<double>>(all.size()), 4);
}

TEST(Shard, WithHistoryEveryTestLandsInExactlyOneShardAndShardsBalance) {
  const auto all = ids(40);
  std::vector<std::optional<double>> seconds(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i % 7 != 0) seconds[i] = i == 1 ? 30.0 : 0.5 + (i % 5);  // one giant, some unknown
  }
  expect_exact_partition(all, seconds, 3);
  double mean = 0;
  int known = 0;
  for (auto& s : seconds)
    if (s) mean += *s, ++known;
  mean /= known;
  std::vector<double> totals;
  for (std::size_t k = 1; k <= 3; ++k) {
    double total = 0;
    for (std::size_t i : select_shard(all, seconds, {k, 3})) total += seconds[i].value_or(mean);
    totals.push_back(total);
  }
  const double spread = *std::max_element(totals.begin(), totals.end()) -
                        *std::min_element(totals.begin(), totals.end());
  EXPECT_LE(spread, 6.0) << "greedy packing keeps shards within one test's length";
}

TEST(Shard, HashingIsStable) {
  // Fixed values: a change here breaks every CI matrix that relies on the partition.
  EXPECT_EQ(stable_hash(""), 14695981039346656037ull);
  EXPECT_EQ(stable_hash("a"), 0xaf63dc4c8601ec8cull);
}

TEST(LongestFirst, UnknownTestsFirstThenByDurationDescending) {
  const std::vector<std::optional<double>> seconds{2.0, std::nullopt, 9.0, 0.1, std::nullopt};
  EXPECT_EQ(longest_first(seconds), (std::vector<std::size_t>{1, 4, 2, 0, 3}));
}

TEST(LongestFirst, WithoutHistoryTheHigherCostStartsFirst) {
  const std::vector<std::optional<double>> seconds{std::nullopt, std::nullopt, 5.0, std::nullopt};
  EXPECT_EQ(longest_first(seconds, {0, 7, 0, 3}), (std::vector<std::size_t>{1, 3, 0, 2}))
      << "COST orders the tests without history; measured ones follow";
}

TEST(History, RoundTripsAndSurvivesCorruptOrForeignFiles) {
  testing::TempDir dir;
  const std::string path = dir.file("sub/history.json");
  auto empty = DurationHistory::load(path);
  ASSERT_TRUE(empty) << "a missing file is an empty history, not a problem";
  EXPECT_TRUE(empty->empty());

  DurationHistory history;
  history.record("bin::S.T", {1.5, "passed"});
  EXPECT_TRUE(history.save(path));
  auto loaded = DurationHistory::load(path);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->seconds("bin::S.T"), 1.5);
  EXPECT_EQ(loaded->find("bin::S.T")->last_outcome, "passed");

  testing::write_file(path, "{not json");
  auto corrupt = DurationHistory::load(path);
  ASSERT_FALSE(corrupt);
  EXPECT_NE(corrupt.error().find("not valid JSON"), std::string::npos);
  testing::write_file(path, R"({"tests": [1, 2]})");
  auto foreign = DurationHistory::load(path);
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().find("not a procpool history"), std::string::npos);
}

TEST(History, IdUsesTheBinaryFileName) {
  EXPECT_EQ(history_id({"/a/b/unit_tests", "Suite", "Case/1"}), "unit_tests::Suite.Case/1");
}

TaskSpec test_task(const std::string& name) {
  TaskSpec task;
  task.test = TestIdentity{"/build/unit", "S", name};
  task.name = "S." + name;
  return task;
}

std::vector<std::string> names_of(const std::vector<TaskSpec>& tasks) {
  std::vector<std::string> names;
  for (const auto& t : tasks) names.push_back(t.name);
  return names;
}

TEST(TestPlan, AlwaysEntriesFirstThenLongestFirstRepeated) {
  testing::TempDir dir;
  DurationHistory history;
  history.record("unit::S.Short", {0.1, "passed"});
  history.record("unit::S.Long", {3.0, "passed"});
  ASSERT_TRUE(history.save(dir.file("h.json")));
  TestPlanRequest request;
  request.tests = {test_task("Short"), test_task("New"), test_task("Long")};
  TaskSpec broken;
  broken.name = "unit --gtest_list_tests";
  request.always = {broken};
  request.history_path = dir.file("h.json");
  request.repeat = 2;
  auto plan = plan_tests(request);
  ASSERT_TRUE(plan) << plan.error();
  EXPECT_EQ(names_of(plan->tasks),
            (std::vector<std::string>{"unit --gtest_list_tests", "S.New", "S.Long", "S.Short",
                                      "S.New", "S.Long", "S.Short"}));
  EXPECT_TRUE(plan->warnings.empty());
  EXPECT_EQ(plan->history.seconds("unit::S.Long"), 3.0);
}

TEST(TestPlan, AShardTakesTheCompanionsOfItsTestsButSelectsOnlyItsOwn) {
  TestPlanRequest request;
  for (int i = 0; i < 12; ++i) request.tests.push_back(test_task("T" + std::to_string(i)));
  request.tests.push_back(test_task("Setup"));
  request.tests.back().helper = true;
  for (auto& task : request.tests) {
    if (!task.helper) task.companions = {"S.Setup"};
  }
  std::size_t owners = 0;
  for (int k = 1; k <= 3; ++k) {
    request.shard = std::to_string(k) + "/3";
    auto plan = plan_tests(request);
    ASSERT_TRUE(plan) << plan.error();
    const auto names = names_of(plan->tasks);
    EXPECT_NE(std::find(names.begin(), names.end(), "S.Setup"), names.end()) << "shard " << k;
    owners += std::count(plan->selected.begin(), plan->selected.end(), "unit::S.Setup");
  }
  EXPECT_EQ(owners, 1u) << "one shard owns it; the others run it for their tests";
}

TEST(TestPlan, CountPartitionsRoundRobinInListedOrderAsNextestDoes) {
  TestPlanRequest request;
  for (int i = 0; i < 7; ++i) request.tests.push_back(test_task("T" + std::to_string(i)));
  request.shard = "2/3";
  request.shard_by = ShardBy::count;
  auto plan = plan_tests(request);
  ASSERT_TRUE(plan) << plan.error();
  EXPECT_EQ(plan->selected, (std::vector<std::string>{"unit::S.T1", "unit::S.T4"}));
  EXPECT_EQ(plan->shard_method, "count");
}

TEST(TestPlan, ScheduleRandomShufflesTheStartOrder) {
  TestPlanRequest request;
  for (int i = 0; i < 40; ++i) request.tests.push_back(test_task("T" + std::to_string(i)));
  request.shuffle = true;
  auto first = plan_tests(request);
  auto second = plan_tests(request);
  ASSERT_TRUE(first && second);
  auto a = names_of(first->tasks), b = names_of(second->tasks);
  EXPECT_NE(a, b) << "two random orders of 40 tests (equal with odds 1 in 40!)";
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b) << "the same tests, once each";
}

TEST(TestPlan, ShardsSplitTheTestsButEveryShardKeepsTheAlwaysEntries) {
  TestPlanRequest request;
  for (int i = 0; i < 30; ++i) request.tests.push_back(test_task("T" + std::to_string(i)));
  TaskSpec broken;
  broken.name = "broken";
  request.always = {broken};
  std::multiset<std::string> seen;
  for (const char* shard : {"1/3", "2/3", "3/3"}) {
    request.shard = shard;
    auto plan = plan_tests(request);
    ASSERT_TRUE(plan) << plan.error();
    EXPECT_EQ(plan->tasks.front().name, "broken");
    for (std::size_t i = 1; i < plan->tasks.size(); ++i) seen.insert(plan->tasks[i].name);
  }
  EXPECT_EQ(seen.size(), 30u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 30u) << "each test once";
}

TEST(TestPlan, GtestVariablesChooseTheShardUnlessTheFlagDoes) {
  EXPECT_EQ(choose_shard("", GtestShardVariables{"4", "0"})->index, 1u) << "0-based to 1-based";
  EXPECT_EQ(choose_shard("", GtestShardVariables{"4", "3"})->total, 4u);
  EXPECT_EQ(choose_shard("2/5", GtestShardVariables{"4", "0"})->index, 2u);
  EXPECT_EQ(choose_shard("", std::nullopt)->total, 1u);
  const auto bad = choose_shard("", GtestShardVariables{"4", "9"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("GTEST_SHARD_INDEX=9"), std::string::npos);
  for (const char* garbage : {"x", "", "1x", "-1", " 1"}) {
    const auto shard = choose_shard("", GtestShardVariables{"4", garbage});
    EXPECT_FALSE(shard) << "'" << garbage << "' is no shard index, not shard 1";
  }
}

TEST(TestPlan, ShardAutoReadsEachCisVariablesWithItsOwnCounting) {
  auto shard = [](CiVariables ci) { return choose_shard("auto", std::nullopt, ci); };
  const auto gitlab = shard({{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "4"}});
  ASSERT_TRUE(gitlab) << gitlab.error();
  EXPECT_EQ(gitlab->index, 1u) << "GitLab counts from 1";
  EXPECT_EQ(gitlab->total, 4u);
  const auto buildkite =
      shard({{"BUILDKITE_PARALLEL_JOB", "0"}, {"BUILDKITE_PARALLEL_JOB_COUNT", "3"}});
  ASSERT_TRUE(buildkite);
  EXPECT_EQ(buildkite->index, 1u) << "Buildkite counts from 0";
  const auto circle = shard({{"CIRCLE_NODE_INDEX", "2"}, {"CIRCLE_NODE_TOTAL", "3"}});
  ASSERT_TRUE(circle);
  EXPECT_EQ(circle->index, 3u) << "CircleCI counts from 0";
  const auto gtest = shard({{"GTEST_SHARD_INDEX", "1"}, {"GTEST_TOTAL_SHARDS", "2"}});
  ASSERT_TRUE(gtest);
  EXPECT_EQ(gtest->index, 2u);
  const auto none = shard({});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->total, 1u) << "no CI parallelism: the whole suite";

  EXPECT_FALSE(shard({{"CI_NODE_INDEX", "0"}, {"CI_NODE_TOTAL", "4"}})) << "GitLab has no 0";
  EXPECT_FALSE(shard({{"CI_NODE_INDEX", "5"}, {"CI_NODE_TOTAL", "4"}}));
  const auto half = shard({{"CI_NODE_INDEX", "2"}});
  ASSERT_FALSE(half);
  EXPECT_NE(half.error().find("CI_NODE_TOTAL"), std::string::npos) << half.error();
  const auto bad = shard({{"CIRCLE_NODE_INDEX", "x"}, {"CIRCLE_NODE_TOTAL", "3"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("CIRCLE_NODE_INDEX=x"), std::string::npos) << bad.error();
}

TEST(TestPlan, APlanRecordsItsShardMethodSelectionAndSuite) {
  TestPlanRequest request;
  for (int i = 0; i < 20; ++i) request.tests.push_back(test_task("T" + std::to_string(i)));
  request.shard = "2/3";
  const auto plan = plan_tests(request);
  ASSERT_TRUE(plan) << plan.error();
  EXPECT_EQ(plan->shard.index, 2u);
  EXPECT_EQ(plan->shard_method, "hash") << "no history";
  EXPECT_EQ(plan->suite_tests, 20u);
  EXPECT_EQ(plan->selected.size(), plan->tasks.size());
  request.shard = "3/3";
  const auto other = plan_tests(request);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->suite_fingerprint, plan->suite_fingerprint) << "same suite, any shard";
  request.tests.pop_back();
  EXPECT_NE(plan_tests(request)->suite_fingerprint, plan->suite_fingerprint) << "another suite";
}

TEST(TestPlan, AnAbsurdRepeatCountIsRefusedBeforeAnythingIsPlanned) {
  TestPlanRequest request;
  request.tests = {test_task("A"), test_task("B")};
  request.repeat = 4294967295u;
  const auto plan = plan_tests(request);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().find("--repeat 4294967295"), std::string::npos) << plan.error();
}

TEST(History, ValidJsonOfTheWrongShapeOrTypesIsAWarningNeverACrash) {
  for (const char* text : {R"({"format":1,"version":1,"tests":{}})",
                           R"({"format":"procpool-history","version":"1","tests":{}})", R"([1,2])",
                           R"({"format":"procpool-history","version":1,"tests":[]})"}) {
    EXPECT_FALSE(DurationHistory::parse(text, "h.json")) << text;
  }
  const auto odd = DurationHistory::parse(
      R"({"format":"procpool-history","version":1,"tests":{
        "a":{"seconds":1.5,"last_outcome":7},"b":[1],"c":{"seconds":"slow"},"d":{"seconds":-2},
        "e":{"seconds":2}}})",
      "h.json");
  ASSERT_TRUE(odd) << odd.error();
  EXPECT_EQ(odd->seconds("a"), 1.5);
  EXPECT_EQ(odd->find("a")->last_outcome, "") << "a number is no outcome name";
  EXPECT_FALSE(odd->seconds("b"));
  EXPECT_FALSE(odd->seconds("c"));
  EXPECT_FALSE(odd->seconds("d"));
  EXPECT_EQ(odd->seconds("e"), 2.0);
}

TEST(History, AnUpdateKeepsWhatAnotherRunSavedMeanwhile) {
  testing::TempDir dir;
  const std::string path = dir.file("h.json");
  DurationHistory first, second;
  first.record("bin::A", {1, "passed"});
  second.record("bin::B", {2, "failed"});
  ASSERT_TRUE(update_history_file(path, first));
  ASSERT_TRUE(update_history_file(path, second));
  const auto both = DurationHistory::load(path);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->seconds("bin::A"), 1.0);
  EXPECT_EQ(both->seconds("bin::B"), 2.0);
  testing::write_file(path, "{garbage");
  ASSERT_TRUE(update_history_file(path, first)) << "a bad file is replaced";
  EXPECT_EQ(DurationHistory::load(path)->seconds("bin::A"), 1.0);
}

// A history file holding test A, loaded by "this run", which then measured test C.
class LoadedHistory : public ::testing::Test {
 protected:
  void SetUp() override {
    DurationHistory a;
    a.record("bin::A", {1, "passed"});
    ASSERT_TRUE(update_history_file(path, a));
    auto read = DurationHistory::load(path);
    ASSERT_TRUE(read);
    ASSERT_TRUE(read->source());
    loaded = std::move(*read);
    measured.record("bin::C", {3, "passed"});
  }
  testing::TempDir dir;
  const std::string path = dir.file("h.json");
  DurationHistory loaded, measured;
};

TEST_F(LoadedHistory, AnUpdateReadsAgainAFileThatAnotherRunReplacedSinceTheLoad) {
  DurationHistory other;
  other.record("bin::B", {2, "passed"});
  ASSERT_TRUE(update_history_file(path, other));  // another run, after this one's load
  ASSERT_TRUE(update_history_file(path, measured, &loaded));
  const auto all = DurationHistory::load(path);
  EXPECT_EQ(all->seconds("bin::A"), 1.0);
  EXPECT_EQ(all->seconds("bin::B"), 2.0) << "the other run's measurement is kept";
  EXPECT_EQ(all->seconds("bin::C"), 3.0);
}

// The other side of the same rule: a file whose identity (file, size, time of change) is the
// one loaded is not parsed again. Shown by changing its bytes behind the identity's back.
TEST_F(LoadedHistory, AnUpdateDoesNotParseAgainTheFileItLoaded) {
  const auto before = std::filesystem::last_write_time(path);
  const auto size = std::filesystem::file_size(path);
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file << std::string(size, ' ');  // same file, same size: not JSON any more
  }
  std::filesystem::last_write_time(path, before);
  ASSERT_TRUE(update_history_file(path, measured, &loaded));
  const auto after = DurationHistory::load(path);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->seconds("bin::A"), 1.0) << "the loaded history stood for the file";
  EXPECT_EQ(after->seconds("bin::C"), 3.0);
}

TEST(History, MergingKeepsTheNewestMeasurementOfEachTestWhateverTheOrder) {
  DurationHistory cache, shard1, shard2;
  cache.record("bin::A", {1, "passed", "2026-12-01T10:00:00.000Z"});
  cache.record("bin::B", {1, "passed", "2026-12-01T10:00:00.000Z"});
  cache.record("bin::C", {1, "passed", ""});  // written before entries were dated
  shard1 = cache;
  shard1.record("bin::A", {5, "failed", "2026-12-02T10:00:00.000Z"});
  shard2 = cache;
  shard2.record("bin::B", {7, "passed", "2026-12-02T11:00:00.000Z"});
  shard2.record("bin::C", {9, "passed", "2026-12-02T11:00:00.000Z"});
  for (bool reversed : {false, true}) {
    DurationHistory merged;
    merged.merge(reversed ? shard2 : shard1);
    merged.merge(reversed ? shard1 : shard2);
    EXPECT_EQ(merged.seconds("bin::A"), 5.0) << "shard 1's newer A survives shard 2's copy";
    EXPECT_EQ(merged.seconds("bin::B"), 7.0) << "shard 2's newer B survives shard 1's copy";
    EXPECT_EQ(merged.seconds("bin::C"), 9.0) << "a dated entry beats an undated one";
    EXPECT_EQ(merged.find("bin::A")->last_outcome, "failed");
  }
}

TEST(History, MeasurementTimesSurviveASave) {
  testing::TempDir dir;
  DurationHistory history;
  history.record("bin::A", {1.25, "passed", "2026-12-01T10:00:00.123Z"});
  ASSERT_TRUE(history.save(dir.file("h.json")));
  const auto loaded = DurationHistory::load(dir.file("h.json"));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->find("bin::A")->measured_at, "2026-12-01T10:00:00.123Z");
}

TEST(WallTime, Iso8601RoundTripsAndRejectsOtherText) {
  const WallTime t = WallTime(std::chrono::milliseconds(1764800123456));
  EXPECT_EQ(iso8601_utc(t), "2025-12-03T22:15:23.456Z");
  EXPECT_EQ(parse_iso8601_utc(iso8601_utc(t)), t);
  EXPECT_EQ(parse_iso8601_utc("2025-12-03T22:15:23Z"), t - std::chrono::milliseconds(456));
  for (const char* bad : {"", "2025-12-03", "2025-12-03T22:15:23", "2025-12-03T22:15:23.4Z",
                          "2025-12-03T22:15:23.456Zjunk", "yesterday"}) {
    EXPECT_FALSE(parse_iso8601_utc(bad)) << bad;
  }
}

TEST(TestPlan, ABadShardFailsAndAnUnreadableHistoryOnlyWarns) {
  testing::TempDir dir;
  testing::write_file(dir.file("h.json"), "{broken");
  TestPlanRequest request;
  request.tests = {test_task("A")};
  request.history_path = dir.file("h.json");
  auto plan = plan_tests(request);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->warnings.size(), 1u);
  EXPECT_NE(plan->warnings[0].find("not valid JSON"), std::string::npos);
  EXPECT_EQ(plan->tasks.size(), 1u);
  request.shard = "4/3";
  EXPECT_FALSE(plan_tests(request));
}

}  // namespace
}  // namespace procpool::plan
