#include "procpool/adapters/ctest/cmake_regex.hpp"

#include <gtest/gtest.h>

#include "procpool/adapters/ctest/ctest_source.hpp"

namespace procpool::ctest {
namespace {

bool matches(std::string_view pattern, std::string_view text) {
  const auto regex = CmakeRegex::compile(pattern);
  EXPECT_TRUE(regex) << pattern << ": " << regex.error();
  return regex && regex->search(text);
}

// The expectations below were measured with ctest 3.25 (PASS_REGULAR_EXPRESSION on tests
// printing the text); tests/e2e compares with ctest itself on whole projects.
TEST(CmakeRegex, DotMatchesNewlinesAndAnchorsAreTheWholeText) {
  EXPECT_TRUE(matches("first.*second", "first\nsecond\n"));
  EXPECT_FALSE(matches("^two", "one\ntwo\n"));
  EXPECT_TRUE(matches("^one", "one\ntwo\n"));
  EXPECT_FALSE(matches("one$", "one\ntwo"));
  EXPECT_TRUE(matches("two$", "one\ntwo"));
}

TEST(CmakeRegex, BracesAndBackslashLettersAreLiterals) {
  EXPECT_TRUE(matches("-3{3}", "x-3{3}\n"));
  EXPECT_FALSE(matches("-3{3}", "-333"));
  EXPECT_TRUE(matches("\\d", "d"));
  EXPECT_FALSE(matches("\\d", "7"));
  EXPECT_TRUE(matches("x\\.y", "x.y"));
  EXPECT_FALSE(matches("x\\.y", "xzy"));
}

TEST(CmakeRegex, SetsRangesAndAlternation) {
  EXPECT_TRUE(matches("[0-9]+ passed", "12 passed"));
  EXPECT_FALSE(matches("^[^0-9]+$", "a1b"));
  EXPECT_TRUE(matches("[]x]", "]"));
  EXPECT_TRUE(matches("[-a]", "-"));
  EXPECT_TRUE(matches("[\\]", "\\")) << "a backslash in a set is literal";
  EXPECT_TRUE(matches("(ok|fine)!", "all fine!"));
  EXPECT_TRUE(matches("a.c", std::string("a\0c", 3))) << "a NUL is a character";
  EXPECT_FALSE(matches("ac", std::string("a\0c", 3)));
}

TEST(CmakeRegex, WhatCmakeRefusesIsRefused) {
  for (const char* bad : {"(", "a)", "a**", "*a", "[abc", "x\\", "[z-a]"}) {
    EXPECT_FALSE(CmakeRegex::compile(bad)) << bad;
  }
}

TEST(CmakeRegex, ALongLineIsNeitherAStackOverflowNorSlow) {
  // std::regex recursed once per character here and crashed procpool with SIGSEGV.
  const std::string line = "start" + std::string(30 * 1024, 'x') + "end\n";
  EXPECT_TRUE(matches("start.*end", line));
  const std::string huge = std::string(1 << 20, 'a');
  EXPECT_FALSE(matches("(a|aa)*b", huge)) << "linear time, no backtracking";
}

TEST(CtestRules, PatternsAreMatchedInCmakesDialect) {
  CtestRules pass{.pass_patterns = {"first.*second"}};
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(1), "first\nsecond", pass).kind, OutcomeKind::passed);
  CtestRules braces{.pass_patterns = {"-3{3}"}};
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(0), "-333", braces).kind, OutcomeKind::failed);
  CtestRules invalid_fail{.fail_patterns = {"a**"}};
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(0), "aaa", invalid_fail).kind, OutcomeKind::passed)
      << "an invalid FAIL_REGULAR_EXPRESSION never fails a test, as in ctest";
  CtestRules invalid_pass{.pass_patterns = {"("}};
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(0), "(", invalid_pass).kind, OutcomeKind::failed)
      << "an invalid PASS_REGULAR_EXPRESSION never passes one";
}

TEST(CtestRules, ALongLineOfOutputDoesNotCrash) {
  CtestRules pass{.pass_patterns = {"start.*end"}};
  const std::string output = "start" + std::string(30 * 1024, 'x') + "end\n";
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(0), output, pass).kind, OutcomeKind::passed);
}

}  // namespace
}  // namespace procpool::ctest
