// procpool run against hostile conditions: an inherited ignored SIGCHLD, few descriptors,
// signals from every side, a runner killed outright, tasks that move between process groups,
// planted symlinks, bad numbers. No false verdict, no abort, no hang, no survivor.
#include <sys/stat.h>
#include <unistd.h>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace procpool::testing {
namespace {

using RunHostile = CliTest;

TEST_F(RunHostile, AnIgnoredSigchldInheritedFromTheCallerIsNoFalsePass) {
  TempDir dir;
  auto r =
      run_procpool({"run", "--json", dir.file("r.json"), "--", "sh", "-c", "exit 3", ":::", "1"},
                   {.ignore_sigchld = true});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto doc = nlohmann::json::parse(read_file(dir.file("r.json")));
  EXPECT_EQ(doc["tasks"][0]["exit_code"], 3);
}

TEST_F(RunHostile, FewDescriptorsMakeTasksWaitInsteadOfFailing) {
  std::vector<std::string> args{"run", "-j8", "--", helper(), "sleep", "0.05", "--", ":::"};
  for (int i = 0; i < 40; ++i) args.push_back(std::to_string(i));
  auto r = run_procpool(args, {.fd_limit = 15});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.signal, 0) << "procpool itself must not crash";
  EXPECT_EQ(r.err.find("FAILED"), std::string::npos) << r.err;
}

class RunnerSignal : public CliTest, public ::testing::WithParamInterface<int> {};

TEST_P(RunnerSignal, StopsTasksWritesReportsAndExitsWith128PlusTheSignal) {
  const int signal = GetParam();
  TempDir dir;
  auto r =
      run_procpool({"run", "-j2", "--grace", "0.3", "--json", dir.file("r.json"), "--", helper(),
                    "ignore-term", "spawn-grandchild", "sleep", "100", "--", ":::", "a", "b"},
                   {.env = {"PP_PIDFILE=" + dir.file("pids")},
                    .send_signal = signal,
                    .signal_after = std::chrono::milliseconds(500),
                    .signal_when = file_has_lines(dir.file("pids"), 4)});
  EXPECT_EQ(r.exit_code, 128 + signal) << r.err;
  expect_all_dead(dir.file("pids"));
  const auto doc = nlohmann::json::parse(read_file(dir.file("r.json")));
  EXPECT_EQ(doc["tasks"][0]["outcome"], "cancelled");
  EXPECT_EQ(doc["summary"]["interrupted"], true);
}

INSTANTIATE_TEST_SUITE_P(HangupAndQuit, RunnerSignal, ::testing::Values(SIGHUP, SIGQUIT),
                         [](const auto& info) { return std::string(sigabbrev_np(info.param)); });

TEST_F(RunHostile, OneSignalToTheWholeGroupCountsOnceAndStopsGracefully) {
  TempDir dir;
  auto r = run_procpool({"run", "--grace", "20", "--json", dir.file("r.json"), "--", helper(),
                         "sleep", "100", "--", ":::", "x"},
                        {.send_signal = SIGTERM,
                         .signal_after = std::chrono::milliseconds(500),
                         .signal_group = true});
  EXPECT_EQ(r.exit_code, 143) << r.err;
  const auto doc = nlohmann::json::parse(read_file(dir.file("r.json")));
  EXPECT_EQ(doc["tasks"][0]["signal"], "SIGTERM")
      << "a first signal stops gracefully, not by SIGKILL";
}

TEST_F(RunHostile, NoTaskOutlivesARunnerKilledWithSigkillByMoreThanASecond) {
  TempDir dir;
  auto r = run_procpool({"run", "-j3", "--", helper(), "ignore-term", "spawn-grandchild",
                         "setsid-grandchild", "sleep", "100", "--", ":::", "a", "b", "c"},
                        {.env = {"PP_PIDFILE=" + dir.file("pids")},
                         .send_signal = SIGKILL,
                         .signal_after = std::chrono::milliseconds(700)});
  EXPECT_EQ(r.signal, SIGKILL);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  expect_all_dead(dir.file("pids"));
}

TEST_F(RunHostile, ATaskThatMovesIntoTheRunnersGroupIsStillStoppedByItsTimeout) {
  auto r = run_procpool({"run", "--timeout", "1", "--grace", "0.2", "--", helper(),
                         "join-parent-group", "sleep", "20", "--", ":::", "x"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("timed out"), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, 8.0) << "the timeout must reach it wherever it went";
}

TEST_F(RunHostile, ATaskJoiningASiblingsGroupNeitherGetsTheSiblingBlamedNorIsKilledByIt) {
  TempDir dir;
  // Task 1 writes its pid and leaves after 0.5 s; task 2 tries to move into task 1's group and
  // runs on for another second.
  const std::string pid_file = dir.file("first-pid");
  auto r = run_procpool({"run", "-j2", "--json", dir.file("r.json"), "--tasks", "-"},
                        {.stdin_text = helper() + " pidfile " + pid_file + " sleep 0.5\n" +
                                       helper() + " join-group-of " + pid_file + " sleep 1.5\n"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(read_file(dir.file("r.json")));
  EXPECT_EQ(doc["tasks"][0]["leaked"], false) << "task 1 left nothing behind";
  EXPECT_EQ(doc["tasks"][1]["outcome"], "passed") << "task 2 was not killed for task 1";
}

TEST_F(RunHostile, AGrandchildInItsOwnGroupDiesWithItsTimedOutTaskNotAtTheEndOfTheRun) {
  TempDir dir;
  const std::string pids = dir.file("pids");
  // One at a time: task 1 starts a `set -m`-style grandchild and hangs until its timeout; task 2
  // starts after that and checks, while the run goes on, that the grandchild is gone.
  auto r = run_procpool(
      {"run", "-j1", "--timeout", "1", "--grace", "0.2", "--json", dir.file("r.json"), "--tasks",
       "-"},
      {.stdin_text = "env PP_PIDFILE=" + pids + " " + helper() + " group-grandchild sleep 100\n" +
                     helper() + " sleep 0.1 assert-dead " + pids + "\n"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto doc = nlohmann::json::parse(read_file(dir.file("r.json")));
  EXPECT_EQ(doc["tasks"][0]["outcome"], "timed_out");
  EXPECT_EQ(doc["tasks"][1]["outcome"], "passed") << r.err;
}

TEST_F(RunHostile, APlantedSymlinkInTheResultsDirectoryIsNotFollowed) {
  TempDir dir;
  const std::string results = dir.file("results");
  const std::string victim = dir.file("victim");
  std::filesystem::create_directories(results);
  std::filesystem::create_directories(victim);
  std::filesystem::create_directory_symlink(victim, results + "/1");
  auto r = run_procpool({"run", "--results", results, "--", "echo", ":::", "secret"});
  EXPECT_TRUE(std::filesystem::is_empty(victim)) << "written through the planted link";
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(results + "/1"), std::string::npos) << r.err;
}

// A results directory that cannot be made is known before anything runs: no task runs (none
// leaves its mark) and the error names the directory.
TEST_F(RunHostile, AResultsDirectoryThatCannotBeMadeStopsTheRunBeforeAnyTask) {
  TempDir dir;
  write_file(dir.file("a-file"), "");
  auto r = run_procpool({"run", "--results", dir.file("a-file") + "/results", "--", "touch",
                         ":::", dir.file("ran-1"), dir.file("ran-2")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--results directory " + dir.file("a-file") + "/results"), std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("ran-1")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("ran-2")));
}

// Input files that are devices or directories: one line naming the file, exit 2, nothing run
// (reading /dev/zero used to grow without bound until the allocator aborted).
TEST_F(RunHostile, InputFilesThatAreDevicesOrDirectoriesAreRefusedNamingThem) {
  TempDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"run", "--tasks", "/dev/zero"}, "/dev/zero: a device, not a tasks file"},
      {{"run", "--", "echo", "::::", "/dev/zero"}, "/dev/zero: a device, not a file of arguments"},
      {{"run", "-a", dir.path(), "--", "echo"}, dir.path() + ": is a directory"},
      {{"run", "--joblog", "/dev/zero", "--resume", "--", "echo", ":::", "a"},
       "/dev/zero: not a regular file"},
  };
  for (const auto& [args, message] : cases) {
    auto r = run_procpool(args, {.limit = std::chrono::seconds(20)});
    EXPECT_EQ(r.exit_code, 2) << args[1] << "\n" << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << args[1];
  }
}

TEST_F(RunHostile, TaggedOutputWithoutAFinalNewlineDoesNotSwallowTheNextTasksTag) {
  auto r = run_procpool({"run", "-j1", "--tag", "--", "printf", "%s", ":::", "a", "b"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "a\ta\nb\tb\n");
}

TEST_F(RunHostile, NumbersThatMeanNothingAreRefusedWithTheOptionNamed) {
  for (const auto& [flag, value] :
       std::vector<std::pair<std::string, std::string>>{{"--timeout", "nan"},
                                                        {"--timeout", "0.0004"},
                                                        {"--timeout", "1e300"},
                                                        {"--timeout", "inf"},
                                                        {"--grace", "nan"},
                                                        {"--grace", "1e300"},
                                                        {"--slow", "-inf"}}) {
    auto r = run_procpool({"run", flag, value, "--", "true", ":::", "x"});
    EXPECT_EQ(r.exit_code, 2) << flag << " " << value << ": " << r.err;
    EXPECT_NE(r.err.find(flag), std::string::npos) << r.err;
  }
}

TEST_F(RunHostile, ADirectoryGivenAsTheTasksFileIsAnError) {
  TempDir dir;
  auto r = run_procpool({"run", "--tasks", dir.path()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(dir.path()), std::string::npos) << r.err;
}

TEST_F(RunHostile, AHugeJobCountCostsNoMemory) {
  auto r = run_procpool({"run", "-j", "4294967295", "--", "true", ":::", "a", "b"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(r.max_rss_kb, 256 * 1024);  // the sanitizer's shadow memory
#else
  EXPECT_LT(r.max_rss_kb, 64 * 1024);
#endif
}

}  // namespace
}  // namespace procpool::testing
