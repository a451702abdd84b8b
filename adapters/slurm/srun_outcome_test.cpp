// srun's exit and stderr read as the task's outcome, and the controller's record deciding
// whether Slurm ended the job. The stderr lines and records are Slurm 22.05's, as recorded on the
// project's single-node Slurm (../shared/tools/slurm-local).
#include "procpool/adapters/slurm/srun_outcome.hpp"

#include <gtest/gtest.h>

namespace procpool::slurm {
namespace {

JobRecord record(std::string state, std::string reason = "None") {
  return {"2346", std::move(state), std::move(reason)};
}

TEST(SrunOutcome, ATasksOwnExitCodeIsAFailureWithThatCode) {
  const auto reading =
      read_srun(Outcome::exited(139), "srun: error: vm: task 0: Exited with exit code 139\n");
  const auto o = judge_by_record(reading, record("FAILED", "NonZeroExitCode"));
  EXPECT_EQ(o.kind, OutcomeKind::failed) << "exit 139 by choice is not a crash";
  EXPECT_EQ(o.exit_code, 139);
}

TEST(SrunOutcome, ASignalInTheTaskIsACrashWithThatSignal) {
  const auto reading =
      read_srun(Outcome::exited(139), "srun: error: vm: task 0: Segmentation fault\n");
  const auto o = judge_by_record(reading, record("FAILED", "JobLaunchFailure"));
  EXPECT_EQ(o.kind, OutcomeKind::signalled);
  EXPECT_EQ(o.signal, 11);
}

TEST(SrunOutcome, ACancelledJobIsAbortedThoughSlurmstepdsLineNeverCame) {
  // What srun wrote in the project's CI when the step ended before slurmstepd's line arrived.
  const auto reading =
      read_srun(Outcome::exited(143),
                "srun: Job step aborted: Waiting up to 7 seconds for job step to finish.\n"
                "srun: error: vm: task 0: Terminated\n"
                "srun: launch/slurm: _step_signal: Terminating StepId=2262.0\n");
  EXPECT_TRUE(reading.ask_slurm);
  const auto o = judge_by_record(reading, record("CANCELLED"));
  EXPECT_EQ(o.kind, OutcomeKind::aborted);
  EXPECT_NE(o.message.find("cancelled by Slurm"), std::string::npos) << o.message;
}

TEST(SrunOutcome, ExitZeroAfterSlurmCancelledTheStepIsNotAPass) {
  const auto reading =
      read_srun(Outcome::exited(0),
                "srun: Job step aborted: Waiting up to 7 seconds for job step to finish.\n"
                "slurmstepd-vm: error: *** STEP 6.0 ON vm CANCELLED AT 2026-12-03T23:32:07 ***\n");
  EXPECT_TRUE(reading.ask_slurm) << "exit 0 with Slurm's words is asked about";
  EXPECT_EQ(judge_by_record(reading, record("CANCELLED")).kind, OutcomeKind::aborted);
  EXPECT_EQ(judge_by_words(reading).kind, OutcomeKind::aborted)
      << "with no record to ask, the words stand";
}

TEST(SrunOutcome, WordsTheTaskWroteAreOverruledByTheRecord) {
  const std::string forged =
      "slurmstepd-vm: error: *** STEP 9.0 ON vm CANCELLED AT 2026-12-07T00:00:00 ***\n"
      "srun: error: Node failure on vm\n";
  const auto passed = read_srun(Outcome::exited(0), forged);
  EXPECT_EQ(judge_by_record(passed, record("COMPLETED")).kind, OutcomeKind::passed);
  const auto failed =
      read_srun(Outcome::exited(3), forged + "srun: error: vm: task 0: Exited with exit code 3\n");
  const auto o = judge_by_record(failed, record("FAILED", "NonZeroExitCode"));
  EXPECT_EQ(o.kind, OutcomeKind::failed);
  EXPECT_EQ(o.exit_code, 3);
}

TEST(SrunOutcome, ATimeLimitIsAbortedWithSlurmsReasonEvenWhileTheJobIsCompleting) {
  const auto reading = read_srun(Outcome::exited(143), "srun: error: vm: task 0: Terminated\n");
  EXPECT_EQ(judge_by_record(reading, record("TIMEOUT", "TimeLimit")).message,
            "cancelled by Slurm due to time limit");
  EXPECT_EQ(judge_by_record(reading, record("COMPLETING", "TimeLimit")).message,
            "cancelled by Slurm due to time limit");
  const auto by_words = read_srun(
      Outcome::exited(0),
      "slurmstepd-vm: error: *** STEP 12.0 ON vm CANCELLED AT 2026-12-03T23:40:00 DUE TO TIME "
      "LIMIT ***\nsrun: error: vm: task 0: Terminated\n");
  EXPECT_EQ(judge_by_words(by_words).message, "cancelled by Slurm due to time limit");
}

TEST(SrunOutcome, ACompletingJobWithoutAReasonFallsBackToTheWords) {
  const auto reading = read_srun(Outcome::exited(143), "srun: error: vm: task 0: Terminated\n");
  EXPECT_EQ(judge_by_record(reading, record("COMPLETING")).kind, OutcomeKind::signalled);
}

TEST(SrunOutcome, SlurmLosingTheNodeOrPreemptingIsAborted) {
  const auto reading = read_srun(Outcome::exited(1), "");
  EXPECT_EQ(judge_by_record(reading, record("NODE_FAIL")).kind, OutcomeKind::aborted);
  EXPECT_EQ(judge_by_record(reading, record("PREEMPTED")).kind, OutcomeKind::aborted);
  EXPECT_EQ(judge_by_record(reading, record("OUT_OF_MEMORY")).kind, OutcomeKind::failed)
      << "running out of memory is the task's own doing, as a local OOM kill is";
}

TEST(SrunOutcome, SrunRefusingTheStepIsAFailureToStartInSrunsWords) {
  const auto reading =
      read_srun(Outcome::exited(1),
                "srun: error: invalid partition specified: nope\nsrun: error: Unable to allocate "
                "resources: Invalid partition name specified\n");
  const auto o = judge_by_words(reading);  // no job was made: there is no record
  EXPECT_EQ(o.kind, OutcomeKind::failed_to_start);
  EXPECT_NE(o.error.find("invalid partition specified: nope"), std::string::npos) << o.error;
}

TEST(SrunOutcome, WhatProcpoolDecidedStaysAndAPlainPassAsksNothing) {
  Outcome timed_out;
  timed_out.kind = OutcomeKind::timed_out;
  const auto stopped = read_srun(timed_out, "srun: forcing job termination\n");
  EXPECT_EQ(stopped.outcome.kind, OutcomeKind::timed_out);
  EXPECT_FALSE(stopped.ask_slurm);
  const auto plain = read_srun(Outcome::exited(0), "");
  EXPECT_EQ(plain.outcome.kind, OutcomeKind::passed);
  EXPECT_FALSE(plain.ask_slurm) << "a pass with no words costs no query";
  EXPECT_EQ(read_srun(Outcome::exited(3), "plain output of a test\n").outcome.exit_code, 3);
}

TEST(JobRecord, TheNewestJobOfTheNameIsTheOneAndCompletingHasNotEnded) {
  const auto r = parse_job_record("2350|CANCELLED|None\n2362|COMPLETING|None\n2355|FAILED|x\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "2362");
  EXPECT_FALSE(r->ended());
  EXPECT_TRUE(parse_job_record("7|TIMEOUT|TimeLimit\n")->ended());
  EXPECT_FALSE(parse_job_record(""));
  EXPECT_FALSE(parse_job_record("squeue: error: Invalid user\n"));
}

}  // namespace
}  // namespace procpool::slurm
