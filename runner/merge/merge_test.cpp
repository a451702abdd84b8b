// `procpool merge` as a library: a report written by JsonReporter, read back as the events that
// made it, checked as shards and merged. The e2e tests run the command; these pin the pieces.
#include "procpool/runner/merge/merge.hpp"

#include <gtest/gtest.h>

#include "procpool/runner/core/verdict.hpp"
#include "procpool/runner/plan/suite_plan.hpp"
#include "procpool/runner/report/json_reporter.hpp"

namespace procpool::merge {
namespace {

struct Finished {
  TaskSpec spec;
  AttemptResult result;
  unsigned attempts = 1;
};

Finished test_named(const std::string& name, Outcome outcome, unsigned attempts = 1) {
  Finished f;
  f.spec.test = TestIdentity{"/build/unit", "S", name};
  f.spec.name = f.spec.test->full_name();
  f.result.outcome = std::move(outcome);
  f.result.duration = std::chrono::milliseconds(250);
  f.attempts = attempts;
  return f;
}

// A shard's report text, as JsonReporter writes it, for these tasks.
std::string report_of(const std::vector<Finished>& tasks, const std::string& shard,
                      const std::vector<std::string>& selected) {
  // The whole suite is S.a to S.d: its fingerprint is what the shards must agree on.
  report::RunDescription run{
      "gtest",
      shard,
      "hash",
      {"/build/unit"},
      selected,
      4,
      plan::suite_fingerprint({"unit:S.a", "unit:S.b", "unit:S.c", "unit:S.d"})};
  nlohmann::json::array_t records;
  RunSummary summary;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    TaskFinished event{i, &tasks[i].spec, tasks[i].attempts, false, &tasks[i].result};
    count_finished(summary, event);
    records.push_back(report::JsonReporter::record(event));
  }
  summary.total = tasks.size();
  return report::JsonReporter::text(report::JsonReporter::document(run, summary, records));
}

TEST(ShardReport, ReadsBackWhatTheJsonReporterWrote) {
  Outcome crashed = Outcome::killed_by(11);
  const std::string text =
      report_of({test_named("a", Outcome::exited(0)), test_named("b", crashed, 2),
                 test_named("c", Outcome{}, /*attempts=*/0)},
                "1/2", {"unit:S.a", "unit:S.b", "unit:S.c"});
  auto shard = parse_shard_report(text, "s1.json");
  ASSERT_TRUE(shard) << shard.error();
  ASSERT_EQ(shard->tasks.size(), 3u);
  EXPECT_EQ(shard->command, "gtest");
  EXPECT_EQ(shard->shard.index, 1u);
  EXPECT_EQ(shard->shard.total, 2u);
  EXPECT_EQ(shard->tasks[0].last.outcome.kind, OutcomeKind::passed);
  EXPECT_EQ(shard->tasks[1].last.outcome.kind, OutcomeKind::signalled);
  EXPECT_EQ(shard->tasks[1].last.outcome.signal, 11);
  EXPECT_EQ(shard->tasks[1].attempts, 2u);
  EXPECT_EQ(shard->tasks[2].last.outcome.kind, OutcomeKind::not_started)
      << "written as skipped with no attempt, read back as never started";
  EXPECT_EQ(verdict_of(shard->tasks[2].last.outcome, false), Verdict::not_run);
}

TEST(ShardReport, BadTextIsAnErrorNamingTheFile) {
  for (const std::string text : {"", "{", "[]", R"({"tasks": 3})", "null"}) {
    auto shard = parse_shard_report(text, "bad.json");
    ASSERT_FALSE(shard) << text;
    EXPECT_NE(shard.error().find("bad.json"), std::string::npos) << shard.error();
  }
}

TEST(Merge, TwoShardsMakeOneRunWithItsSummaryRecomputed) {
  std::vector<ShardReport> shards;
  for (const auto& [text, path] :
       {std::pair{
            report_of({test_named("a", Outcome::exited(0)), test_named("b", Outcome::exited(1))},
                      "1/2", {"unit:S.a", "unit:S.b"}),
            "s1.json"},
        std::pair{
            report_of({test_named("c", Outcome::exited(0)), test_named("d", Outcome::exited(0))},
                      "2/2", {"unit:S.c", "unit:S.d"}),
            "s2.json"}}) {
    auto shard = parse_shard_report(text, path);
    ASSERT_TRUE(shard) << shard.error();
    shards.push_back(std::move(*shard));
  }
  const auto problems = check_shards(shards);
  EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : problems.front());
  MergedRun run = merge_reports(shards);
  ASSERT_EQ(run.tasks.size(), 4u);
  EXPECT_EQ(run.summary.total, 4u);
  EXPECT_EQ(run.summary.passed, 3u);
  EXPECT_EQ(run.summary.failed, 1u);
  EXPECT_EQ(run.tasks[2]->spec.test->name, "c") << "shard by shard";
}

TEST(Merge, ShardsOfAnotherSuiteAreRefused) {
  std::vector<ShardReport> shards;
  for (const auto& [name, path] : {std::pair{"a", "s1.json"}, std::pair{"x", "s2.json"}}) {
    auto shard = parse_shard_report(
        report_of({test_named(name, Outcome::exited(0))},
                  path == std::string("s1.json") ? "1/2" : "2/2", {std::string("unit:S.") + name}),
        path);
    ASSERT_TRUE(shard) << shard.error();
    shards.push_back(std::move(*shard));
  }
  EXPECT_FALSE(check_shards(shards).empty()) << "S.x is not a test of the suite";
}

TEST(Merge, AShardGivenTwiceOrMissingIsSaidByName) {
  std::vector<ShardReport> shards;
  const std::string one = report_of({test_named("a", Outcome::exited(0))}, "1/3", {"unit:S.a"});
  for (const char* path : {"s1.json", "again.json"}) {
    auto shard = parse_shard_report(one, path);
    ASSERT_TRUE(shard) << shard.error();
    shards.push_back(std::move(*shard));
  }
  const auto problems = check_shards(shards);
  ASSERT_FALSE(problems.empty());
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_NE(all.find("again.json"), std::string::npos) << all;
  EXPECT_NE(all.find("2/3"), std::string::npos) << "the missing shards are named:\n" << all;
}

}  // namespace
}  // namespace procpool::merge
