#include "procpool/runner/schedule/halt_policy.hpp"

#include <gtest/gtest.h>

namespace procpool::schedule {
namespace {

HaltPolicy parse(const std::string& text) {
  auto policy = HaltPolicy::parse(text);
  EXPECT_TRUE(policy) << policy.error();
  return policy.value_or(HaltPolicy{});
}

TEST(HaltPolicy, ParsesGnuParallelForms) {
  EXPECT_EQ(parse("never").when, HaltPolicy::When::never);
  const auto soon = parse("soon,fail=3");
  EXPECT_EQ(soon.when, HaltPolicy::When::soon);
  EXPECT_EQ(soon.trigger, HaltPolicy::Trigger::fail);
  EXPECT_EQ(soon.threshold, 3);
  const auto now = parse("now,success=20%");
  EXPECT_EQ(now.when, HaltPolicy::When::now);
  EXPECT_EQ(now.trigger, HaltPolicy::Trigger::success);
  EXPECT_TRUE(now.percent);
}

TEST(HaltPolicy, RejectsNonsenseWithAReason) {
  for (const char* bad : {"sometimes", "soon,fail", "later,fail=1", "soon,oops=1", "now,fail=x",
                          "now,fail=0", "now,fail=150%"}) {
    const auto parsed = HaltPolicy::parse(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().find("--halt"), std::string::npos);
  }
}

TEST(HaltPolicy, TriggersOnCountsAndPercentages) {
  const auto count = parse("soon,fail=2");
  EXPECT_FALSE(count.triggered(1, 10, 20));
  EXPECT_TRUE(count.triggered(2, 0, 20));
  const auto percent = parse("now,fail=10%");
  EXPECT_FALSE(percent.triggered(1, 0, 20));
  EXPECT_TRUE(percent.triggered(2, 0, 20));
  const auto done = parse("now,done=3");
  EXPECT_TRUE(done.triggered(1, 2, 10));
  EXPECT_FALSE(parse("never").triggered(100, 0, 100));
}

}  // namespace
}  // namespace procpool::schedule
