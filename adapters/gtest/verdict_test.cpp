#include "procpool/adapters/gtest/verdict.hpp"

#include <csignal>

#include <gtest/gtest.h>

namespace procpool::gtest {
namespace {

const TestIdentity kTest{"bin", "S", "T"};

// A test process's stdout, as gtest prints it with --gtest_color=no.
Capture console(std::string_view text) {
  Capture capture;
  capture.append(text);
  return capture;
}

constexpr std::string_view kRun = "Running main() from gtest_main.cc\n[ RUN      ] S.T\n";

TEST(Verdict, PassedWhenGtestSaysSoAndTheProcessExitedZero) {
  auto v = interpret_test_attempt(
      Outcome::exited(0), console(std::string(kRun) + "[       OK ] S.T (0 ms)\n"), false, kTest);
  EXPECT_EQ(v.kind, OutcomeKind::passed);
}

TEST(Verdict, FailuresCarryGtestsMessagesWordedAsItsJsonReport) {
  auto v = interpret_test_attempt(
      Outcome::exited(1),
      console(std::string(kRun) + "a.cpp:3: Failure\nboom\n"
                                  "unknown file: Failure\nC++ exception\nthrown\n"
                                  "[  FAILED  ] S.T (0 ms)\n"
                                  "[  FAILED  ] 1 test, listed below:\n[  FAILED  ] S.T\n"),
      false, kTest);
  EXPECT_EQ(v.kind, OutcomeKind::failed);
  EXPECT_EQ(v.message, "a.cpp:3\nboom\n\nunknown file\nC++ exception\nthrown");
}

TEST(Verdict, SkippedTestsAreSkipped) {
  auto v = interpret_test_attempt(
      Outcome::exited(0), console(std::string(kRun) + "[  SKIPPED ] S.T (0 ms)\n"), false, kTest);
  EXPECT_EQ(v.kind, OutcomeKind::skipped);
}

TEST(Verdict, APrematureExitFailsEvenWithExitZero) {
  auto v = interpret_test_attempt(Outcome::exited(0), console(kRun), true, kTest);
  EXPECT_EQ(v.kind, OutcomeKind::failed);
  EXPECT_NE(v.message.find("exited early"), std::string::npos);
}

TEST(Verdict, CrashesAndTimeoutsComeFromTheProcessLayer) {
  EXPECT_EQ(interpret_test_attempt(Outcome::killed_by(SIGSEGV), console(kRun), true, kTest).kind,
            OutcomeKind::signalled);
  Outcome timed_out;
  timed_out.kind = OutcomeKind::timed_out;
  EXPECT_EQ(interpret_test_attempt(timed_out, console(kRun), false, kTest).kind,
            OutcomeKind::timed_out);
}

TEST(Verdict, ATestThatNeverRanOrNeverEndedFails) {
  auto nothing = interpret_test_attempt(Outcome::exited(0), console(""), false, kTest);
  EXPECT_EQ(nothing.kind, OutcomeKind::failed);
  EXPECT_NE(nothing.message.find("did not run"), std::string::npos);
  auto other = interpret_test_attempt(
      Outcome::exited(0), console("[ RUN      ] S.Other\n[       OK ] S.Other (0 ms)\n"), false,
      kTest);
  EXPECT_EQ(other.kind, OutcomeKind::failed);
  EXPECT_NE(other.message.find("did not run"), std::string::npos);
  auto unfinished = interpret_test_attempt(Outcome::exited(0), console(kRun), false, kTest);
  EXPECT_EQ(unfinished.kind, OutcomeKind::failed);
  EXPECT_NE(unfinished.message.find("while the test was running"), std::string::npos);
}

TEST(Verdict, ANonZeroExitAfterAPassFails) {
  auto v = interpret_test_attempt(
      Outcome::exited(1), console(std::string(kRun) + "[       OK ] S.T (0 ms)\n"), false, kTest);
  EXPECT_EQ(v.kind, OutcomeKind::failed);
  EXPECT_NE(v.message.find("global set-up"), std::string::npos);
}

TEST(Verdict, AnEndLineTheTestPrintsItselfIsOverruledByGtests) {
  auto faked_pass = interpret_test_attempt(
      Outcome::exited(1),
      console(std::string(kRun) + "[       OK ] S.T (0 ms)\nx.cpp:9: Failure\nreal\n" +
              "[  FAILED  ] S.T (1 ms)\n"),
      false, kTest);
  EXPECT_EQ(faked_pass.kind, OutcomeKind::failed);
  EXPECT_EQ(faked_pass.message, "x.cpp:9\nreal");
  auto faked_failure = interpret_test_attempt(
      Outcome::exited(0),
      console(std::string(kRun) + "[  FAILED  ] S.T (0 ms)\n[       OK ] S.T (0 ms)\n"), false,
      kTest);
  EXPECT_EQ(faked_failure.kind, OutcomeKind::passed);
}

}  // namespace
}  // namespace procpool::gtest

namespace procpool::gtest {
namespace {

TEST(GtestReportOfABatch, FieldsOfTheWrongTypeAreSkippedNotAnException) {
  for (
      const char* text :
      {R"({"testsuites":[{"name":5,"testsuite":[{"name":"T"}]}]})",
       R"({"testsuites":[{"name":"S","testsuite":[{"name":["T"]}]}]})",
       R"({"testsuites":[{"name":"S","testsuite":[{"name":"T","result":1,"failures":[{"failure":2}]}]}]})"}) {
    std::optional<GtestReport> parsed;
    EXPECT_NO_THROW(parsed = GtestReport::parse(text)) << text;
    if (parsed) {
      const auto v = parsed->verdict("S.T");
      EXPECT_TRUE(!v || v->kind == OutcomeKind::failed) << text;
    }
  }
}

TEST(GtestReportOfABatch, GivesWhatEachTestRecordedAndWhatItsSuiteRecorded) {
  // As gtest 1.12 writes them: RecordProperty values are extra keys of the test's object (of the
  // suite's, from SetUpTestSuite), beside the keys gtest writes itself.
  const auto report = GtestReport::parse(
      R"({"testsuites":[{"name":"S","tests":2,"failures":0,"disabled":0,"errors":0,)"
      R"("timestamp":"t","time":"0s","suite_key":"sv","testsuite":[)"
      R"({"name":"a","file":"a.cc","line":3,"status":"RUN","result":"COMPLETED","timestamp":"t",)"
      R"("time":"0s","classname":"S","build":"42","count":7},)"
      R"({"name":"b","status":"RUN","result":"COMPLETED","classname":"S",)"
      R"("failures":[{"failure":"x","type":""}]}]}]})");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->properties("S.a"),
            (std::vector<RecordedProperty>{
                {"suite_key", "sv", true}, {"build", "42", false}, {"count", "7", false}}));
  EXPECT_EQ(report->properties("S.b"), (std::vector<RecordedProperty>{{"suite_key", "sv", true}}))
      << "gtest's own keys (failures, status, ...) are not recorded values";
  EXPECT_TRUE(report->properties("S.c").empty());
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
