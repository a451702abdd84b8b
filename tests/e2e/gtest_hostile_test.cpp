// procpool gtest against hostile conditions: a missing TMPDIR, history files of the wrong
// shape, absurd counts, garbage sharding variables, Ctrl-C while listing, huge output of a
// failing test, a ten-thousand-character test name, and two runs sharing one history file.
#include <sys/stat.h>
#include <csignal>
#include <filesystem>
#include <future>

#include "gtest_fixture.hpp"

namespace procpool::testing {
namespace {

using GtestHostile = GtestRun;

TEST_F(GtestHostile, AMissingTmpdirIsAClearErrorNotACrash) {
  auto r = run({kMixed, "--filter", "Pass.*"}, {.env = {"TMPDIR=/nonexistent-procpool-tmp"}});
  EXPECT_EQ(r.signal, 0) << r.err;
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("/nonexistent-procpool-tmp"), std::string::npos) << r.err;
}

TEST_F(GtestHostile, HistoryOfTheWrongShapeIsIgnoredWithAWarningThenReplaced) {
  for (
      const std::string& bad :
      {std::string(R"({"format":1,"version":1,"tests":{}})"),
       std::string(
           R"({"format":"procpool-history","version":1,"tests":{"fixture_mixed::Pass.One":{"seconds":0.1,"last_outcome":7}}})"),
       std::string(
           R"({"format":"procpool-history","version":1,"tests":{"x":[1],"y":{"seconds":"slow"}}})")}) {
    write_file(dir_.file("history.json"), bad);
    auto first = run({kMixed, "--filter", "Pass.*"});
    EXPECT_EQ(first.signal, 0) << bad << "\n" << first.err;
    EXPECT_EQ(first.exit_code, 0) << bad << "\n" << first.err;
    auto second = run({kMixed, "--filter", "Pass.*"});
    EXPECT_EQ(second.exit_code, 0) << second.err;
    EXPECT_EQ(second.err.find("warning"), std::string::npos)
        << "the bad file was replaced by a good one: " << second.err;
  }
}

TEST_F(GtestHostile, AnAbsurdRepeatCountIsRefusedAtOnce) {
  auto r = run({"--repeat", "4294967295", kMixed, "--filter", "Pass.*"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--repeat"), std::string::npos) << r.err;
  EXPECT_LT(r.max_rss_kb, 256 * 1024);
}

TEST_F(GtestHostile, GarbageShardingVariablesAreAnErrorNotShardOne) {
  auto r =
      run({kMixed, "--filter", "Pass.*"}, {.env = {"GTEST_TOTAL_SHARDS=2", "GTEST_SHARD_INDEX=x"}});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("GTEST_SHARD_INDEX=x"), std::string::npos) << r.err;
}

TEST_F(GtestHostile, CtrlCWhileListingStopsTheListerWritesJunitAndExits130) {
  const std::string lister = dir_.file("slow-lister");
  write_file(lister, "#!/bin/sh\necho $$ >> " + dir_.file("pids") + "\nexec sleep 100\n");
  ::chmod(lister.c_str(), 0755);
  auto r = run({"--junit", dir_.file("junit.xml"), lister},
               {.send_signal = SIGINT, .signal_after = std::chrono::milliseconds(700)});
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(r.seconds, 10.0);
  expect_all_dead(dir_.file("pids"));
  std::string message;
  EXPECT_TRUE(schema_valid(dir_.file("junit.xml"), message)) << message;
}

TEST_F(GtestHostile, AFailingTestPrintingHundredsOfMegabytesKeepsTheRunnerSmallWithLogs) {
  auto r = run({"--log-dir", dir_.file("logs"), kHostile, "--filter", "Big.*"},
               {.env = {"FIXTURE_BIG_MB=300"}, .limit = std::chrono::seconds(120)});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string log = report()["tasks"][0]["log"];
  EXPECT_GT(std::filesystem::file_size(log), 300u << 20) << "the whole output is in the log";
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  const long limit_kb = 256 * 1024;  // the sanitizers' shadow memory counts in the RSS
#else
  const long limit_kb = 64 * 1024;
#endif
  EXPECT_LT(r.max_rss_kb, limit_kb);
}

TEST_F(GtestHostile, ATenThousandCharacterTestNameGetsALogTheJsonPointsAt) {
  auto r = run({"--log-dir", dir_.file("logs"), "--junit", dir_.file("junit.xml"), kHostile,
                "--filter", "Many/LongName.*"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto doc = report();
  ASSERT_EQ(doc["tasks"].size(), 1u);
  ASSERT_TRUE(doc["tasks"][0]["log"].is_string()) << doc.dump();
  const std::string log = doc["tasks"][0]["log"];
  EXPECT_NE(read_file(log).find("marker-long-name"), std::string::npos) << log;
  std::string message;
  EXPECT_TRUE(schema_valid(dir_.file("junit.xml"), message)) << message;
}

TEST_F(GtestHostile, TwoRunsSharingOneHistoryFileKeepBothRunsDurations) {
  // The short tests finish first, the long one last: without care the last writer wins.
  auto shorts = std::async(std::launch::async, [&] {
    return run_procpool({"gtest", "-j2", "--history", dir_.file("history.json"), kSkewed,
                         "--filter", "Skewed.Short*"});
  });
  auto longer = std::async(std::launch::async, [&] {
    return run_procpool(
        {"gtest", "--history", dir_.file("history.json"), kSkewed, "--filter", "Skewed.Long"});
  });
  EXPECT_EQ(shorts.get().exit_code, 0);
  EXPECT_EQ(longer.get().exit_code, 0);
  const auto history = nlohmann::json::parse(read_file(dir_.file("history.json")));
  EXPECT_EQ(history["tests"].size(), 13u) << history.dump(1);
}

}  // namespace
}  // namespace procpool::testing
