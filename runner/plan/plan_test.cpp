#include <set>

#include <gtest/gtest.h>

#include "procpool/runner/plan/history.hpp"
#include "procpool/runner/plan/partition.hpp"
#include "test_support.hpp"

namespace procpool::plan {
namespace {

std::vector<std::string> ids(int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back("bin::Suite.Test" + std::to_string(i));
  return v;
}

TEST(Shard, ParsesKOverN) {
  std::string error;
  auto shard = Shard::parse("2/3", error);
  ASSERT_TRUE(shard);
  EXPECT_EQ(shard->index, 2u);
  EXPECT_EQ(shard->total, 3u);
  for (const char* bad : {"0/3", "4/3", "1/0", "a/b", "2", "1/2/3", ""}) {
    EXPECT_FALSE(Shard::parse(bad, error)) << bad;
    EXPECT_NE(error.find("--shard"), std::string::npos);
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

TEST(History, RoundTripsAndSurvivesCorruptOrForeignFiles) {
  testing::TempDir dir;
  const std::string path = dir.file("sub/history.json");
  std::string warning;
  auto empty = DurationHistory::load(path, warning);
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(warning, "");

  DurationHistory history;
  history.record("bin::S.T", 1.5, "passed");
  EXPECT_EQ(history.save(path), "");
  auto loaded = DurationHistory::load(path, warning);
  EXPECT_EQ(loaded.seconds("bin::S.T"), 1.5);
  EXPECT_EQ(loaded.find("bin::S.T")->last_outcome, "passed");

  testing::write_file(path, "{not json");
  EXPECT_TRUE(DurationHistory::load(path, warning).empty());
  EXPECT_NE(warning.find("not valid JSON"), std::string::npos);
  testing::write_file(path, R"({"tests": [1, 2]})");
  warning.clear();
  EXPECT_TRUE(DurationHistory::load(path, warning).empty());
  EXPECT_NE(warning.find("not a procpool history"), std::string::npos);
}

TEST(History, IdUsesTheBinaryFileName) {
  EXPECT_EQ(history_id({"/a/b/unit_tests", "Suite", "Case/1"}), "unit_tests::Suite.Case/1");
}

}  // namespace
}  // namespace procpool::plan
