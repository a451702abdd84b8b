// --executor slurm against a real single-node Slurm, started and stopped by the CTest fixture
// (slurm_up / slurm_down run ../shared/tools/slurm-local). Every test checks that no job or step
// of procpool's and no task process survives it. Skips, saying why, where Slurm cannot be
// started (no root).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace procpool::testing {
namespace {

std::string slurm_conf() {
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp && *tmp ? tmp : "/tmp") + "/procpool-slurm/slurm.conf";
}

// What a shell command printed (stdout and stderr).
std::string output_of(const std::string& command) {
  std::string text;
  FILE* pipe = ::popen(("SLURM_CONF=" + slurm_conf() + " " + command + " 2>&1").c_str(), "r");
  char buffer[512];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe)) text += buffer;
  if (pipe) ::pclose(pipe);
  return text;
}

class Slurm : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (::geteuid() != 0) GTEST_SKIP() << "starting Slurm (slurm-local) needs root";
    const std::string unavailable =
        slurm_conf().substr(0, slurm_conf().rfind('/')) + "/unavailable";
    if (std::ifstream why{unavailable}) {
      std::string reason((std::istreambuf_iterator<char>(why)), std::istreambuf_iterator<char>());
      GTEST_SKIP() << reason;
    }
    if (!std::ifstream(slurm_conf())) {
      GTEST_SKIP() << "Slurm was not started: tests/slurm_fixture.sh found no slurm-local";
    }
    const std::string state = output_of("sinfo -h -o %T");
    if (state.find("idle") == std::string::npos && state.find("mix") == std::string::npos &&
        state.find("alloc") == std::string::npos) {
      FAIL() << "Slurm is not up (the slurm_up fixture runs slurm-local up): " << state;
    }
  }
  void TearDown() override {
    if (!IsSkipped()) {
      // A cancelled job stays listed while Slurm finishes it (COMPLETING, up to KillWait = 5 s
      // in slurm-local's configuration): allow that, not more.
      for (int i = 0; i < 100 && !procpool_jobs().empty(); ++i) ::usleep(100'000);
      EXPECT_EQ(procpool_jobs(), "") << "jobs or steps of procpool's outlived the run";
      EXPECT_EQ(output_of("pgrep -f slurm-task-[m]arker"), "") << "a task process survived";
    }
    CliTest::TearDown();
  }
  // procpool's jobs and steps still known to Slurm.
  static std::string procpool_jobs() {
    std::string left;
    for (const char* listing : {"squeue -h -o '%i %j'", "squeue -h -s -o '%i %j'"}) {
      std::istringstream lines(output_of(listing));
      for (std::string line; std::getline(lines, line);) {
        if (line.find("procpool-") != std::string::npos) left += line + "\n";
      }
    }
    return left;
  }
  // An allocation of `tasks` CPUs (salloc --no-shell); its job id, or "" (the failure is
  // reported).
  static std::string allocate(int tasks) {
    const std::string granted = output_of("salloc -n" + std::to_string(tasks) +
                                          " --no-shell --job-name=procpool-test-alloc");
    const auto at = granted.find("allocation ");
    EXPECT_NE(at, std::string::npos) << granted;
    return at == std::string::npos ? "" : std::to_string(std::stol(granted.substr(at + 11)));
  }
  CliResult run(std::vector<std::string> args, CliOptions options = {}) {
    options.env.push_back("SLURM_CONF=" + slurm_conf());
    return run_procpool(args, options);
  }
  std::map<std::string, nlohmann::json> records(const std::string& path) {
    std::map<std::string, nlohmann::json> by_input;
    const auto doc = nlohmann::json::parse(read_file(path));
    for (const auto& t : doc["tasks"]) by_input[t["input"].get<std::string>()] = t;
    return by_input;
  }
  TempDir dir_;
};

TEST_F(Slurm, OutcomesAreTheTasksOwnNotSrunsExitStatus) {
  const std::string json = dir_.file("r.json");
  auto r = run({"run", "--executor", "slurm", "-j3", "--json", json, "--", "sh", "-c",
                "case {} in ok) echo out-$PROCPOOL_SLOT;; code) exit 139;; segv) kill -SEGV $$;; "
                "three) exit 3;; esac",
                ":::", "ok", "code", "segv", "three"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto tasks = records(json);
  EXPECT_EQ(tasks["ok"]["outcome"], "passed");
  EXPECT_EQ(tasks["code"]["outcome"], "failed") << "exit 139 by choice is not a crash";
  EXPECT_EQ(tasks["code"]["exit_code"], 139);
  EXPECT_EQ(tasks["segv"]["outcome"], "signalled");
  EXPECT_EQ(tasks["segv"]["signal"], "SIGSEGV");
  EXPECT_EQ(tasks["three"]["exit_code"], 3);
  EXPECT_NE(r.out.find("out-"), std::string::npos) << "output captured, PROCPOOL_SLOT set\n"
                                                   << r.out;
}

TEST_F(Slurm, ATimeoutCancelsTheStepEvenWhenTheTaskIgnoresSigterm) {
  const std::string json = dir_.file("r.json");
  auto r = run({"run", "--executor", "slurm", "--timeout", "1", "--grace", "0.3", "--json", json,
                "--", "bash", "-c", "trap '' TERM; exec -a slurm-task-marker sleep 60", ":::", "x"},
               {.limit = std::chrono::seconds(40)});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(records(json)["x"]["outcome"], "timed_out");
  EXPECT_LT(r.seconds, 20) << "the timeout, not the task, ended it";
}

TEST_F(Slurm, CtrlCCancelsTheStepsWritesReportsAndExits130) {
  const std::string json = dir_.file("r.json");
  auto r = run({"run", "--executor", "slurm", "-j2", "--json", json, "--", "bash", "-c",
                "exec -a slurm-task-marker sleep 60", ":::", "a", "b", "c"},
               {.send_signal = SIGINT,
                .signal_after = std::chrono::milliseconds(1500),
                .limit = std::chrono::seconds(40)});
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_EQ(records(json).size(), 3u) << "every task reported";
}

// Slurm's client commands run beside the run, not inside its event loop: with a controller that
// takes 4 s per scancel, Ctrl-C with two steps (what slurm-local's node runs at once) waits for
// both cancels together: the grace (1 s) and one cancel, not two in turn (by hand, -j8 with a
// 2 s scancel: 16.5 s when they ran one after another, blocking the loop; 2.4 s now).
TEST_F(Slurm, CtrlCCancelsStepsTogetherWhenScancelIsSlow) {
  std::string scancel = output_of("command -v scancel");
  while (!scancel.empty() && scancel.back() == '\n') scancel.pop_back();
  ASSERT_FALSE(scancel.empty());
  std::filesystem::create_directories(dir_.file("bin"));
  write_file(dir_.file("bin/scancel"), "#!/bin/sh\nsleep 4\nexec '" + scancel + "' \"$@\"\n");
  ASSERT_EQ(std::system(("chmod +x '" + dir_.file("bin/scancel") + "'").c_str()), 0);
  const std::string json = dir_.file("r.json");
  std::vector<std::string> args{
      "run",     "--executor", "slurm",  "-j8",
      "--grace", "1",          "--json", json,
      "--",      "bash",       "-c",     "trap '' TERM; exec -a slurm-task-marker sleep 60",
      ":::"};
  for (int i = 1; i <= 2; ++i) args.push_back(std::to_string(i));
  const auto started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point signalled;
  auto r = run(args, {.env = {"PATH=" + dir_.file("bin") + ":" + std::getenv("PATH")},
                      .send_signal = SIGINT,
                      .signal_after = std::chrono::milliseconds(100),
                      .signal_when =
                          [&] {
                            const bool all = output_of("pgrep -fc '^slurm-task-[m]arker'") == "2\n";
                            if (all) signalled = std::chrono::steady_clock::now();
                            return all;
                          },
                      .limit = std::chrono::seconds(60)});
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_EQ(records(json).size(), 2u) << "every task reported";
  const double stopping = r.seconds - std::chrono::duration<double>(signalled - started).count();
  EXPECT_LT(stopping, 7.0) << "two 4 s cancels, one after another";
}

TEST_F(Slurm, ACancelBySlurmIsAbortedNeverAPass) {
  // slurmstepd's "*** STEP ... CANCELLED AT ... ***" line reaches srun's stderr over the step's
  // I/O, and a step that ends at once can end before it arrives: the project's CI saw the line
  // missing and the cancel read as the task's own SIGTERM. Run once as Slurm is, and once through
  // an srun whose stderr loses that line, so the verdict cannot rest on it.
  const std::string bin = dir_.file("bin");
  std::filesystem::create_directories(bin);
  write_file(bin + "/srun",
             "#!/bin/bash\n"
             "exec 2> >(exec grep --line-buffered -v 'CANCELLED AT' >&2)\n"
             "PATH=${PATH#*:} exec srun \"$@\"\n");
  std::filesystem::permissions(bin + "/srun", std::filesystem::perms::owner_all);
  for (const std::string& path :
       {std::string(std::getenv("PATH")), bin + ":" + std::getenv("PATH")}) {
    const std::string json = dir_.file("r.json");
    // The task cancels its own job: Slurm, not procpool, ends it.
    auto r = run({"run", "--executor", "slurm", "--json", json, "--", "bash", "-c",
                  "scancel $SLURM_JOB_ID; exec -a slurm-task-marker sleep 30", ":::", "x"},
                 {.env = {"PATH=" + path}, .limit = std::chrono::seconds(60)});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const auto task = records(json)["x"];
    EXPECT_EQ(task["outcome"], "aborted") << path << "\n" << task.dump();
    EXPECT_NE(task.value("message", "").find("cancelled by Slurm"), std::string::npos)
        << task.dump();
  }
}

TEST_F(Slurm, ATasksOwnWordsThatSlurmEndedItAreNotBelieved) {
  // What slurmstepd and srun write when Slurm ends a step, written by the task itself: Slurm's
  // record of the job says it was not cancelled, and the task's exit stands.
  const std::string forged =
      "echo 'slurmstepd-vm: error: *** STEP 9.0 ON vm CANCELLED AT 2026-12-07T00:00:00 DUE TO "
      "TIME LIMIT ***' >&2; echo 'srun: Job step aborted: Waiting up to 7 seconds for job step "
      "to finish.' >&2; echo 'srun: error: Node failure on vm' >&2; exit {}";
  const std::string json = dir_.file("r.json");
  auto r = run({"run", "--executor", "slurm", "-j2", "--json", json, "--", "bash", "-c", forged,
                ":::", "0", "3"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto tasks = records(json);
  EXPECT_EQ(tasks["0"]["outcome"], "passed") << tasks["0"].dump();
  EXPECT_EQ(tasks["3"]["outcome"], "failed") << tasks["3"].dump();
  EXPECT_EQ(tasks["3"]["exit_code"], 3) << tasks["3"].dump();
}

TEST_F(Slurm, GtestBatchesOnSlurmGiveTheLocalVerdicts) {
  const std::string filter = "Pass.*:Fail.*:Crash.*:Skip.*:Early.*:Env.*:Inst/*";
  auto verdicts = [&](const std::vector<std::string>& extra, const std::string& name) {
    std::vector<std::string> args{"gtest",
                                  FIXTURE_MIXED,
                                  "--filter",
                                  filter,
                                  "-j2",
                                  "--batch",
                                  "auto",
                                  "--history",
                                  dir_.file(name + ".history"),
                                  "--json",
                                  dir_.file(name + ".json")};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run(args, {.env = {"FIXTURE_MARKER_DIR=" + dir_.path()}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    return report_verdicts(dir_.file(name + ".json"));
  };
  const auto local = verdicts({}, "local");
  EXPECT_EQ(verdicts({"--executor", "slurm"}, "slurm"), local);
  EXPECT_GE(local.size(), 9u);
}

TEST_F(Slurm, GtestsResultFilesAreMadeUnderTmpdirWhereOtherNodesCanReachThem) {
  // Not in /dev/shm, which is each node's own: under TMPDIR, which a cluster can share.
  const std::string tmpdir = dir_.file("shared-tmp");
  std::filesystem::create_directories(tmpdir);
  auto r = run({"gtest", FIXTURE_MIXED, "--filter", "Env.*", "--executor", "slurm", "--json",
                dir_.file("r.json")},
               {.env = {"FIXTURE_MARKER_DIR=" + dir_.path(), "TMPDIR=" + tmpdir,
                        "FIXTURE_REPORT_UNDER=" + tmpdir}});
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(report_verdicts(dir_.file("r.json")).at("Env.Slot"), "passed");
}

// Issue 23's rows on Slurm: whatever a test forges or however its program ends, a step gets the
// verdict the test has alone on this machine, batched or not, its events read from gtest's
// stream (which reaches procpool by this machine's name).
TEST_F(Slurm, ForgeriesOnSlurmGetTheVerdictsTheyHaveAloneHere) {
  struct Row {
    std::string filter;
    std::string env;
    std::string timeout;
  };
  // --timeout counts a step's wait for srun (README), and on a loaded machine srun has taken
  // over 3 s to start one: rows where nothing hangs get a timeout no start uses up, and the one
  // test that hangs has a row of its own, where a slow start cannot change its verdict.
  const Row rows[] = {
      {"Plain.*", "FORGERY_TEARDOWN=abort", "30"},
      {"Plain.*", "FORGERY_STATIC_DTOR=segv", "30"},
      {"Plain.*", "FORGERY_TEARDOWN=exit0", "30"},
      {"Plain.*:F.Crasher:G.*:Typed*:Odd*:Closes.*:Forge.*", "FORGERY_NONE=1", "30"},
      {"F.Hanger", "FORGERY_NONE=1", "3"}};
  auto verdicts = [&](const Row& row, const std::vector<std::string>& extra,
                      const std::string& name) {
    std::vector<std::string> args{"gtest",
                                  FIXTURE_FORGERY,
                                  "--filter",
                                  row.filter,
                                  "-j2",
                                  "--timeout",
                                  row.timeout,
                                  "--history",
                                  dir_.file(name + ".history"),
                                  "--json",
                                  dir_.file(name + ".json")};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run(args, {.env = {row.env}});
    EXPECT_EQ(r.exit_code, 1) << name << "\n" << r.err;
    std::map<std::string, std::string> v;
    const auto doc = nlohmann::json::parse(read_file(dir_.file(name + ".json")));  // kept alive
    for (const auto& t : doc["tasks"]) {
      v[t["name"]] = t["verdict"];
      EXPECT_EQ(t.value("events", ""), "stream") << name << ": " << t.dump();
    }
    return v;
  };
  int n = 0;
  for (const Row& row : rows) {
    const std::string id = std::to_string(++n);
    const auto alone = verdicts(row, {}, "local" + id);
    EXPECT_EQ(verdicts(row, {"--executor", "slurm"}, "slurm" + id), alone) << row.env;
    EXPECT_EQ(verdicts(row, {"--executor", "slurm", "--batch", "auto"}, "slurm-batch" + id), alone)
        << row.env;
  }
}

TEST_F(Slurm, InsideAnAllocationEveryAttemptIsAStepOfIt) {
  const std::string job = allocate(2);
  ASSERT_FALSE(job.empty());
  const std::string json = dir_.file("r.json");
  auto r = run({"run", "--executor", "slurm", "-j2", "--json", json, "--", "sh", "-c",
                "echo job=$SLURM_JOB_ID step=$SLURM_STEP_ID", ":::", "a", "b"},
               {.env = {"SLURM_JOB_ID=" + job}});
  output_of("scancel " + job);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("job=" + job + " step="), std::string::npos) << r.out;
}

TEST_F(Slurm, AStepWaitingForResourcesIsReportedAndItsTimeoutCounts) {
  // One CPU allocated, two steps at once: the second waits for the first.
  const std::string job = allocate(1);
  ASSERT_FALSE(job.empty());
  const std::string json = dir_.file("r.json");
  auto r = run({"run", "--executor", "slurm", "-j2", "--timeout", "1.5", "--json", json, "--",
                "bash", "-c", "exec -a slurm-task-marker sleep {}", ":::", "1", "1"},
               {.env = {"SLURM_JOB_ID=" + job}, .limit = std::chrono::seconds(60)});
  output_of("scancel " + job);
  EXPECT_NE(r.err.find("procpool: PENDING (Slurm: step creation temporarily disabled)"),
            std::string::npos)
      << r.err;
  // 1 s of waiting + 1 s of sleep > 1.5 s: the wait counted.
  EXPECT_EQ(r.exit_code, 1) << r.err;
}

TEST_F(Slurm, AJobNameInSlurmArgsIsRefusedSinceStepsAreFoundByTheirName) {
  // srun takes the last --job-name: one in --slurm-args would replace the name procpool gives
  // each step, and the step could then be neither cancelled (scancel --name) nor looked up.
  const std::string ran = dir_.file("ran");
  for (const std::string& args : {"--job-name=mine", "--job-name mine", "-J mine", "-Jmine"}) {
    auto r =
        run({"run", "--executor", "slurm", "--slurm-args", args, "--", "touch", ran, ":::", "x"});
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find("--job-name"), std::string::npos) << args << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(ran)) << args << ": it ran";
  }
}

TEST_F(Slurm, BadSetUpIsOneClearErrorBeforeAnythingRuns) {
  auto partition = run(
      {"run", "--executor", "slurm", "--slurm-args", "--partition=nope", "--", "true", ":::", "x"});
  EXPECT_EQ(partition.exit_code, 2);
  EXPECT_NE(partition.err.find("Invalid partition"), std::string::npos) << partition.err;
  auto option = run(
      {"run", "--executor", "slurm", "--slurm-args", "--no-such-option", "--", "true", ":::", "x"});
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_NE(option.err.find("no-such-option"), std::string::npos) << option.err;
  auto quoting =
      run({"run", "--executor", "slurm", "--slurm-args", "'unclosed", "--", "true", ":::", "x"});
  EXPECT_EQ(quoting.exit_code, 2);
  EXPECT_NE(quoting.err.find("--slurm-args"), std::string::npos) << quoting.err;
  auto no_srun =
      run({"run", "--executor", "slurm", "--", "true", ":::", "x"}, {.env = {"PATH=/nonexistent"}});
  EXPECT_EQ(no_srun.exit_code, 2);
  EXPECT_NE(no_srun.err.find("cannot run srun"), std::string::npos) << no_srun.err;
  auto stray = run({"run", "--slurm-args", "-p debug", "--", "true", ":::", "x"});
  EXPECT_EQ(stray.exit_code, 2);
  EXPECT_NE(stray.err.find("--slurm-args needs --executor slurm"), std::string::npos) << stray.err;
}

}  // namespace
}  // namespace procpool::testing
