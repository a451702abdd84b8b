// procpool run: slots, -j, retries, --halt, --keep-order and the report files.
#include <algorithm>
#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace procpool::testing {
namespace {

using RunScheduling = CliTest;

std::vector<std::string> inputs(int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back(std::to_string(i));
  return v;
}

TEST_F(RunScheduling, JobsLimitIsNeverExceededAndSlotsAreNeverShared) {
  TempDir dir;
  std::vector<std::string> args{"run",      "-j3", "--", helper(), "slot-check",
                                dir.path(), "3",   "--", ":::"};
  for (auto& i : inputs(30)) args.push_back(i);
  auto r = run_procpool(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// -j as GNU parallel reads it: the most tasks at once, from GNU parallel's own {%} (its slot)
// and procpool's PROCPOOL_SLOT, on 6 tasks that each hold their slot a moment.
TEST_F(RunScheduling, JobsAreReadAsGnuParallelReadsThem) {
  TempDir dir;
  auto most = [&](const std::string& output) {
    int top = 0;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) top = std::max(top, std::atoi(line.c_str()));
    return top;
  };
  for (const std::string jobs : {"+1", "-1", "50%", "150%", "0", "3"}) {
    const std::string out = dir.file("parallel.txt");
    const std::string command =
        "parallel -j" + jobs + " 'sleep 0.3; echo {%}' ::: $(seq 6) > '" + out + "' 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << read_file(out);
    std::vector<std::string> args{
        "run", "-j", jobs, "--", "sh", "-c", "sleep 0.3; echo $PROCPOOL_SLOT", "sh", ":::"};
    for (auto& i : inputs(6)) args.push_back(i);
    auto r = run_procpool(args);
    ASSERT_EQ(r.exit_code, 0) << jobs << "\n" << r.err;
    EXPECT_EQ(most(r.out), most(read_file(out))) << "-j " << jobs;
  }
  auto bad = run_procpool({"run", "-j", "+5%", "--", "true", ":::", "1"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("'+5%' is not a number of jobs"), std::string::npos) << bad.err;
}

TEST_F(RunScheduling, SlotCheckCatchesAnOverfullRun) {
  // The helper's own check must be able to fail, or the test above proves nothing.
  TempDir dir;
  // Each holds its slot for 0.5 s, so the three started together overlap even on a slow build.
  std::vector<std::string> args{"run",      "-j3", "--",  helper(), "slot-hold",
                                dir.path(), "2",   "0.5", "--",     ":::"};
  for (auto& i : inputs(6)) args.push_back(i);
  auto r = run_procpool(args);
  EXPECT_EQ(r.exit_code, 1) << r.err;
}

TEST_F(RunScheduling, RetriesRerunAFailingTaskAndMarkItFlaky) {
  TempDir dir;
  auto r = run_procpool({"run", "--retries", "2", "--json", dir.file("r.json"), "--", helper(),
                         "fail-until", dir.file("count"), "3", "--", ":::", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(dir.file("count")), "3\n");
  auto doc = nlohmann::json::parse(read_file(dir.file("r.json")));
  EXPECT_EQ(doc["tasks"][0]["attempts"], 3);
  EXPECT_EQ(doc["tasks"][0]["flaky"], true);
  EXPECT_NE(r.err.find("RETRY"), std::string::npos) << r.err;
}

TEST_F(RunScheduling, RetriesRunOutAndTheTaskFails) {
  TempDir dir;
  auto r = run_procpool({"run", "--retries", "1", "--", helper(), "fail-until", dir.file("count"),
                         "3", "--", ":::", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(read_file(dir.file("count")), "2\n");
}

TEST_F(RunScheduling, HaltSoonStartsNothingNewAfterAFailure) {
  TempDir dir;
  auto r = run_procpool({"run", "-j1", "--halt", "soon,fail=1", "--json", dir.file("r.json"), "--",
                         helper(), "exit", ":::", "4", "0", "0"});
  EXPECT_EQ(r.exit_code, 1);
  auto doc = nlohmann::json::parse(read_file(dir.file("r.json")));
  EXPECT_EQ(doc["tasks"][0]["outcome"], "failed");
  EXPECT_EQ(doc["tasks"][1]["outcome"], "skipped");
  EXPECT_EQ(doc["tasks"][2]["outcome"], "skipped");
  EXPECT_EQ(doc["summary"]["halted"], true);
}

TEST_F(RunScheduling, HaltNowStopsTheRunningTasksToo) {
  TempDir dir;
  auto r = run_procpool({"run", "-j2", "--grace", "0.3", "--halt", "now,fail=1", "--json",
                         dir.file("r.json"), "--shell", "--tasks", "-"},
                        {.stdin_text = "sleep 0.2; exit 5\nsleep 100\n"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_LT(r.seconds, 10.0);
  auto doc = nlohmann::json::parse(read_file(dir.file("r.json")));
  EXPECT_EQ(doc["tasks"][0]["outcome"], "failed");
  EXPECT_EQ(doc["tasks"][1]["outcome"], "cancelled");
}

TEST_F(RunScheduling, HaltOnSuccessExitsZero) {
  auto r = run_procpool(
      {"run", "-j2", "--grace", "0.3", "--halt", "now,success=1", "--shell", "--tasks", "-"},
      {.stdin_text = "exit 0\nsleep 100\n"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(RunScheduling, OutputComesInCompletionOrderOrWithKeepOrderInInputOrder) {
  const std::vector<std::string> tail{"--", helper(), "sleep", "{}",  "print",
                                      "{}", ":::",    "0.6",   "0.3", "0"};
  std::vector<std::string> plain{"run", "-j3"};
  plain.insert(plain.end(), tail.begin(), tail.end());
  auto completion = run_procpool(plain);
  EXPECT_EQ(completion.out, "0\n0.3\n0.6\n");
  std::vector<std::string> ordered{"run", "-j3", "--keep-order"};
  ordered.insert(ordered.end(), tail.begin(), tail.end());
  auto kept = run_procpool(ordered);
  EXPECT_EQ(kept.out, "0.6\n0.3\n0\n");
}

TEST_F(RunScheduling, EachTasksOutputIsOneUnbrokenBlock) {
  // Two tasks print 200 lines each with pauses; with -j2 they interleave in time but never on
  // screen.
  auto r =
      run_procpool({"run", "-j2", "--shell", "--",
                    "for i in $(seq 200); do echo {}$i; [ $((i % 50)) = 0 ] && sleep 0.05; done",
                    ":::", "a", "b"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line, previous_prefix;
  int switches = 0;
  for (int n = 0; std::getline(lines, line); ++n) {
    const std::string prefix = line.substr(0, 1);
    if (n > 0 && prefix != previous_prefix) ++switches;
    previous_prefix = prefix;
  }
  EXPECT_EQ(switches, 1) << r.out.substr(0, 400);
}

TEST_F(RunScheduling, JoblogHasGnuParallelsColumns) {
  TempDir dir;
  auto r2 = run_procpool(
      {"run", "-j1", "--joblog", dir.file("log"), "--", helper(), "exit", ":::", "0", "3"});
  EXPECT_EQ(r2.exit_code, 1);
  std::istringstream log(read_file(dir.file("log")));
  std::string header;
  std::getline(log, header);
  EXPECT_EQ(header, "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand");
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(log, line);) {
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, '\t');) fields.push_back(cell);
    rows.push_back(fields);
  }
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) ASSERT_EQ(row.size(), 9u);
  EXPECT_EQ(rows[0][0], "1");
  EXPECT_EQ(rows[0][1], ":");
  EXPECT_EQ(rows[0][6], "0");
  EXPECT_EQ(rows[1][0], "2");
  EXPECT_EQ(rows[1][6], "3");
  EXPECT_EQ(rows[1][7], "0");
  EXPECT_EQ(rows[1][8], helper() + " exit 3");
  EXPECT_GT(std::stod(rows[0][2]), 1.7e9);  // epoch seconds
}

TEST_F(RunScheduling, JoblogRecordsTheSignalOfACrash) {
  TempDir dir;
  auto r =
      run_procpool({"run", "--joblog", dir.file("log"), "--", helper(), "crash", ":::", "segv"});
  EXPECT_EQ(r.exit_code, 1);
  const std::string log = read_file(dir.file("log"));
  EXPECT_NE(log.find("\t0\t11\t"), std::string::npos) << log;
}

TEST_F(RunScheduling, ResultsDirHoldsEachTasksOutput) {
  TempDir dir;
  auto r = run_procpool({"run", "--results", dir.file("res"), "--", helper(), "print", "{}",
                         "eprint", "err-{}", "--", ":::", "a", "b"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(dir.file("res/1/a/stdout")), "a\n");
  EXPECT_EQ(read_file(dir.file("res/1/b/stderr")), "err-b\n");
  EXPECT_EQ(read_file(dir.file("res/1/b/seq")), "2");
}

TEST_F(RunScheduling, UnwritableReportIsRefusedBeforeTheRun) {
  auto r = run_procpool({"run", "--json", "/nonexistent-dir/r.json", "--", "true", ":::", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent-dir"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace procpool::testing
