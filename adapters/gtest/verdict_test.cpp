#include "procpool/adapters/gtest/verdict.hpp"

#include <csignal>

#include <gtest/gtest.h>

namespace procpool::gtest {
namespace {

const TestIdentity kTest{"bin", "S", "T"};

std::string report(const std::string& entry) {
  return R"({"testsuites":[{"name":"S","testsuite":[)" + entry + "]}]}";
}

TEST(Verdict, PassedWhenGtestSaysSoAndTheProcessExitedZero) {
  auto v = interpret_test_attempt(Outcome::exited(0),
                                  report(R"({"name":"T","result":"COMPLETED"})"), false, kTest);
  EXPECT_EQ(v.kind, OutcomeKind::passed);
}

TEST(Verdict, FailuresCarryGtestsMessages) {
  auto v = interpret_test_attempt(
      Outcome::exited(1),
      report(
          R"({"name":"T","result":"COMPLETED","failures":[{"failure":"a.cpp:3\nboom"},{"failure":"b"}]})"),
      false, kTest);
  EXPECT_EQ(v.kind, OutcomeKind::failed);
  EXPECT_EQ(v.message, "a.cpp:3\nboom\n\nb");
}

TEST(Verdict, SkippedTestsAreSkipped) {
  auto v = interpret_test_attempt(Outcome::exited(0), report(R"({"name":"T","result":"SKIPPED"})"),
                                  false, kTest);
  EXPECT_EQ(v.kind, OutcomeKind::skipped);
}

TEST(Verdict, APrematureExitFailsEvenWithExitZero) {
  auto v = interpret_test_attempt(Outcome::exited(0), std::nullopt, true, kTest);
  EXPECT_EQ(v.kind, OutcomeKind::failed);
  EXPECT_NE(v.message.find("exited early"), std::string::npos);
}

TEST(Verdict, CrashesAndTimeoutsComeFromTheProcessLayer) {
  EXPECT_EQ(interpret_test_attempt(Outcome::killed_by(SIGSEGV), std::nullopt, true, kTest).kind,
            OutcomeKind::signalled);
  Outcome timed_out;
  timed_out.kind = OutcomeKind::timed_out;
  EXPECT_EQ(interpret_test_attempt(timed_out, std::nullopt, false, kTest).kind,
            OutcomeKind::timed_out);
}

TEST(Verdict, MissingOrForeignResultsFail) {
  EXPECT_EQ(interpret_test_attempt(Outcome::exited(0), std::nullopt, false, kTest).kind,
            OutcomeKind::failed);
  auto not_found =
      interpret_test_attempt(Outcome::exited(0), report(R"({"name":"Other"})"), false, kTest);
  EXPECT_EQ(not_found.kind, OutcomeKind::failed);
  EXPECT_NE(not_found.message.find("did not run"), std::string::npos);
  EXPECT_EQ(interpret_test_attempt(Outcome::exited(0), std::string("garbage"), false, kTest).kind,
            OutcomeKind::failed);
}

TEST(Verdict, ANonZeroExitAfterAPassFails) {
  auto v = interpret_test_attempt(Outcome::exited(1),
                                  report(R"({"name":"T","result":"COMPLETED"})"), false, kTest);
  EXPECT_EQ(v.kind, OutcomeKind::failed);
  EXPECT_NE(v.message.find("global set-up"), std::string::npos);
}

}  // namespace
}  // namespace procpool::gtest

namespace procpool::gtest {
namespace {

TEST(Verdict, FieldsOfTheWrongTypeAreAFailureNotAnException) {
  for (
      const char* text :
      {R"({"testsuites":[{"name":5,"testsuite":[{"name":"T"}]}]})",
       R"({"testsuites":[{"name":"S","testsuite":[{"name":["T"]}]}]})",
       R"({"testsuites":[{"name":"S","testsuite":[{"name":"T","result":1,"failures":[{"failure":2}]}]}]})"}) {
    Outcome v;
    EXPECT_NO_THROW(v = interpret_test_attempt(Outcome::exited(1), std::string(text), false, kTest))
        << text;
    EXPECT_EQ(v.kind, OutcomeKind::failed) << text;
    EXPECT_NO_THROW(GtestReport::parse(text)) << text;
  }
}

TEST(GtestReportOfABatch, GivesEachTestsVerdictByFullName) {
  const auto report = GtestReport::parse(
      R"({"testsuites":[{"name":"S","testsuite":[{"name":"a","result":"COMPLETED"},)"
      R"({"name":"b","result":"COMPLETED","failures":[{"failure":"x.cc:1\nboom"}]},)"
      R"({"name":"c","result":"SKIPPED"}]}]})");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->verdict("S.a")->kind, OutcomeKind::passed);
  EXPECT_EQ(report->verdict("S.b")->kind, OutcomeKind::failed);
  EXPECT_EQ(report->verdict("S.b")->message, "x.cc:1\nboom");
  EXPECT_EQ(report->verdict("S.c")->kind, OutcomeKind::skipped);
  EXPECT_FALSE(report->verdict("S.d"));
  EXPECT_FALSE(GtestReport::parse("[1,2]"));
}

TEST(SkipMessage, IsGtestsSkipLinesOwnMessage) {
  EXPECT_EQ(skip_message("[ RUN      ] S.T\n/src/t.cpp:40: Skipped\nnot today\n\n"
                         "[  SKIPPED ] S.T (0 ms)\n"),
            "/src/t.cpp:40: not today");
  EXPECT_EQ(skip_message("/src/t.cpp:7: Skipped\n[  SKIPPED ] S.T (0 ms)\n"), "/src/t.cpp:7");
  EXPECT_EQ(skip_message("[ RUN      ] S.T\n[       OK ] S.T (0 ms)\n"), "");
}

}  // namespace
}  // namespace procpool::gtest
