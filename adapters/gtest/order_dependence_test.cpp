#include "procpool/adapters/gtest/order_dependence.hpp"

#include <set>

#include <gtest/gtest.h>

#include "procpool/adapters/gtest/order_probe.hpp"

namespace procpool::gtest {
namespace {

// A model program: `a` pollutes `v` (v fails after a); `s` sets the state `b` needs; `z`,
// registered last, pollutes `w`; the rest are independent.
ProbeRounds model(const std::vector<std::string>& tests, unsigned repeat, unsigned& probes) {
  ++probes;
  std::set<std::string> ran;
  ProbeRounds result;
  for (unsigned round = 0; round < repeat; ++round) {
    result.rounds.emplace_back();
    for (const auto& t : tests) {
      bool passed = true;
      if (t == "S.v") passed = !ran.count("S.a");
      if (t == "S.b") passed = ran.count("S.s") > 0;
      if (t == "S.w") passed = !ran.count("S.z");
      result.rounds.back()[t] = passed;
      ran.insert(t);
    }
  }
  return result;
}

TEST(OrderDependence, FindsVictimsAndBrittleTestsWithTheMinimalCulprits) {
  const std::vector<std::string> tests{"S.w", "S.x1", "S.a", "S.x2", "S.x3", "S.v",
                                       "S.s", "S.x4", "S.b", "S.x5", "S.z"};
  unsigned probes = 0;
  const auto found = find_order_dependence(
      tests, [&](const auto& run, unsigned repeat) { return model(run, repeat, probes); });
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].test, "S.w");
  EXPECT_EQ(found[0].kind, OrderDependence::Kind::victim);
  EXPECT_EQ(found[0].by, std::vector<std::string>{"S.z"});
  EXPECT_TRUE(found[0].after_all);
  EXPECT_EQ(found[1].test, "S.v");
  EXPECT_EQ(found[1].by, std::vector<std::string>{"S.a"});
  EXPECT_FALSE(found[1].after_all);
  EXPECT_EQ(found[2].test, "S.b");
  EXPECT_EQ(found[2].kind, OrderDependence::Kind::brittle);
  EXPECT_EQ(found[2].by, std::vector<std::string>{"S.s"});
  EXPECT_LT(probes, 60u) << "bisection, not every subset";
}

TEST(OrderDependence, MinimalSubsetDropsASuiteWhoseTestsAreNeededOnlyTogether) {
  // Holds with p; or with two of S's tests but not with one (a TearDownTestSuite counting them).
  auto holds = [](const std::vector<std::string>& s) {
    const auto of_s = std::count_if(s.begin(), s.end(),
                                    [](const std::string& t) { return t.rfind("S.", 0) == 0; });
    return std::count(s.begin(), s.end(), "P.p") && of_s != 1;
  };
  EXPECT_EQ(minimal_subset({"S.a", "P.p", "S.b", "S.c", "Q.q"}, holds),
            (std::vector<std::string>{"P.p"}));
}

TEST(OrderDependence, MinimalSubsetKeepsTestsNeededTogether) {
  // Holds only when both p and q are there.
  auto holds = [](const std::vector<std::string>& s) {
    return std::count(s.begin(), s.end(), "p") && std::count(s.begin(), s.end(), "q");
  };
  EXPECT_EQ(minimal_subset({"a", "p", "b", "c", "q", "d"}, holds),
            (std::vector<std::string>{"p", "q"}));
}

}  // namespace
}  // namespace procpool::gtest
