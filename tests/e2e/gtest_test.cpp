// procpool gtest end to end, on the fixture binaries in tests/fixtures/.
#include <csignal>
#include <map>
#include <set>
#include <sstream>

#include "gtest_fixture.hpp"

namespace procpool::testing {
namespace {

TEST_F(GtestRun, EveryTestGetsItsExactVerdict) {
  auto r = run({"-j2", kMixed, "--filter", "-Hang.*:Flaky.*:Leak.*"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::map<std::string, std::string> expected{
      {"Pass.One", "passed"},           {"Pass.Two", "passed"},
      {"Fail.Assertion", "failed"},     {"Crash.Segv", "crashed"},
      {"Crash.Abort", "crashed"},       {"Skip.Skipped", "skipped"},
      {"Early.ExitZero", "failed"},     {"Inst/Param.Works/0", "passed"},
      {"Inst/Param.Works/1", "passed"}, {"Inst/Param.Works/2", "passed"},
      {"Typed/0.Works", "passed"},      {"Typed/1.Works", "passed"},
      {"Death.Dies", "passed"},         {"Output.Megabytes", "passed"},
      {"Fork.ChildProcess", "passed"},  {"TmpDir.Private", "passed"},
      {"Env.Slot", "passed"},           {"DISABLED_Off.Never", "disabled"},
  };
  EXPECT_EQ(verdicts(), expected);
  const auto doc = report();
  for (const auto& t : doc["tasks"]) {
    if (t["name"] == "Fail.Assertion") {
      EXPECT_NE(t["message"].get<std::string>().find("marker-assertion"), std::string::npos);
      EXPECT_NE(t["message"].get<std::string>().find("fixture_mixed.cpp:"), std::string::npos);
    }
    if (t["name"] == "Crash.Segv") {
      EXPECT_EQ(t["signal"], "SIGSEGV");
    }
    if (t["name"] == "Early.ExitZero") {
      EXPECT_NE(t["message"].get<std::string>().find("exited early"), std::string::npos);
    }
  }
  EXPECT_NE(r.out.find("[  FAILED  ] 4 tests, listed below:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[  PASSED  ] 12 tests."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("marker-assertion"), std::string::npos) << "failed test output is shown";
}

TEST_F(GtestRun, FlagsAndVariablesThatQuietGtestsConsoleDoNotHideAVerdict) {
  // Verdicts are read from gtest's console lines: --gtest_brief=1 (no RUN/OK lines for a
  // passing test) and --gtest_print_time=0 (no times) must not change one, in either mode.
  const std::map<std::string, std::string> expected{
      {"Pass.One", "passed"}, {"Fail.Assertion", "failed"}, {"Skip.Skipped", "skipped"}};
  const std::string filter = "Pass.One:Fail.Assertion:Skip.Skipped";
  for (const std::string batch : {"", "3"}) {
    std::vector<std::string> args{kMixed, "--filter", filter};
    if (!batch.empty()) args.insert(args.begin(), {"--batch", batch});
    auto flags = args;
    flags.insert(flags.end(), {"--", "--gtest_brief=1", "--gtest_print_time=0"});
    auto r = run(flags);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(verdicts(), expected) << "flags, batch " << batch << r.out;
    r = run(args, {.env = {"GTEST_BRIEF=1", "GTEST_PRINT_TIME=0"}});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(verdicts(), expected) << "variables, batch " << batch << r.out;
  }
}

TEST_F(GtestRun, AHangingTestTimesOut) {
  auto r = run({"--timeout", "0.5", "--grace", "0.2", kMixed, "--filter", "Hang.*"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(verdicts()["Hang.Forever"], "timed_out");
  EXPECT_LT(r.seconds, 10.0);
}

TEST_F(GtestRun, AFlakyTestPassesOnRetryAndIsReportedFlaky) {
  auto r =
      run({"--retries", "1", "--junit", dir_.file("junit.xml"), kMixed, "--filter", "Flaky.*"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(verdicts()["Flaky.FirstAttemptFails"], "flaky");
  EXPECT_EQ(report()["tasks"][0]["attempts"], 2);
  const std::string xml = read_file(dir_.file("junit.xml"));
  EXPECT_NE(xml.find("<flakyFailure"), std::string::npos) << xml;
  std::string message;
  EXPECT_TRUE(schema_valid(dir_.file("junit.xml"), message)) << message;
}

TEST_F(GtestRun, FailOnFlakyTurnsAFlakyPassIntoFailure) {
  auto r = run({"--retries", "1", "--fail-on-flaky", kMixed, "--filter", "Flaky.*"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(GtestRun, ATestThatLeavesAProcessRunningIsReportedAndTheProcessStopped) {
  auto r = run({kMixed, "--filter", "Leak.*"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("LEAK"), std::string::npos) << r.out;
  EXPECT_EQ(report()["tasks"][0]["leaked"], true);
  expect_all_dead(dir_.file("leak.pid"));
}

TEST_F(GtestRun, UnlistableBinariesBecomeFailingEntriesAndTheRestStillRun) {
  auto r = run({kCrashList, "/nonexistent/tests", "/bin/echo", kMixed, "--filter", "Pass.*"});
  EXPECT_EQ(r.exit_code, 1);
  auto v = verdicts();
  EXPECT_EQ(v["fixture_crash_list.list_tests"], "failed_to_start");
  EXPECT_EQ(v["tests.list_tests"], "failed_to_start");
  EXPECT_EQ(v["echo.list_tests"], "failed_to_start");
  EXPECT_EQ(v["Pass.One"], "passed");
  EXPECT_EQ(v["Pass.Two"], "passed");
  const std::string all = report().dump();
  EXPECT_NE(all.find("SIGSEGV"), std::string::npos);
  EXPECT_NE(all.find("No such file or directory"), std::string::npos);
  EXPECT_NE(all.find("not a GoogleTest binary"), std::string::npos);
}

TEST_F(GtestRun, AFailingGlobalEnvironmentFailsItsTests) {
  auto r = run({kBadEnv});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(verdicts()["Any.Test"], "failed");
}

TEST_F(GtestRun, DisabledTestsRunOnlyWhenAsked) {
  auto without = run({kMixed, "--filter", "DISABLED_Off.*:Pass.One"});
  EXPECT_EQ(without.exit_code, 0);
  EXPECT_EQ(verdicts(), (std::map<std::string, std::string>{{"DISABLED_Off.Never", "disabled"},
                                                            {"Pass.One", "passed"}}))
      << "listed as disabled, as CI servers show them";
  EXPECT_NE(without.out.find("[ DISABLED ] DISABLED_Off.Never"), std::string::npos) << without.out;
  // The header counts what runs, as gtest's own does (the binary itself says how many).
  const std::string own = dir_.file("own.txt");
  ASSERT_EQ(std::system((kMixed + " --gtest_filter='DISABLED_Off.*:Pass.One' > " + own).c_str()),
            0);
  const std::string gtest_header = read_file(own);
  const auto at = gtest_header.find("[==========] Running ");
  ASSERT_NE(at, std::string::npos) << gtest_header;
  const std::string count = gtest_header.substr(at + 21, gtest_header.find(' ', at + 21) - at - 21);
  EXPECT_NE(without.out.find("[==========] Running " + count + " test"), std::string::npos)
      << "gtest runs " << count << ":\n"
      << without.out;
  auto with = run({"--also-run-disabled-tests", kMixed, "--filter", "DISABLED_Off.*:Pass.One"});
  EXPECT_EQ(with.exit_code, 1);
  EXPECT_EQ(verdicts()["DISABLED_Off.Never"], "failed");
}

TEST_F(GtestRun, ColoursAreGtestsAndFollowColorNoColorAndGtestColor) {
  const std::string green_ok = "\033[0;32m[       OK ]\033[m Pass.One";
  const std::string red_failed = "\033[0;31m[  FAILED  ]\033[m Fail.Assertion";
  auto always = run({"--color", "always", kMixed, "--filter", "Pass.One:Fail.*"});
  EXPECT_NE(always.out.find(green_ok), std::string::npos) << always.out;
  EXPECT_NE(always.out.find(red_failed), std::string::npos) << always.out;
  // Not a terminal here: auto means none, unless gtest's own variable asks.
  auto plain = run({kMixed, "--filter", "Pass.One"});
  EXPECT_EQ(plain.out.find("\033["), std::string::npos) << plain.out;
  auto gtest_says = run({kMixed, "--filter", "Pass.One"}, {.env = {"GTEST_COLOR=yes"}});
  EXPECT_NE(gtest_says.out.find(green_ok), std::string::npos) << gtest_says.out;
  auto no_color = run({kMixed, "--filter", "Pass.One"}, {.env = {"GTEST_COLOR=yes", "NO_COLOR=1"}});
  EXPECT_EQ(no_color.out.find("\033["), std::string::npos) << "NO_COLOR wins\n" << no_color.out;
  auto never =
      run({"--color", "never", kMixed, "--filter", "Pass.One"}, {.env = {"GTEST_COLOR=yes"}});
  EXPECT_EQ(never.out.find("\033["), std::string::npos) << never.out;
}

TEST_F(GtestRun, FailureAndSuccessOutputAreShownWhenAsked) {
  const std::string filter = "Pass.One:Fail.*";
  auto never = run({"--failure-output", "never", kMixed, "--filter", filter});
  EXPECT_EQ(never.out.find("marker-assertion"), std::string::npos) << never.out;
  EXPECT_NE(never.out.find("[  FAILED  ] Fail.Assertion"), std::string::npos) << never.out;
  auto final = run({"--failure-output", "final", kMixed, "--filter", filter});
  const auto marker = final.out.find("marker-assertion");
  const auto ran = final.out.find("[==========] 2 tests ran.");
  const auto failed = final.out.find("[  FAILED  ] Fail.Assertion");
  ASSERT_NE(marker, std::string::npos) << final.out;
  EXPECT_LT(failed, marker) << "at the end, after the test's own line\n" << final.out;
  EXPECT_LT(marker, ran) << final.out;
  auto success = run({"--success-output", "immediate", kMixed, "--filter", "Pass.One"});
  EXPECT_NE(success.out.find("[ RUN      ] Pass.One"), std::string::npos)
      << "a passing test's own output\n"
      << success.out;
  auto quiet = run({kMixed, "--filter", "Pass.One"});
  EXPECT_EQ(quiet.out.find("[ RUN      ] Pass.One"), std::string::npos) << quiet.out;
}

void copy_history(const TempDir& dir, const std::string& to) {
  if (std::filesystem::exists(dir.file("history.json"))) {
    std::filesystem::copy_file(dir.file("history.json"), dir.file(to),
                               std::filesystem::copy_options::overwrite_existing);
  } else {
    std::filesystem::remove(dir.file(to));
  }
}

TEST_F(GtestRun, ShardsAreDisjointAndTogetherCoverEveryTest) {
  const std::string filter = "Pass.*:Inst/*:Typed/*:Fork.*:Env.*:TmpDir.*";
  for (bool with_history : {false, true}) {
    if (with_history) run({kMixed, "--filter", filter});  // records durations
    std::multiset<std::string> seen;
    for (int k = 1; k <= 3; ++k) {
      copy_history(dir_, "shard-history.json");
      auto r = run({"--shard", std::to_string(k) + "/3", kMixed, "--filter", filter}, {},
                   "shard-history.json");
      EXPECT_EQ(r.exit_code, 0) << r.out;
      for (const auto& [name, verdict] : verdicts()) seen.insert(name);
    }
    EXPECT_EQ(seen.size(), 10u) << (with_history ? "with" : "without") << " history";
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 10u) << "disjoint";
  }
}

TEST_F(GtestRun, GtestShardingVariablesSelectTheSameShards) {
  const std::string filter = "Pass.*:Inst/*:Typed/*";
  run({"--shard", "2/3", kMixed, "--filter", filter}, {}, "flag-history.json");
  const auto by_flag = verdicts();
  run({kMixed, "--filter", filter},
      {.env = {"GTEST_TOTAL_SHARDS=3", "GTEST_SHARD_INDEX=1",
               "GTEST_SHARD_STATUS_FILE=" + dir_.file("status")}},
      "env-history.json");
  EXPECT_EQ(verdicts(), by_flag);
  EXPECT_TRUE(std::filesystem::exists(dir_.file("status"))) << "status file touched";
}

TEST_F(GtestRun, WithHistoryTheLongestTestStartsFirst) {
  auto first = run({"-j2", kSkewed});
  ASSERT_EQ(first.exit_code, 0) << first.out;
  auto earliest = [&] {
    std::string name, start = "~";
    const auto doc = report();
    for (const auto& t : doc["tasks"]) {
      if (t["start"].get<std::string>() < start) {
        start = t["start"];
        name = t["name"];
      }
    }
    return name;
  };
  EXPECT_NE(earliest(), "Skewed.Long") << "without history, listed order";
  auto second = run({"-j2", kSkewed});
  ASSERT_EQ(second.exit_code, 0);
  EXPECT_EQ(earliest(), "Skewed.Long");
  // That this finishes sooner is a timing, the benchmarks' to show: compared here, two runs'
  // wall times failed on a loaded machine (under ASan beside a compile, 5.7 s against 5.2 s).
}

TEST_F(GtestRun, ACorruptHistoryIsIgnoredWithAWarningAndReplaced) {
  write_file(dir_.file("history.json"), "{ this is not json");
  auto r = run({kMixed, "--filter", "Pass.One"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("ignoring history file"), std::string::npos) << r.err;
  EXPECT_NE(read_file(dir_.file("history.json")).find("Pass.One"), std::string::npos);
}

TEST_F(GtestRun, EachTestHasAPrivateTmpdirThatIsRemovedUnlessKept) {
  auto r = run({kMixed, "--filter", "TmpDir.*"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // Passing tests print nothing of their own, so read the path from a kept run.
  auto kept = run({"--keep-tmp", "--log-dir", dir_.file("logs"), kMixed, "--filter", "TmpDir.*"});
  EXPECT_NE(kept.err.find("kept in "), std::string::npos) << kept.err;
  const auto at = kept.err.find("kept in ") + 8;
  const std::string root = kept.err.substr(at, kept.err.find('\n', at) - at);
  EXPECT_TRUE(std::filesystem::exists(root + "/tmp/0-1/scratch")) << root;
  std::filesystem::remove_all(root);
}

TEST_F(GtestRun, LogDirHoldsOneLogPerFailedTestAndTheJsonPointsAtIt) {
  auto r = run({"--log-dir", dir_.file("logs"), kMixed, "--filter", "Fail.*:Pass.One"});
  EXPECT_EQ(r.exit_code, 1);
  const auto doc = report();
  for (const auto& t : doc["tasks"]) {
    if (t["name"] == "Pass.One") {
      EXPECT_TRUE(t["log"].is_null());
    } else {
      const std::string log = t["log"];
      EXPECT_EQ(log, dir_.file("logs") + "/fixture_mixed/Fail.Assertion.log");
      EXPECT_NE(read_file(log).find("marker-assertion"), std::string::npos);
    }
  }
}

TEST_F(GtestRun, SigintStopsTestsWritesReportsAndExits130) {
  auto r = run(
      {"-j2", "--grace", "0.2", "--junit", dir_.file("junit.xml"), kMixed, "--filter",
       "Hang.*:Pass.*"},
      {.send_signal = SIGINT,
       .signal_after = std::chrono::milliseconds(800),
       .signal_when = process_sleeping_with_argument_containing("--gtest_filter=Hang.Forever")});
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_EQ(verdicts()["Hang.Forever"], "cancelled");
  std::string message;
  EXPECT_TRUE(schema_valid(dir_.file("junit.xml"), message)) << message;
}

TEST_F(GtestRun, RepeatAndSlowestTimesWork) {
  auto r = run({"--repeat", "3", "--print-test-times", kMixed, "--filter", "Pass.One"});
  EXPECT_EQ(r.exit_code, 0);
  std::size_t oks = 0;
  for (auto at = r.out.find("[       OK ] Pass.One"); at != std::string::npos;
       at = r.out.find("[       OK ] Pass.One", at + 1)) {
    ++oks;
  }
  EXPECT_EQ(oks, 3u);
  EXPECT_NE(r.out.find("[  SLOWEST ]"), std::string::npos) << r.out;
}

TEST_F(GtestRun, BadOptionsAreUsageErrors) {
  EXPECT_EQ(run({"--shard", "4/3", kMixed}).exit_code, 2);
  EXPECT_EQ(run({}).exit_code, 2);
}

}  // namespace
}  // namespace procpool::testing

namespace procpool::testing {
namespace {

TEST_F(GtestRun, AGtestFilterAfterTheDashesSelectsTestsInsteadOfJoiningEveryProcess) {
  // Passed on as it was, the filter overrode each process's own: Pass.One's process also ran
  // Fail.Assertion and failed.
  auto r = run({kMixed, "--", "--gtest_filter=Pass.One:Fail.Assertion"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto v = verdicts();
  EXPECT_EQ(v, (std::map<std::string, std::string>{{"Pass.One", "passed"},
                                                   {"Fail.Assertion", "failed"}}));
  auto both = run({"--filter", "Pass.*", kMixed, "--", "--gtest_filter=Fail.*"});
  EXPECT_EQ(both.exit_code, 2) << both.err;
  EXPECT_NE(both.err.find("two filters"), std::string::npos) << both.err;
}

}  // namespace
}  // namespace procpool::testing
