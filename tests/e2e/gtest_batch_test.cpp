// procpool gtest --batch: several tests per process, yet every test keeps the verdict it has
// alone (or is order-dependent), crashes split the batch, --timeout applies per test, and the
// reports name what ran before an order-dependent test. Fixture: tests/fixtures/fixture_batch.cpp.
#include <cmath>
#include <csignal>
#include <map>
#include <set>

#include "gtest_fixture.hpp"

namespace procpool::testing {
namespace {

using GtestBatch = GtestRun;

// Everything but the brittle pair (a brittle test passes in a batch and fails alone, and only
// failures are confirmed alone: the order-dependence finder is for those) and the slow
// TEST_TMPDIR tests (they have their own test, without the 1 s timeout used here).
const std::string kAllButBrittle = "-Brittle.*:KeepsTmp.*";

TEST_F(GtestBatch, EveryBatchedVerdictIsTheVerdictAloneForSeveralBatchSizes) {
  auto alone_run = run({"--timeout", "1", kBatch, "--filter", kAllButBrittle});
  ASSERT_EQ(alone_run.exit_code, 1) << alone_run.err;
  const auto alone = verdicts();
  ASSERT_EQ(alone.size(), 19u);
  EXPECT_EQ(alone.at("Batch.Segv"), "crashed");
  EXPECT_EQ(alone.at("Batch.ExitZero"), "failed");
  EXPECT_EQ(alone.at("Hang.Forever"), "timed_out");
  EXPECT_EQ(alone.at("Batch.FakeMarkers"), "failed");
  EXPECT_EQ(alone.at("Victim.FailsAfterPolluter"), "passed");

  for (const std::string size : {"1", "3", "5", "1000"}) {
    auto r = run({"--batch", size, "--timeout", "1", kBatch, "--filter", kAllButBrittle});
    EXPECT_EQ(r.exit_code, 1) << size << "\n" << r.err;
    const auto batched = verdicts();
    ASSERT_EQ(batched.size(), alone.size()) << "size " << size << ": one verdict per test";
    for (const auto& [name, verdict] : alone) {
      const std::string got = batched.at(name);
      if (verdict == "passed" && got == "order_dependent") continue;
      EXPECT_EQ(got, verdict) << name << " with --batch " << size;
    }
    if (size == "1000") {  // the polluter ran before its victim in one process
      EXPECT_EQ(batched.at("Victim.FailsAfterPolluter"), "order_dependent");
    }
  }
}

TEST_F(GtestBatch, ACrashSplitsTheBatchAndNoTestIsLostOrReportedTwice) {
  auto r = run({"--batch", "1000", kBatch, "--filter", "Batch.*"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto doc = report();
  std::multiset<std::string> names;
  for (const auto& task : doc["tasks"]) names.insert(task["name"].get<std::string>());
  EXPECT_EQ(names.size(), 12u);
  for (const auto& name : names) EXPECT_EQ(names.count(name), 1u) << name;
  for (const auto& task : doc["tasks"]) {
    if (task["name"] == "Batch.Segv") {
      EXPECT_EQ(task["verdict"], "crashed");
      EXPECT_EQ(task["attempts"], 2) << "in the batch, then alone to confirm";
    }
    if (task["name"] == "Batch.Pass3") {
      EXPECT_EQ(task["verdict"], "passed") << "after a crash, the rest ran in a new batch";
    }
  }
  EXPECT_EQ(doc["summary"]["passed"], 6);
  EXPECT_NE(r.out.find("[ CONFIRM  ] Batch.Segv"), std::string::npos) << r.out;
}

TEST_F(GtestBatch, AnOrderDependentTestPassesIsListedApartAndNamesWhatRanBefore) {
  // One job: without history, auto makes two batches per job, [Polluter, FailsAfterPolluter] and
  // [Pass7].
  auto r = run({"-j", "1", "--batch", "auto", "--junit", dir_.file("junit.xml"), kBatch, "--filter",
                "Victim.*"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto doc = report();
  EXPECT_EQ(doc["summary"]["order_dependent"], 1);
  bool seen = false;
  for (const auto& task : doc["tasks"]) {
    if (task["name"] != "Victim.FailsAfterPolluter") continue;
    seen = true;
    EXPECT_EQ(task["verdict"], "order_dependent");
    EXPECT_EQ(task["ran_before"], nlohmann::json::array({"Victim.Polluter"}));
  }
  EXPECT_TRUE(seen);
  EXPECT_NE(r.out.find("[ ORDERDEP ] 1 test, listed below:"), std::string::npos) << r.out;
  std::string message;
  EXPECT_TRUE(schema_valid(dir_.file("junit.xml"), message)) << message;
  EXPECT_NE(read_file(dir_.file("junit.xml")).find("flakyFailure"), std::string::npos)
      << "its failure in the batch is reported as a flaky test's is";

  auto strict = run({"--batch", "3", "--fail-on-order-dependent", kBatch, "--filter", "Victim.*"});
  EXPECT_EQ(strict.exit_code, 1) << strict.err;
}

TEST_F(GtestBatch, AFailureTheOrderDoesNotReproduceIsFlakyNotOrderDependent) {
  // Flaky.FailsTheFirstTime fails in its batch, passes alone, and passes again after the test
  // that ran before it there: the order is not to blame.
  auto r = run({"--batch", "2", FIXTURE_ORDER, "--filter", "Flaky.*"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto v = verdicts();
  EXPECT_EQ(v.at("Flaky.FailsTheFirstTime"), "flaky") << r.out;
  EXPECT_EQ(v.at("Flaky.Before"), "passed");
  EXPECT_NE(r.out.find("[ RECHECK  ] Flaky.FailsTheFirstTime"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("in 1 batch."), std::string::npos) << "the header says how it runs\n"
                                                          << r.out;
}

TEST_F(GtestBatch, TheTimeoutAppliesToEachTestOfABatchFromItsRunLine) {
  auto r = run({"--batch", "1000", "--timeout", "1", kBatch, "--filter", "Hang.*:Batch.Pass*"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto v = verdicts();
  EXPECT_EQ(v.at("Hang.Forever"), "timed_out");
  EXPECT_EQ(v.at("Hang.PassAfter"), "passed") << "requeued after the hang, then run";
  EXPECT_EQ(v.at("Batch.Pass6"), "passed");
  EXPECT_LT(r.seconds, 8.0) << "1 s in the batch, 1 s alone, not the sum of the batch";
}

TEST_F(GtestBatch, ABatchThatHangsBeforeItsFirstTestGivesEveryTestAVerdict) {
  auto r = run({"--batch", "1000", "--timeout", "1", kBatch, "--filter", "Batch.Pass*"},
               {.env = {"FIXTURE_SETUP_HANG=1"}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto v = verdicts();
  ASSERT_EQ(v.size(), 6u);
  for (const auto& [name, verdict] : v) EXPECT_EQ(verdict, "timed_out") << name;
}

TEST_F(GtestBatch, AFailingGlobalTearDownIsBlamedOnNoTestsOrder) {
  // Alone, only Batch.Pass2 makes the program fail; in a batch every test "passed" and the
  // program failed: each is confirmed alone, and the others are plain passes, not
  // order-dependent (the tests before them did not make them fail).
  auto r = run({"--batch", "1000", kBatch, "--filter", "Batch.Pass*"},
               {.env = {"FIXTURE_TEARDOWN_FAILS_AFTER_PASS2=1"}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto v = verdicts();
  ASSERT_EQ(v.size(), 6u);
  for (const auto& [name, verdict] : v) {
    EXPECT_EQ(verdict, name == "Batch.Pass2" ? "failed" : "passed") << name;
  }
}

TEST_F(GtestBatch, TheNextBatchInASlotKeepsItsTemporaryDirectory) {
  // One job, batches of two: the second batch starts in the slot (and TEST_TMPDIR) the first
  // just left, which must be emptied before, not while, it runs.
  auto r = run({"-j", "1", "--batch", "2", kBatch, "--filter", "KeepsTmp.*"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  for (const auto& [name, verdict] : verdicts()) EXPECT_EQ(verdict, "passed") << name;
}

TEST_F(GtestBatch, EachTestGetsItsOwnOutputSlice) {
  auto r = run({"--batch", "1000", "--log-dir", dir_.file("logs"), kBatch, "--filter",
                "Batch.Pass*:Batch.Fail"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto doc = report();  // not `: report()["tasks"]`: that would dangle
  for (const auto& task : doc["tasks"]) {
    if (task["name"] != "Batch.Fail") continue;
    ASSERT_TRUE(task["log"].is_string());
    const std::string log = read_file(task["log"]);
    EXPECT_NE(log.find("marker-batch-failure"), std::string::npos) << log;
    EXPECT_EQ(log.find("marker-pass3-output"), std::string::npos) << "another test's output";
  }
}

TEST_F(GtestBatch, TwentyThousandTestsRunInBatchesUnderTheArgumentLimit) {
  auto r = run({"--batch", "auto", kHuge}, {.limit = std::chrono::seconds(180)});
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
  EXPECT_EQ(report()["summary"]["passed"], 20000);
}

// gtest measures whole milliseconds: a batch of fast tests says 0 ms for each, and a plan that
// believed it put hundreds of them in one batch, which ended long after the others. The history
// gives each its share of its process's time; the reports keep gtest's own measure.
TEST_F(GtestBatch, TestsMeasuredAtZeroAreRememberedWithTheirShareOfTheirBatch) {
  const auto began = std::chrono::steady_clock::now();
  auto r = run({"-j1", "--batch", "1000", FIXTURE_MANY}, {.env = {"FIXTURE_WORK_US=0"}});
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto history = nlohmann::json::parse(read_file(dir_.file("history.json")));
  ASSERT_EQ(history["tests"].size(), 500u);
  double sum = 0;
  for (const auto& [id, entry] : history["tests"].items()) {
    const double seconds = entry["seconds"].get<double>();
    EXPECT_GT(seconds, 0.0) << id;
    sum += seconds;
  }
  EXPECT_LT(sum, wall) << "more than the whole run";
  const auto doc = report();  // kept alive: the loop walks inside it
  for (const auto& task : doc["tasks"]) {
    // gtest measures whole milliseconds (0 for most of these, more when the machine is busy).
    const double ms = task["duration"].get<double>() * 1000;
    EXPECT_NEAR(ms, std::round(ms), 1e-6) << "the report keeps gtest's measure";
  }
}

TEST_F(GtestBatch, CtrlCDuringABatchWritesReportsExits130AndLeavesNoProcess) {
  auto r = run({"--batch", "1000", "--junit", dir_.file("junit.xml"), kBatch, "--filter",
                "Batch.Pass1:Hang.*"},
               {.send_signal = SIGINT,
                .signal_after = std::chrono::milliseconds(700),
                .signal_when = process_sleeping_with_argument_containing("Hang.Forever")});
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(r.seconds, 10.0);
  const auto v = verdicts();
  EXPECT_EQ(v.at("Batch.Pass1"), "passed");
  EXPECT_EQ(v.at("Hang.Forever"), "cancelled");
  EXPECT_EQ(v.at("Hang.PassAfter"), "not_run");
  // The console says what the reports say: cancelled, not failed.
  EXPECT_NE(r.out.find("[ CANCELLED] Hang.Forever"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("FAILED TEST"), std::string::npos) << r.out;
  std::string message;
  EXPECT_TRUE(schema_valid(dir_.file("junit.xml"), message)) << message;
}

TEST_F(GtestBatch, TheFinderNamesVictimsAndBrittleTestsWithTheTestsResponsible) {
  auto r = run({"--find-order-dependence", kBatch, "--filter",
                "Victim.*:Brittle.*:Late.*:Batch.Pass*:Batch.Fail:Batch.Segv"});
  EXPECT_EQ(r.exit_code, 1) << "order-dependent tests found\n" << r.err;
  const auto found = report()["order_dependence"];
  std::map<std::string, nlohmann::json> by_test;
  for (const auto& entry : found) by_test[entry["test"]] = entry;
  ASSERT_EQ(by_test.size(), 3u) << found.dump(2);
  EXPECT_EQ(by_test["Victim.FailsAfterPolluter"]["kind"], "victim");
  EXPECT_EQ(by_test["Victim.FailsAfterPolluter"]["by"], nlohmann::json::array({"Victim.Polluter"}));
  EXPECT_EQ(by_test["Brittle.NeedsStateSetter"]["kind"], "brittle");
  EXPECT_EQ(by_test["Brittle.NeedsStateSetter"]["by"],
            nlohmann::json::array({"Brittle.StateSetter"}));
  EXPECT_EQ(by_test["Late.VictimOfALaterTest"]["kind"], "victim");
  EXPECT_EQ(by_test["Late.VictimOfALaterTest"]["by"], nlohmann::json::array({"Late.Polluter"}));
  EXPECT_NE(r.out.find("[ VICTIM  ] Victim.FailsAfterPolluter"), std::string::npos) << r.out;
}

TEST_F(GtestBatch, TheFinderFindsEveryVictimThoughOneHangsAndOneExits) {
  auto r = run({"--find-order-dependence", "--timeout", "1", FIXTURE_ORDER, "--filter", "Order.*"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto doc = report();  // kept alive for the loop
  std::map<std::string, nlohmann::json> by_test;
  for (const auto& entry : doc["order_dependence"]) by_test[entry["test"]] = entry;
  for (const char* victim :
       {"Order.HangsAfterPolluter", "Order.ExitsAfterPolluter", "Order.FailsAfterPolluter"}) {
    ASSERT_TRUE(by_test.count(victim)) << victim << "\n" << r.out;
    EXPECT_EQ(by_test[victim]["kind"], "victim");
    EXPECT_EQ(by_test[victim]["by"], nlohmann::json::array({"Order.Polluter"})) << victim;
  }
  EXPECT_FALSE(by_test.count("Order.Independent"));
}

TEST_F(GtestBatch, TheFinderFindsBrittleTestsWhoseStateSetterRunsAfterThem) {
  auto r = run({"--find-order-dependence", FIXTURE_ORDER, "--filter", "Counted.*"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto doc = report();  // kept alive for the loop
  std::map<std::string, nlohmann::json> by_test;
  for (const auto& entry : doc["order_dependence"]) by_test[entry["test"]] = entry;
  ASSERT_EQ(by_test.size(), 2u) << r.out;
  EXPECT_EQ(by_test["Counted.A"]["kind"], "brittle");
  EXPECT_EQ(by_test["Counted.A"]["by"], nlohmann::json::array({"Counted.B"}));
  EXPECT_EQ(by_test["Counted.B"]["by"], nlohmann::json::array({"Counted.A"}))
      << "its state-setter ran before it: found all the same";
}

TEST_F(GtestBatch, TheFinderRefusesAReportItCannotWriteBeforeRunningAnything) {
  auto r = run_procpool({"gtest", "--find-order-dependence", "--json",
                         "/nonexistent/dir/order.json", kBatch, "--filter", "Victim.*:Brittle.*"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/dir/order.json"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("tests alone"), std::string::npos) << "nothing ran first:\n" << r.err;
}

TEST_F(GtestBatch, CtrlCDuringTheFinderExits130WritesNoHalfReportAndLeavesNoProcess) {
  auto r = run({"--find-order-dependence", kBatch, "--filter", "Batch.Pass1:Hang.*"},
               {.send_signal = SIGINT,
                .signal_after = std::chrono::milliseconds(700),
                .signal_when = process_sleeping_with_argument_containing("Hang.Forever")});
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(r.seconds, 10.0);
  EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("report.json"))) << "no half-found report";
}

TEST_F(GtestBatch, TheFinderFindsNothingInIndependentTests) {
  auto r = run({"--find-order-dependence", kBatch, "--filter", "Batch.Pass*:Batch.Skip"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(report()["order_dependence"], nlohmann::json::array());
}

}  // namespace
}  // namespace procpool::testing
