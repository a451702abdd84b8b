// The file reporters on their own: what a JSON record and a joblog row say for each way a task
// can end, and that files are written whole when the run finishes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "procpool/runner/report/joblog_reporter.hpp"
#include "procpool/runner/report/json_reporter.hpp"
#include "test_support.hpp"

namespace procpool::report {
namespace {

using procpool::testing::TempDir;

struct Ended {
  TaskSpec spec;
  AttemptResult result;
  unsigned attempts = 1;
  TaskFinished event(std::size_t index = 0) const {
    return TaskFinished{index, &spec, attempts, false, &result};
  }
};

Ended ended(Outcome outcome, unsigned attempts = 1, std::string out = {}) {
  Ended e;
  e.spec.name = "./job --fast";
  e.result.outcome = std::move(outcome);
  e.result.duration = std::chrono::milliseconds(1500);
  e.result.started_at = WallTime(std::chrono::seconds(1700000000));
  auto capture = std::make_shared<Capture>();
  capture->append(out);
  e.result.out = capture;
  e.attempts = attempts;
  return e;
}

// A test's record (a command's has no verdict: `procpool run` reports outcomes).
Ended test_ended(Outcome outcome, unsigned attempts = 1, std::string out = {}) {
  Ended e = ended(std::move(outcome), attempts, std::move(out));
  e.spec.test = TestIdentity{"/build/unit", "S", "t"};
  return e;
}

TEST(JsonRecord, SaysHowEachKindOfEndEnded) {
  const auto failed = JsonReporter::record(test_ended(Outcome::exited(3), 1, "oops\n").event());
  EXPECT_EQ(failed["outcome"], "failed");
  EXPECT_EQ(failed["exit_code"], 3);
  EXPECT_TRUE(failed["signal"].is_null());
  EXPECT_EQ(failed["verdict"], "failed");
  EXPECT_EQ(failed["stdout"], "oops\n") << "a failure keeps its output";

  const auto crashed = JsonReporter::record(test_ended(Outcome::killed_by(11)).event());
  EXPECT_EQ(crashed["verdict"], "crashed");
  EXPECT_EQ(crashed["signal"], "SIGSEGV");
  EXPECT_TRUE(crashed["exit_code"].is_null()) << "a signal is not an exit code";

  const auto passed = JsonReporter::record(test_ended(Outcome::exited(0), 1, "fine\n").event());
  EXPECT_EQ(passed["verdict"], "passed");
  EXPECT_FALSE(passed.contains("stdout")) << "a pass keeps none";

  const auto never = JsonReporter::record(test_ended(Outcome{}, 0).event());
  EXPECT_FALSE(JsonReporter::record(ended(Outcome{}, 0).event()).contains("verdict"))
      << "a command is no test";
  EXPECT_EQ(never["outcome"], "skipped");
  EXPECT_EQ(never["verdict"], "not_run");
  EXPECT_EQ(never["attempts"], 0);
}

TEST(JoblogRow, FollowsGnuParallelsConventions) {
  EXPECT_EQ(JoblogReporter::row(ended(Outcome::exited(2), 1, "12345").event(4)),
            "5\t:\t1700000000.000\t1.500\t0\t5\t2\t0\t./job --fast");
  EXPECT_EQ(JoblogReporter::row(ended(Outcome::killed_by(9)).event()).substr(0, 2), "1\t");
  const std::string killed = JoblogReporter::row(ended(Outcome::killed_by(9)).event());
  EXPECT_NE(killed.find("\t0\t9\t"), std::string::npos) << "a signal leaves Exitval 0: " << killed;
  const std::string missing =
      JoblogReporter::row(ended(Outcome::start_failure("no such file")).event());
  EXPECT_NE(missing.find("\t127\t0\t"), std::string::npos) << missing;
  Outcome timed_out{OutcomeKind::timed_out};
  EXPECT_NE(JoblogReporter::row(ended(timed_out).event()).find("\t-1\t"), std::string::npos);
}

TEST(FileReporters, WriteTheirFilesWholeWhenTheRunFinishes) {
  TempDir dir;
  JsonReporter json(dir.file("r.json"));
  JoblogReporter joblog(dir.file("jobs.tsv"));
  const Ended ran = ended(Outcome::exited(0));
  const Ended never = ended(Outcome{}, 0);
  for (Reporter* r : std::initializer_list<Reporter*>{&json, &joblog}) {
    r->on_task_finished(ran.event(0));
    r->on_task_finished(never.event(1));
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("r.json"))) << "nothing before the end";
  RunSummary summary;
  summary.total = 2;
  for (Reporter* r : std::initializer_list<Reporter*>{&json, &joblog}) {
    r->on_run_finished(RunFinished{&summary});
  }
  const auto doc = nlohmann::json::parse(procpool::testing::read_file(dir.file("r.json")));
  EXPECT_EQ(doc["tasks"].size(), 2u);
  const std::string log = procpool::testing::read_file(dir.file("jobs.tsv"));
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 2) << "the header and the one that ran:\n"
                                                         << log;
  EXPECT_TRUE(json.error().empty());
}

TEST(FileReporters, AnUnwritablePathIsAnErrorNotACrash) {
  TempDir dir;
  JsonReporter json(dir.file("missing/dir/r.json"));
  RunSummary summary;
  json.on_run_finished(RunFinished{&summary});
  EXPECT_FALSE(json.error().empty());
  EXPECT_NE(json.error().find("r.json"), std::string::npos) << json.error();
}

}  // namespace
}  // namespace procpool::report
