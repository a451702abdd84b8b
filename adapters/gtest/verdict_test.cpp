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
