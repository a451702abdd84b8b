// The one verdict function, from events and process ends alone: no process runs here. The
// end-to-end checks of the same rules on real programs are tests/e2e/gtest_verdict_test.cpp.
#include "procpool/adapters/gtest/judge.hpp"

#include <csignal>

#include <gtest/gtest.h>

namespace procpool::gtest {
namespace {

using Kind = ProgramEvent::Kind;
using Evidence = TestJudgement::Evidence;

// Builds a record from a script: "start", "run A.x", "pass", "fail", "part", "end 1", "end 0".
ProgramRecord record_of(std::vector<std::string> names, const std::vector<std::string>& script) {
  ProgramRecord record(std::move(names));
  for (const std::string& step : script) {
    ProgramEvent e;
    if (step == "start") {
      e.kind = Kind::program_start;
    } else if (step.rfind("run ", 0) == 0) {
      e.kind = Kind::test_start;
      e.name = step.substr(4);
    } else if (step == "pass" || step == "fail") {
      e.kind = Kind::test_end;
      e.passed = step == "pass";
    } else if (step == "part") {
      e.kind = Kind::part_result;
      e.file = "a.cc";
      e.line = 3;
      e.message = "Expected 1 == 2";
    } else if (step == "end 1" || step == "end 0") {
      e.kind = Kind::program_end;
      e.passed = step == "end 1";
    }
    record.add(e);
  }
  return record;
}

ProcessJudgement judge_with(const ProgramRecord& record, Outcome process, bool alone,
                            const GtestReport* report = nullptr) {
  JudgeInput in;
  in.record = &record;
  in.process = std::move(process);
  in.alone = alone;
  in.report = report;
  std::vector<std::size_t> all;
  for (std::size_t i = 0; i < record.names().size(); ++i) all.push_back(i);
  return judge(in, all);
}

Outcome timed_out() {
  Outcome o;
  o.kind = OutcomeKind::timed_out;
  return o;
}

TEST(Judge, AProgramThatEndedWellVouchesForItsTests) {
  const auto record =
      record_of({"A.x", "A.y"}, {"start", "run A.x", "pass", "run A.y", "pass", "end 1"});
  const auto judged = judge_with(record, Outcome::exited(0), false);
  EXPECT_TRUE(judged.ended_well);
  for (const auto& test : judged.tests) {
    EXPECT_EQ(test.evidence, Evidence::stands);
    EXPECT_EQ(test.outcome.kind, OutcomeKind::passed);
  }
}

// Rows 1-3 of issue 23: the end events came, every test passed, then the process ended badly.
TEST(Judge, AnAbortAStaticDestructorCrashOrExitZeroAfterTheTestsVouchesForNothing) {
  const auto record = record_of({"A.x", "A.y"}, {"start", "run A.x", "pass", "run A.y", "pass"});
  const auto with_end =
      record_of({"A.x", "A.y"}, {"start", "run A.x", "pass", "run A.y", "pass", "end 1"});
  struct Case {
    const ProgramRecord* record;
    Outcome end;
    OutcomeKind alone;
  };
  for (const Case& c : {Case{&record, Outcome::killed_by(SIGABRT), OutcomeKind::signalled},
                        Case{&with_end, Outcome::killed_by(SIGSEGV), OutcomeKind::signalled},
                        Case{&record, Outcome::exited(0), OutcomeKind::failed},
                        Case{&with_end, Outcome::exited(3), OutcomeKind::failed}}) {
    const auto batch = judge_with(*c.record, c.end, false);
    EXPECT_FALSE(batch.ended_well) << describe(c.end);
    EXPECT_FALSE(batch.blamed) << "no test was running";
    for (const auto& test : batch.tests) EXPECT_EQ(test.evidence, Evidence::unvouched);
  }
  // Alone, the same end is the test's verdict.
  for (const Case& c : {Case{&record, Outcome::killed_by(SIGABRT), OutcomeKind::signalled},
                        Case{&record, Outcome::exited(0), OutcomeKind::failed}}) {
    const auto one = record_of({"A.x"}, {"start", "run A.x", "pass"});
    const auto alone = judge_with(one, c.end, true);
    ASSERT_EQ(alone.tests.size(), 1u);
    EXPECT_EQ(alone.tests[0].evidence, Evidence::stands);
    EXPECT_EQ(alone.tests[0].outcome.kind, c.alone) << describe(c.end);
  }
}

// A timeout with no event says whether the program had started: srun's slow start of a step
// counts against --timeout, and is not a hung global set-up.
TEST(Judge, ATimeoutBeforeAnyEventSaysTheProgramHadNotStarted) {
  const auto silent = judge_with(record_of({"A.x"}, {}), timed_out(), true);
  EXPECT_EQ(silent.tests[0].outcome.kind, OutcomeKind::timed_out);
  EXPECT_NE(silent.tests[0].outcome.message.find("before the program started"), std::string::npos)
      << silent.tests[0].outcome.message;
  const auto in_set_up = judge_with(record_of({"A.x"}, {"start"}), timed_out(), true);
  EXPECT_NE(in_set_up.tests[0].outcome.message.find("a global set-up hung"), std::string::npos)
      << in_set_up.tests[0].outcome.message;
}

// Rows 4-6: whatever a test prints, the test running at the end takes the end's verdict.
TEST(Judge, TheTestRunningAtTheEndTakesItsVerdictAndTheFinishedAreUnvouched) {
  const auto record =
      record_of({"A.x", "F.Crasher", "A.y"}, {"start", "run A.x", "pass", "run F.Crasher"});
  const auto batch = judge_with(record, Outcome::killed_by(SIGSEGV), false);
  EXPECT_EQ(batch.blamed, std::optional<std::size_t>(1));
  EXPECT_EQ(batch.tests[0].evidence, Evidence::unvouched);
  EXPECT_EQ(batch.tests[1].evidence, Evidence::failed_in_batch);
  EXPECT_EQ(batch.tests[1].outcome.kind, OutcomeKind::signalled);
  EXPECT_EQ(batch.tests[2].evidence, Evidence::not_started);

  const auto hung = judge_with(record, timed_out(), false);
  EXPECT_EQ(hung.tests[1].outcome.kind, OutcomeKind::timed_out);

  const auto one = record_of({"F.Crasher"}, {"start", "run F.Crasher"});
  const auto alone = judge_with(one, Outcome::killed_by(SIGSEGV), true);
  EXPECT_EQ(alone.tests[0].evidence, Evidence::stands);
  EXPECT_EQ(alone.tests[0].outcome.kind, OutcomeKind::signalled);
}

TEST(Judge, ExitOneIsWellOnlyWhenTestsThatDidNotPassExplainIt) {
  const auto failed = record_of({"A.x"}, {"start", "run A.x", "part", "fail", "end 0"});
  const auto alone = judge_with(failed, Outcome::exited(1), true);
  EXPECT_TRUE(alone.ended_well);
  EXPECT_EQ(alone.tests[0].outcome.kind, OutcomeKind::failed);
  EXPECT_EQ(alone.tests[0].outcome.message, "a.cc:3\nExpected 1 == 2");

  // A failure outside any test (a global tear-down's assertion): the pass is not vouched for.
  const auto loose = record_of({"A.x"}, {"start", "run A.x", "pass", "part", "end 0"});
  const auto judged = judge_with(loose, Outcome::exited(1), true);
  EXPECT_FALSE(judged.ended_well);
  EXPECT_EQ(judged.tests[0].outcome.kind, OutcomeKind::failed);
  EXPECT_NE(judged.tests[0].outcome.message.find("outside any test"), std::string::npos)
      << judged.tests[0].outcome.message;
  EXPECT_EQ(judge_with(loose, Outcome::exited(1), false).tests[0].evidence, Evidence::unvouched);
}

TEST(Judge, ASkipIsToldFromAFailureByTheProgramsVerdictOrGtestsReport) {
  // The stream says passed=0 for both. A program gtest says passed has no failure: a skip.
  const auto skipped =
      record_of({"A.x", "A.y"}, {"start", "run A.x", "fail", "run A.y", "pass", "end 1"});
  const auto judged = judge_with(skipped, Outcome::exited(0), false);
  EXPECT_EQ(judged.tests[0].outcome.kind, OutcomeKind::skipped);
  EXPECT_EQ(judged.tests[0].evidence, Evidence::stands);

  // A program that failed: only gtest's report can say which did not pass how...
  const auto mixed =
      record_of({"A.x", "A.y"}, {"start", "run A.x", "fail", "run A.y", "fail", "end 0"});
  const auto report = GtestReport::parse(
      R"({"testsuites":[{"name":"A","testsuite":[{"name":"x","result":"SKIPPED"},)"
      R"({"name":"y","result":"COMPLETED","failures":[{"failure":"a.cc:1\nboom"}]}]}]})");
  ASSERT_TRUE(report);
  const auto with_report = judge_with(mixed, Outcome::exited(1), false, &*report);
  EXPECT_EQ(with_report.tests[0].outcome.kind, OutcomeKind::skipped);
  EXPECT_EQ(with_report.tests[1].outcome.kind, OutcomeKind::failed);
  EXPECT_EQ(with_report.tests[1].outcome.message, "a.cc:1\nboom");
  EXPECT_EQ(with_report.tests[1].evidence, Evidence::failed_in_batch);
  // ...and without it, both run alone to find out, as a failure in a batch does.
  const auto without = judge_with(mixed, Outcome::exited(1), false);
  EXPECT_EQ(without.tests[0].evidence, Evidence::failed_in_batch);
  EXPECT_EQ(without.tests[1].evidence, Evidence::failed_in_batch);
}

TEST(Judge, ATestThatDidNotRunAloneFailsAndInABatchRunsAgain) {
  const auto record = record_of({"A.x"}, {"start", "end 1"});
  const auto alone = judge_with(record, Outcome::exited(0), true);
  EXPECT_EQ(alone.tests[0].outcome.kind, OutcomeKind::failed);
  EXPECT_NE(alone.tests[0].outcome.message.find("did not run"), std::string::npos);
  EXPECT_EQ(judge_with(record, Outcome::exited(0), false).tests[0].evidence, Evidence::not_started);

  const ProgramRecord silent({"A.x"});  // no event at all: not a gtest program?
  const auto none = judge_with(silent, Outcome::exited(0), true);
  EXPECT_EQ(none.tests[0].outcome.kind, OutcomeKind::failed);
}

TEST(Judge, EventsOutOfGtestsOrderVouchForNothing) {
  // A test forked and its child went on running the program on the same connection.
  const auto record =
      record_of({"A.x", "A.y"}, {"start", "run A.x", "run A.y", "pass", "pass", "end 1"});
  EXPECT_FALSE(judge_with(record, Outcome::exited(0), false).ended_well);
}

TEST(Judge, LeftoverProcessesAreTheRunningOrLastFinishedTests) {
  const auto record =
      record_of({"A.x", "A.y"}, {"start", "run A.x", "pass", "run A.y", "pass", "end 1"});
  Outcome leaked = Outcome::exited(0);
  leaked.leaked = true;
  const auto judged = judge_with(record, leaked, false);
  EXPECT_FALSE(judged.tests[0].outcome.leaked);
  EXPECT_TRUE(judged.tests[1].outcome.leaked);
}

}  // namespace
}  // namespace procpool::gtest
