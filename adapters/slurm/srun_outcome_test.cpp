// srun's exit and stderr read as the task's outcome. The stderr lines are srun 22.05's, as
// recorded on the project's single-node Slurm (../shared/tools/slurm-local).
#include "procpool/adapters/slurm/srun_outcome.hpp"

#include <gtest/gtest.h>

namespace procpool::slurm {
namespace {

TEST(SrunOutcome, ATasksOwnExitCodeIsAFailureWithThatCode) {
  const auto o = read_srun_outcome(Outcome::exited(139),
                                   "srun: error: vm: task 0: Exited with exit code 139\n");
  EXPECT_EQ(o.kind, OutcomeKind::failed) << "exit 139 by choice is not a crash";
  EXPECT_EQ(o.exit_code, 139);
}

TEST(SrunOutcome, ASignalInTheTaskIsACrashWithThatSignal) {
  const auto o =
      read_srun_outcome(Outcome::exited(139), "srun: error: vm: task 0: Segmentation fault\n");
  EXPECT_EQ(o.kind, OutcomeKind::signalled);
  EXPECT_EQ(o.signal, 11);
}

TEST(SrunOutcome, ExitZeroAfterSlurmCancelledTheStepIsNotAPass) {
  const auto o = read_srun_outcome(
      Outcome::exited(0),
      "srun: Job step aborted: Waiting up to 7 seconds for job step to finish.\n"
      "slurmstepd-vm: error: *** STEP 6.0 ON vm CANCELLED AT 2026-12-03T23:32:07 ***\n");
  EXPECT_EQ(o.kind, OutcomeKind::aborted);
  EXPECT_NE(o.message.find("cancelled by Slurm"), std::string::npos) << o.message;
}

TEST(SrunOutcome, ATimeLimitIsAbortedWithSlurmsReason) {
  const auto o = read_srun_outcome(
      Outcome::exited(0),
      "slurmstepd-vm: error: *** STEP 12.0 ON vm CANCELLED AT 2026-12-03T23:40:00 DUE TO TIME "
      "LIMIT ***\nsrun: error: vm: task 0: Terminated\n");
  EXPECT_EQ(o.kind, OutcomeKind::aborted);
  EXPECT_EQ(o.message, "cancelled by Slurm due to time limit");
}

TEST(SrunOutcome, SrunRefusingTheStepIsAFailureToStartInSrunsWords) {
  const auto o = read_srun_outcome(
      Outcome::exited(1),
      "srun: error: invalid partition specified: nope\nsrun: error: Unable to allocate "
      "resources: Invalid partition name specified\n");
  EXPECT_EQ(o.kind, OutcomeKind::failed_to_start);
  EXPECT_NE(o.error.find("invalid partition specified: nope"), std::string::npos) << o.error;
}

TEST(SrunOutcome, WhatProcpoolDecidedStays) {
  Outcome timed_out;
  timed_out.kind = OutcomeKind::timed_out;
  EXPECT_EQ(read_srun_outcome(timed_out, "srun: forcing job termination\n").kind,
            OutcomeKind::timed_out);
  EXPECT_EQ(read_srun_outcome(Outcome::exited(0), "").kind, OutcomeKind::passed);
  EXPECT_EQ(read_srun_outcome(Outcome::exited(3), "plain output of a test\n").exit_code, 3);
}

}  // namespace
}  // namespace procpool::slurm
