#include "procpool/adapters/gtest/test_list.hpp"

#include <gtest/gtest.h>

namespace procpool::gtest {
namespace {

TEST(ParseTestList, ReadsSuitesTestsAndIgnoresParameterComments) {
  auto tests = parse_test_list(
      "Running main() from ./googletest/src/gtest_main.cc\n"
      "S.\n  Pass\n  DISABLED_Off\n"
      "Ty/0.  # TypeParam = int\n  Ok\n"
      "Pre/P.\n  Works/0  # GetParam() = (1, \"a b\")\n");
  ASSERT_TRUE(tests);
  ASSERT_EQ(tests->size(), 4u);
  EXPECT_EQ((*tests)[0].suite, "S");
  EXPECT_EQ((*tests)[0].name, "Pass");
  EXPECT_TRUE((*tests)[1].disabled());
  EXPECT_FALSE((*tests)[0].disabled());
  EXPECT_EQ((*tests)[2].suite, "Ty/0");
  EXPECT_EQ((*tests)[3].suite, "Pre/P");
  EXPECT_EQ((*tests)[3].name, "Works/0");
}

TEST(AddTestLocations, TakesFileAndLineFromGtestsJsonListing) {
  auto tests = *parse_test_list("S.\n  a\n  b\nP/T.\n  c/0  # GetParam() = 1\n");
  add_test_locations(
      tests, R"({"testsuites":[{"name":"S","testsuite":[{"name":"a","file":"s.cc","line":3},)"
             R"({"name":"b","file":7,"line":-1}]},)"
             R"({"name":"P/T","testsuite":[{"name":"c/0","file":"p.cc","line":9}]},)"
             R"({"name":"Other","testsuite":[{"name":"x","file":"o.cc","line":1}]}]})");
  ASSERT_EQ(tests.size(), 3u);
  EXPECT_EQ(tests[0].file, "s.cc");
  EXPECT_EQ(tests[0].line, 3u);
  EXPECT_EQ(tests[1].file, "") << "a field of the wrong type is left out";
  EXPECT_EQ(tests[1].line, 0u);
  EXPECT_EQ(tests[2].file, "p.cc");
  EXPECT_EQ(tests[2].line, 9u);
  add_test_locations(tests, "not json");
  add_test_locations(tests, R"({"testsuites":5})");
  EXPECT_EQ(tests[0].file, "s.cc") << "a report that is not a listing changes nothing";
}

TEST(ParseTestList, DisabledAnywhereInTheNameDisables) {
  EXPECT_TRUE((ListedTest{"Prefix/DISABLED_Suite", "T"}.disabled()));
  EXPECT_TRUE((ListedTest{"Suite", "DISABLED_T/1"}.disabled()));
  EXPECT_FALSE((ListedTest{"Suite", "NOT_DISABLED_T"}.disabled()));
}

TEST(ParseTestList, EmptyOutputIsABinaryWithoutTests) {
  auto tests = parse_test_list("");
  ASSERT_TRUE(tests);
  EXPECT_TRUE(tests->empty());
  EXPECT_TRUE(parse_test_list("Running main() from gtest_main.cc\n"));
}

TEST(ParseTestList, OtherOutputIsNotAGtestBinary) {
  EXPECT_FALSE(parse_test_list("--gtest_list_tests\n"));
  EXPECT_FALSE(parse_test_list("usage: prog [options]\n"));
}

}  // namespace
}  // namespace procpool::gtest
