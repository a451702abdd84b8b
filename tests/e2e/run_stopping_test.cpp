// procpool run: timeouts, signals to the runner, leaks and escapes. Nothing may survive.
#include <csignal>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace procpool::testing {
namespace {

using RunStopping = CliTest;

TEST_F(RunStopping, HungTaskWithGrandchildrenIgnoringSigtermIsKilledWholeAfterTimeout) {
  TempDir dir;
  auto r = run_procpool({"run", "--timeout", "0.5", "--grace", "0.3", "--", helper(), "ignore-term",
                         "spawn-grandchild", "spawn-grandchild", "sleep", "100", "--", ":::", "x"},
                        {.env = {"PP_PIDFILE=" + dir.file("pids")}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("FAILED (timed out)"), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, 10.0);
  expect_all_dead(dir.file("pids"));
}

TEST_F(RunStopping, TimeoutSendsSigtermFirstSoCooperativeTasksStopWithinTheGrace) {
  auto r = run_procpool({"run", "--timeout", "0.3", "--grace", "20", "--", helper(), "sleep", "100",
                         "--", ":::", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_LT(r.seconds, 10.0) << "SIGTERM should have ended it long before the 20 s grace";
}

TEST_F(RunStopping, SigintStopsRunningTasksWritesReportsAndExits130) {
  TempDir dir;
  auto r = run_procpool({"run", "-j2", "--grace", "0.3", "--json", dir.file("r.json"), "--joblog",
                         dir.file("log"), "--", helper(), "ignore-term", "spawn-grandchild",
                         "sleep", "100", "--", ":::", "a", "b", "c"},
                        {.env = {"PP_PIDFILE=" + dir.file("pids")},
                         .send_signal = SIGINT,
                         .signal_after = std::chrono::milliseconds(500),
                         // both running tasks and their grandchildren wrote their pids
                         .signal_when = file_has_lines(dir.file("pids"), 4)});
  EXPECT_EQ(r.exit_code, 130) << r.err;
  expect_all_dead(dir.file("pids"));
  auto doc = nlohmann::json::parse(read_file(dir.file("r.json")));
  ASSERT_EQ(doc["tasks"].size(), 3u);
  EXPECT_EQ(doc["tasks"][0]["outcome"], "cancelled");
  EXPECT_EQ(doc["tasks"][1]["outcome"], "cancelled");
  EXPECT_EQ(doc["tasks"][2]["outcome"], "skipped");
  EXPECT_EQ(doc["summary"]["interrupted"], true);
  EXPECT_NE(read_file(dir.file("log")).find("Seq\tHost"), std::string::npos);
}

// The signals come after 1 s: an ASan+UBSan build (-O0) of procpool takes ~0.6 s to start, and
// a signal before its handlers are in place ends it as the default action would.
TEST_F(RunStopping, SigtermExits143) {
  auto r = run_procpool({"run", "--grace", "0.3", "--", helper(), "sleep", "100", "--", ":::", "a"},
                        {.send_signal = SIGTERM, .signal_after = std::chrono::milliseconds(1000)});
  EXPECT_EQ(r.exit_code, 143) << r.err;
}

TEST_F(RunStopping, SecondSigintKillsAtOnceWithoutWaitingForTheGrace) {
  auto r = run_procpool(
      {"run", "--grace", "60", "--", helper(), "ignore-term", "sleep", "100", "--", ":::", "a"},
      {.send_signal = SIGINT,
       .signal_after = std::chrono::milliseconds(1000),
       .second_signal = SIGINT});
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(r.seconds, 10.0);
}

TEST_F(RunStopping, ProcessesLeftBehindInTheGroupAreReportedAsLeakAndKilled) {
  TempDir dir;
  auto r =
      run_procpool({"run", "--", helper(), "spawn-grandchild", "print", "done", "--", ":::", "x"},
                   {.env = {"PP_PIDFILE=" + dir.file("pids")}});
  EXPECT_EQ(r.exit_code, 0) << r.err;  // a leak is reported, the task's own verdict stands
  EXPECT_EQ(r.out, "done\n");
  EXPECT_NE(r.err.find("LEAK"), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, 10.0);
  expect_all_dead(dir.file("pids"));
}

TEST_F(RunStopping, AProcessThatLeftTheSessionButHoldsTheOutputIsTheTasksLeak) {
  TempDir dir;
  auto r = run_procpool({"run", "--", helper(), "setsid-grandchild", "--", ":::", "x"},
                        {.env = {"PP_PIDFILE=" + dir.file("pids")}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("LEAK"), std::string::npos) << r.err;
  expect_all_dead(dir.file("pids"));
}

TEST_F(RunStopping, DetachedProcessesThatLeftTheSessionAreKilledWhenTheRunEnds) {
  TempDir dir;
  auto r = run_procpool({"run", "--", helper(), "detached-grandchild", "--", ":::", "x"},
                        {.env = {"PP_PIDFILE=" + dir.file("pids")}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("outside their session"), std::string::npos) << r.err;
  expect_all_dead(dir.file("pids"));
}

TEST_F(RunStopping, HugeOutputIsCapturedWholeWhileTheRunnerStaysSmall) {
  TempDir dir;
  const long long bytes = 300LL << 20;  // 300 MiB
  auto r =
      run_procpool({"run", "--", helper(), "write-bytes", std::to_string(bytes), "--", ":::", "x"},
                   {.limit = std::chrono::seconds(120)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(static_cast<long long>(r.out.size()), bytes);
  EXPECT_EQ(r.out.substr(0, 3), "abc");
  // 64 MiB, or 256 MiB under AddressSanitizer's shadow memory: either way far below the 300 MiB
  // it would take to hold the output.
#if defined(__SANITIZE_ADDRESS__)
  const long limit_kb = 256 * 1024;
#else
  const long limit_kb = 64 * 1024;
#endif
  EXPECT_LT(r.max_rss_kb, limit_kb) << "runner peak RSS in KiB";
}

TEST_F(RunStopping, OutputThatCannotBeSpilledIsReportedNotLostSilently) {
  auto r = run_procpool({"run", "--", helper(), "write-bytes", "5000000", "--", ":::", "x"},
                        {.env = {"TMPDIR=/nonexistent-procpool-tmp"}});
  EXPECT_EQ(r.out.size(), std::size_t{4} << 20) << "what fitted in memory is still printed";
  EXPECT_NE(r.err.find("is incomplete: cannot create a spill file in /nonexistent-procpool-tmp"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace procpool::testing
