#include "procpool/runner/core/outcome.hpp"

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

}  // namespace
}  // namespace procpool
