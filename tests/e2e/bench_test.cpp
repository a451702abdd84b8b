// procpool bench end to end: the CSV and JSON records, the table, the crash workload through the
// CLI, the plot, and clear errors for bad input. Small grids only: these must stay fast.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace procpool::testing {
namespace {

using Bench = CliTest;

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(cell);
    rows.push_back(fields);
  }
  return rows;
}

TEST_F(Bench, CsvAndJsonCarryTheSameDocumentedRecords) {
  TempDir dir;
  auto r =
      run_procpool({"bench", "--executors", "tbb,pool,process", "--workloads", "noop,cpu",
                    "--sizes", "10us,250us", "-j", "2", "--tasks", "30", "--rounds", "2", "--csv",
                    dir.file("r.csv"), "--json", dir.file("r.json"), "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = csv_rows(read_file(dir.file("r.csv")));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(read_file(dir.file("r.csv")).substr(0, read_file(dir.file("r.csv")).find('\n')),
            "executor,workload,size,jobs,tasks,seconds,tasks_per_s,failed");
  // noop has one size ("0"); cpu has the two as written: 3 executors x 3 cells, one row each
  // however many rounds ran (the median round).
  ASSERT_EQ(rows.size(), 1u + 9u);
  std::vector<std::string> sizes;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 8u) << i;
    sizes.push_back(rows[i][2]);
    EXPECT_EQ(rows[i][3], "2");
    EXPECT_EQ(rows[i][4], "30");
    EXPECT_GT(std::stod(rows[i][5]), 0);
    EXPECT_GT(std::stod(rows[i][6]), 0);
    EXPECT_EQ(rows[i][7], "0");
  }
  EXPECT_EQ(std::count(sizes.begin(), sizes.end(), "250us"), 3);
  EXPECT_EQ(std::count(sizes.begin(), sizes.end(), "0"), 3);

  const auto json = nlohmann::json::parse(read_file(dir.file("r.json")));
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), rows.size() - 1);
  const std::vector<std::string> keys = {"executor", "workload", "size",        "jobs",
                                         "tasks",    "seconds",  "tasks_per_s", "failed"};
  for (std::size_t i = 0; i < json.size(); ++i) {
    std::vector<std::string> got;
    for (const auto& [key, value] : json[i].items()) got.push_back(key);
    std::sort(got.begin(), got.end());
    auto want = keys;
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want);
    EXPECT_EQ(json[i]["executor"], rows[i + 1][0]);
    EXPECT_EQ(json[i]["workload"], rows[i + 1][1]);
    EXPECT_EQ(json[i]["size"], rows[i + 1][2]);
    EXPECT_EQ(json[i]["tasks"], 30);
    EXPECT_NEAR(json[i]["seconds"].get<double>(), std::stod(rows[i + 1][5]), 1e-5);
  }
  // The table: ratios to tbb and the crossover verdicts.
  EXPECT_NE(r.out.find("×)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pool reaches 90% of tbb's throughput"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("process reaches 90% of tbb's throughput"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("per-task cost (noop)"), std::string::npos) << r.out;
}

TEST_F(Bench, CrashLosesThreadRunsButOnlyTheCrashingTasksOfProcessRuns) {
  TempDir dir;
  auto r =
      run_procpool({"bench", "--workloads", "crash", "--sizes", "10us", "--tasks", "40",
                    "--crash-every", "10", "-j", "2", "--csv", dir.file("c.csv"), "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;  // failures are what the crash workload is for
  const auto rows = csv_rows(read_file(dir.file("c.csv")));
  ASSERT_EQ(rows.size(), 6u) << read_file(dir.file("c.csv"));
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const std::string& executor = rows[i][0];
    if (executor == "pool" || executor == "process") {
      EXPECT_EQ(rows[i][7], "4") << executor;  // tasks 9, 19, 29, 39
      EXPECT_GT(std::stod(rows[i][6]), 0) << executor;
    } else {
      EXPECT_EQ(rows[i][7], "40") << executor;  // the whole run lost with one segfault
      EXPECT_EQ(std::stod(rows[i][6]), 0) << executor;
    }
  }
  EXPECT_NE(r.out.find("lost"), std::string::npos) << r.out;
}

bool starts_with_bytes(const std::string& text, std::string_view magic) {
  return text.size() > magic.size() && text.compare(0, magic.size(), magic) == 0;
}

TEST_F(Bench, PlotOptionDrawsAnSvgFromASmallGrid) {
  TempDir dir;
  auto r =
      run_procpool({"bench", "--executors", "tbb,process", "--workloads", "cpu", "--sizes",
                    "10us,100us", "--tasks", "20", "--plot", dir.file("p.svg"), "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string svg = read_file(dir.file("p.svg"));
  ASSERT_GT(svg.size(), 1000u);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("process"), std::string::npos);  // one line per executor, in the key
  EXPECT_NE(svg.find("tbb"), std::string::npos);
}

TEST_F(Bench, PlotScriptDrawsAPngFromACsv) {
  TempDir dir;
  write_file(dir.file("in.csv"),
             "executor,workload,size,jobs,tasks,seconds,tasks_per_s,failed\n"
             "tbb,cpu,1us,2,100,0.001,100000.0,0\n"
             "tbb,cpu,1ms,2,100,0.05,2000.0,0\n"
             "process,cpu,1us,2,100,0.05,2000.0,0\n"
             "process,cpu,1ms,2,100,0.1,1000.0,0\n");
  const std::string command =
      std::string(PLOT_SCRIPT) + " " + dir.file("in.csv") + " " + dir.file("out.png");
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_TRUE(starts_with_bytes(read_file(dir.file("out.png")), "\x89PNG"));
  // Not a bench CSV: refused with a message, nothing written.
  write_file(dir.file("bad.csv"), "a,b\n1,2\n");
  const std::string bad = std::string(PLOT_SCRIPT) + " " + dir.file("bad.csv") + " " +
                          dir.file("bad.png") + " 2>/dev/null";
  EXPECT_NE(std::system(bad.c_str()), 0);
  EXPECT_FALSE(std::ifstream(dir.file("bad.png")).good());
}

TEST_F(Bench, CtrlCStopsTheGridLeavesNoProcessAndWritesNothing) {
  for (const std::string executor : {"pool", "process", "threads", "tbb"}) {
    TempDir dir;
    CliOptions options;
    options.send_signal = SIGINT;
    // 1 s: the ASan+UBSan build of procpool takes ~0.6 s to start, and a signal before its
    // handlers are in place ends it as the default action (seen as a rare failure under load).
    options.signal_after = std::chrono::milliseconds(1000);
    options.limit = std::chrono::seconds(20);
    // 40 tasks of 200 ms at -j2 would take 4 s: the signal lands mid-cell.
    auto r = run_procpool({"bench", "--executors", executor, "--workloads", "sleep", "--sizes",
                           "200ms", "--tasks", "40", "--csv", dir.file("r.csv"), "--no-progress"},
                          options);
    EXPECT_EQ(r.exit_code, 130) << executor << ": " << r.err;
    EXPECT_LT(r.seconds, 3.4) << executor;
    EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
    EXPECT_FALSE(std::ifstream(dir.file("r.csv")).good()) << executor;
  }
}

TEST_F(Bench, TwoCtrlCsStopASequentialGridPromptly) {
  // The sequential executor runs tasks on the event loop itself: the signals must still get
  // through between two tasks, and the second must not leave the run waiting for the rest.
  CliOptions options;
  options.send_signal = SIGINT;
  options.second_signal = SIGINT;
  options.signal_after = std::chrono::milliseconds(600);
  // Through a wrapper that hands each signal on (as timeout(1) does): how it was seen to hang.
  options.wrapper = {"timeout", "60"};
  options.limit = std::chrono::seconds(30);
  auto r = run_procpool({"bench", "--executors", "sequential", "--workloads", "alloc", "--sizes",
                         "16MB", "--no-progress"},
                        options);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(r.seconds, 5.0);
}

TEST_F(Bench, TbbCellsRunInProcpoolBenchTbbSoTheRunnerNeverLoadsTbb) {
  TempDir dir;
  // procpool-bench-tbb through a wrapper that leaves a mark: the tbb cell ran there.
  const std::string real =
      (std::filesystem::path(procpool_binary()).parent_path() / "procpool-bench-tbb").string();
  const std::string wrapper = dir.file("tbb-wrapper");
  write_file(wrapper, "#!/bin/sh\ntouch " + dir.file("ran") + "\nexec " + real + "\n");
  std::filesystem::permissions(wrapper, std::filesystem::perms::owner_all);
  CliOptions options;
  options.env = {"PROCPOOL_BENCH_TBB=" + wrapper};
  auto r = run_procpool({"bench", "--executors", "tbb", "--workloads", "cpu", "--sizes", "100us",
                         "--tasks", "100", "-j", "2", "--no-progress"},
                        options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("tbb"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(dir.file("ran"))) << "the tbb cell did not run in the helper";

  // The runner itself has no TBB to fall back on: without its helper it says so.
  options.env = {"PROCPOOL_BENCH_TBB=" + dir.file("missing")};
  r = run_procpool({"bench", "--executors", "tbb", "--tasks", "4", "--no-progress"}, options);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("procpool-bench-tbb"), std::string::npos) << r.err;
}

TEST_F(Bench, BadInputIsRefusedWithTheProblemNamed) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--executors", "tbb,fibers"}, "unknown executor 'fibers'"},
      {{"--workloads", "spin"}, "unknown workload 'spin'"},
      {{"--sizes", "1 hour"}, "bad size '1 hour'"},
      {{"--workloads", "cpu", "--sizes", "16MB"}, "--sizes has no duration"},
      {{"--workloads", "alloc", "--sizes", "1ms"}, "--sizes has no byte size"},
      {{"--plot", "out.pdf"}, "--plot must name a .svg or .png file"},
      {{"--workloads", "noop", "--plot", "out.svg"},
       "--plot draws throughput against task duration"},
      {{"--rounds", "0"}, "--rounds"},
      {{"--tasks", "100000000000"}, "--tasks"},
      {{"-j", "0"}, "--jobs"},
      {{"--csv", "/nonexistent-dir/r.csv"}, "cannot write /nonexistent-dir/r.csv"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"bench", "--no-progress", "--tasks", "4"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = run_procpool(args);
    EXPECT_EQ(r.exit_code, 2) << c.message;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << c.message;
  }
}

}  // namespace
}  // namespace procpool::testing
