#include "procpool/runner/core/duration.hpp"

#include <gtest/gtest.h>

namespace procpool {
namespace {

TEST(ParseSeconds, TakesDecimalSecondsToTheMillisecond) {
  EXPECT_EQ(*parse_seconds("0"), std::chrono::milliseconds(0));
  EXPECT_EQ(*parse_seconds("2"), std::chrono::milliseconds(2000));
  EXPECT_EQ(*parse_seconds("0.25"), std::chrono::milliseconds(250));
  EXPECT_EQ(*parse_seconds("1e-3"), std::chrono::milliseconds(1));
  EXPECT_EQ(*parse_seconds("100000000"), std::chrono::milliseconds(100000000000LL));
}

TEST(ParseSeconds, RefusesWhatWouldSilentlyMeanSomethingElseNamingTheValueAsWritten) {
  for (const char* bad : {"nan", "NaN", "inf", "-inf", "1e300", "0.0004", "-1", "", "1s", "0x10",
                          "1e", "1..2", " 1"}) {
    const auto parsed = parse_seconds(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().find(std::string("'") + bad + "'"), std::string::npos)
        << parsed.error();
  }
}

}  // namespace
}  // namespace procpool
