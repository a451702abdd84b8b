#include "procpool/runner/core/outcome.hpp"

#include "procpool/runner/core/verdict.hpp"

#include <csignal>

#include <gtest/gtest.h>

namespace procpool {
namespace {

TEST(Outcome, ExitCodesMapToPassedOrFailed) {
  EXPECT_EQ(Outcome::exited(0).kind, OutcomeKind::passed);
  EXPECT_EQ(Outcome::exited(9).kind, OutcomeKind::failed);
  EXPECT_EQ(Outcome::exited(9).exit_code, 9);
}

TEST(Outcome, SignalsAreNotExitCodes) {
  const Outcome killed = Outcome::killed_by(SIGKILL);
  EXPECT_EQ(killed.kind, OutcomeKind::signalled);
  EXPECT_EQ(describe(killed), "SIGKILL (Killed)");
  EXPECT_EQ(describe(Outcome::exited(9)), "exit 9");
}

TEST(Outcome, SignalNamesAreTheUsualOnes) {
  EXPECT_EQ(signal_name(SIGSEGV), "SIGSEGV");
  EXPECT_EQ(signal_name(SIGABRT), "SIGABRT");
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
}

TEST(Outcome, DescriptionsNameTheReason) {
  EXPECT_EQ(describe(Outcome::start_failure("No such file or directory: ./nope")),
            "failed to start: No such file or directory: ./nope");
  Outcome leaked = Outcome::exited(0);
  leaked.leaked = true;
  EXPECT_NE(describe(leaked).find("leaked"), std::string::npos);
  EXPECT_EQ(to_string(OutcomeKind::timed_out), "timed_out");
}

// A task the run never started is its own outcome, not a skip: the verdict and the summary tell
// them apart by the kind alone, and reports keep writing it as they always have.
TEST(Outcome, NeverStartedIsNotASkip) {
  Outcome never;
  EXPECT_EQ(never.kind, OutcomeKind::not_started);
  EXPECT_EQ(verdict_of(never, /*flaky=*/false), Verdict::not_run);
  Outcome skipped;
  skipped.kind = OutcomeKind::skipped;
  EXPECT_EQ(verdict_of(skipped, /*flaky=*/false), Verdict::skipped);

  RunSummary summary;
  AttemptResult result;
  TaskFinished finished{0, nullptr, 0, false, &result};
  count_finished(summary, finished);
  result.outcome = skipped;
  finished.attempts = 1;
  count_finished(summary, finished);
  EXPECT_EQ(summary.not_run, 1u);
  EXPECT_EQ(summary.skipped, 1u);

  EXPECT_EQ(to_string(OutcomeKind::not_started), "skipped");
  EXPECT_EQ(describe(never), "not run");
}

}  // namespace
}  // namespace procpool
