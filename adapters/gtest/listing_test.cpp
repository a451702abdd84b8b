#include "procpool/adapters/gtest/listing.hpp"
#include "procpool/adapters/gtest/listing_cache.hpp"

#include <unistd.h>

#include <filesystem>

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

TEST(ParseJsonTestList, KeepsWholeNamesWithFileAndLine) {
  // Names a text listing splits or cuts: a space, a comma, filter characters, unicode.
  auto tests = parse_json_test_list(
      R"({"testsuites":[{"name":"Typed/with space","testsuite":[{"name":"T","file":"s.cc","line":3},)"
      R"({"name":"b","file":7,"line":-1}]},)"
      R"({"name":"Odd/x-:y","testsuite":[{"name":"c*?/0","file":"p.cc","line":9}]},)"
      R"({"name":"Ünï,code","testsuite":[]}]})");
  ASSERT_TRUE(tests);
  ASSERT_EQ(tests->size(), 3u);
  EXPECT_EQ((*tests)[0].suite, "Typed/with space");
  EXPECT_EQ((*tests)[0].name, "T");
  EXPECT_EQ((*tests)[0].file, "s.cc");
  EXPECT_EQ((*tests)[0].line, 3u);
  EXPECT_EQ((*tests)[1].file, "") << "a field of the wrong type is left out";
  EXPECT_EQ((*tests)[1].line, 0u);
  EXPECT_EQ((*tests)[2].suite, "Odd/x-:y");
  EXPECT_EQ((*tests)[2].name, "c*?/0");
}

TEST(ParseJsonTestList, AnythingElseIsNoListing) {
  EXPECT_FALSE(parse_json_test_list("not json"));
  EXPECT_FALSE(parse_json_test_list(R"({"testsuites":5})"));
  EXPECT_FALSE(parse_json_test_list(R"({"testsuites":[{"name":"S","testsuite":[{"line":1}]}]})"));
  EXPECT_FALSE(parse_json_test_list(R"([1,2])"));
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

namespace procpool::gtest {
namespace {

TEST(ListingCacheFile, ForgottenListingsStayForgottenAcrossRuns) {
  char dir[] = "/tmp/procpool-listing-cache-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/history.listings.json";
  EXPECT_EQ(ListingCache::path_for_history(std::string(dir) + "/history.json"), path);
  {
    ListingCache cache = ListingCache::load(path);  // absent: empty
    cache.put("key", {ListedTest{"S", "t", "f.cc", 3}});
    ASSERT_TRUE(cache.save());
  }
  {
    ListingCache cache = ListingCache::load(path);
    const auto found = cache.find("key");
    ASSERT_TRUE(found);
    EXPECT_TRUE(same_tests(*found, {ListedTest{"S", "t", "f.cc", 3}}));
    cache.erase("key");
    ASSERT_TRUE(cache.save());
  }
  EXPECT_FALSE(ListingCache::load(path).find("key")) << "an erased listing was written back";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace procpool::gtest
