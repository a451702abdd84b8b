// procpool merge and the CI sharding flow: shards in separate working directories (as separate
// CI machines), merged, equal an unsharded run; shards that do not fit together are refused;
// a shard never changes the partition of the shards after it.
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "gtest_fixture.hpp"

namespace procpool::testing {
namespace {

namespace fs = std::filesystem;

// Deterministic tests of every verdict kind (no hang, no first-attempt-fails marker).
const std::string kFilter = "-Hang.*:Flaky.*";

class Merge : public GtestRun {
 protected:
  // One CI job: its own directory, the cached history copied in, `args` added.
  CliResult shard(const std::string& job, std::vector<std::string> args,
                  std::vector<std::string> env = {}) {
    const std::string dir = dir_.file(job);
    fs::create_directories(dir);
    if (fs::exists(dir_.file("cache.json"))) {
      fs::copy_file(dir_.file("cache.json"), dir + "/history.json",
                    fs::copy_options::overwrite_existing);
    }
    std::vector<std::string> full{"gtest",     kMixed,         "--filter",      kFilter,
                                  "--history", "history.json", "--json",        "report.json",
                                  "--junit",   "report.xml",   "--history-out", "history-out.json"};
    full.insert(full.end(), args.begin(), args.end());
    env.push_back(marker_env_);
    return run_procpool(full, {.env = env, .working_dir = dir});
  }
  CliResult merge(std::vector<std::string> args) {
    std::vector<std::string> full{"merge"};
    full.insert(full.end(), args.begin(), args.end());
    return run_procpool(full);
  }
  std::string report_of(const std::string& job) { return dir_.file(job + "/report.json"); }
  static nlohmann::json load(const std::string& path) {
    return nlohmann::json::parse(read_file(path));
  }
  // Per JUnit test case "classname.name": the element saying how it ended ("" for passed),
  // and its type.
  static std::map<std::string, std::string> junit_cases(const std::string& xml) {
    std::map<std::string, std::string> cases;
    std::size_t at = 0;
    while ((at = xml.find("<testcase ", at)) != std::string::npos) {
      const std::size_t end = xml.find("</testcase>", at);
      const std::size_t self_closed = xml.find("/>", at);
      const std::size_t stop = std::min(end, self_closed);
      const std::string element = xml.substr(at, stop - at);
      auto attribute = [&](const std::string& name) {
        const std::size_t start = element.find(name + "=\"") + name.size() + 2;
        return element.substr(start, element.find('"', start) - start);
      };
      std::string how;
      for (const char* kind : {"<failure", "<error", "<skipped"}) {
        const std::size_t found = element.find(kind);
        if (found != std::string::npos) {
          const std::size_t type = element.find("type=\"", found) + 6;
          how = std::string(kind + 1) + ":" + element.substr(type, element.find('"', type) - type);
        }
      }
      cases[attribute("classname") + "." + attribute("name")] = how;
      at = stop;
    }
    return cases;
  }
};

TEST_F(Merge, FourShardsInFourDirectoriesMergeIntoWhatAnUnshardedRunReports) {
  auto whole = shard("whole", {});
  ASSERT_EQ(whole.exit_code, 1) << whole.out << whole.err;
  fs::copy_file(dir_.file("whole/history.json"), dir_.file("cache.json"));  // the CI cache

  std::vector<std::string> args, histories{"--history-in"};
  for (int k = 1; k <= 4; ++k) {
    const std::string job = "shard" + std::to_string(k);
    // As examples/ci/github-actions.yml runs it: the matrix sets gtest's variables.
    auto r = shard(job, {"--shard", "auto"},
                   {"GTEST_TOTAL_SHARDS=4", "GTEST_SHARD_INDEX=" + std::to_string(k - 1)});
    ASSERT_NE(r.exit_code, 2) << r.err;
    EXPECT_EQ(load(report_of(job))["shard"], std::to_string(k) + "/4");
    args.push_back(report_of(job));
    histories.push_back(dir_.file(job + "/history-out.json"));
  }
  args.insert(args.end(), histories.begin(), histories.end());
  args.insert(args.end(), {"--json", dir_.file("merged.json"), "--junit", dir_.file("merged.xml"),
                           "--history", dir_.file("merged-history.json")});
  auto merged = merge(args);
  EXPECT_EQ(merged.exit_code, 1) << "tests failed, as in the unsharded run\n" << merged.err;
  EXPECT_NE(merged.out.find("[  FAILED  ] Crash.Segv"), std::string::npos) << merged.out;
  EXPECT_NE(merged.out.find("from 4 reports, merged"), std::string::npos) << merged.out;

  const auto one = load(report_of("whole"));
  const auto all = load(dir_.file("merged.json"));
  EXPECT_EQ(report_verdicts(dir_.file("merged.json")), report_verdicts(report_of("whole")))
      << "test for test, verdict for verdict";
  EXPECT_EQ(all["tasks"].size(), one["tasks"].size()) << "every task once";
  for (const char* key : {"total", "passed", "failed", "skipped", "flaky", "not_run"}) {
    EXPECT_EQ(all["summary"][key], one["summary"][key]) << key;
  }
  EXPECT_TRUE(all["shard"].is_null()) << "the merge is one unsharded run";
  EXPECT_EQ(all["suite"], one["suite"]);

  std::string message;
  EXPECT_TRUE(schema_valid(dir_.file("merged.xml"), message)) << message;
  EXPECT_EQ(junit_cases(read_file(dir_.file("merged.xml"))),
            junit_cases(read_file(dir_.file("whole/report.xml"))));
  EXPECT_GE(junit_cases(read_file(dir_.file("merged.xml"))).size(), 15u) << "the parser works";
  const std::string xml = read_file(dir_.file("merged.xml"));
  EXPECT_NE(xml.find("fixture_mixed.cpp:33: Expected equality"), std::string::npos)
      << "failure messages survive the merge";

  // The history: every test, each measured by this merge's shards (newer than the cache).
  const auto cache = load(dir_.file("cache.json"))["tests"];
  const auto history = load(dir_.file("merged-history.json"))["tests"];
  EXPECT_EQ(history.size(), cache.size());
  for (const auto& [id, entry] : history.items()) {
    ASSERT_TRUE(cache.contains(id)) << id;
    EXPECT_GT(entry["measured_at"].get<std::string>(), cache[id]["measured_at"].get<std::string>())
        << id << ": the shard's newer measurement wins";
  }
}

// The bug: shards run one after another on one history file each rewrote it, so the later
// shards partitioned by other durations (on gtest_unittest 118 tests ran twice, 123 never).
TEST_F(Merge, ShardsRunOneAfterAnotherOnOneHistoryFileLeaveItAndThePartitionAlone) {
  const std::string filter = "Pass.*:Inst/*:Typed/*:Fork.*:Env.*:TmpDir.*:Skip.*:Leak.*";
  run({kMixed, "--filter", filter});  // records durations
  const std::string before = read_file(dir_.file("history.json"));
  std::multiset<std::string> seen;
  for (int k = 1; k <= 3; ++k) {
    auto r = run({"--shard", std::to_string(k) + "/3", kMixed, "--filter", filter});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(read_file(dir_.file("history.json")) == before) << "shard " << k << " rewrote it";
    for (const auto& [name, verdict] : verdicts()) seen.insert(name);
  }
  EXPECT_EQ(seen.size(), 12u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 12u) << "each test once";
  // An unsharded run still records.
  run({kMixed, "--filter", "Pass.One"});
  EXPECT_NE(read_file(dir_.file("history.json")), before);
}

TEST_F(Merge, ShardAutoTakesTheShardFromTheCisVariables) {
  const std::string filter = "Pass.*:Inst/*:Typed/*:Fork.*:Env.*";
  run({"--shard", "2/3", kMixed, "--filter", filter}, {}, "h1.json");
  const auto by_flag = verdicts();
  run({"--shard", "auto", kMixed, "--filter", filter},
      {.env = {"CI_NODE_INDEX=2", "CI_NODE_TOTAL=3"}}, "h2.json");
  EXPECT_EQ(verdicts(), by_flag) << "GitLab counts from 1";
  EXPECT_EQ(report()["shard"], "2/3");
  run({"--shard", "auto", kMixed, "--filter", filter},
      {.env = {"BUILDKITE_PARALLEL_JOB=1", "BUILDKITE_PARALLEL_JOB_COUNT=3"}}, "h3.json");
  EXPECT_EQ(verdicts(), by_flag) << "Buildkite counts from 0";
  auto whole = run({"--shard", "auto", kMixed, "--filter", filter}, {}, "h4.json");
  EXPECT_EQ(whole.exit_code, 0);
  EXPECT_EQ(verdicts().size(), 9u) << "no CI variables: every test";
  auto half = run({"--shard", "auto", kMixed}, {.env = {"CIRCLE_NODE_INDEX=1"}}, "h5.json");
  EXPECT_EQ(half.exit_code, 2);
  EXPECT_NE(half.err.find("CIRCLE_NODE_TOTAL"), std::string::npos) << half.err;
}

TEST_F(Merge, ShardsThatDoNotFitTogetherAreRefusedAndAllowPartialMergesThem) {
  for (int k = 1; k <= 3; ++k) {
    shard("s" + std::to_string(k), {"--shard", std::to_string(k) + "/3"});
  }
  shard("other-n", {"--shard", "1/2"});
  shard("other-suite", {"--shard", "3/3", kBadEnv});  // one binary more
  auto refused = [&](std::vector<std::string> reports, const std::string& says) {
    reports.insert(reports.end(), {"--json", dir_.file("m.json")});
    auto r = merge(reports);
    EXPECT_EQ(r.exit_code, 2) << says << "\n" << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir_.file("m.json"))) << "nothing written";
  };
  const std::string s1 = report_of("s1"), s2 = report_of("s2"), s3 = report_of("s3");
  refused({s1, s3}, "shard 2/3 is missing");
  refused({s1, s2, s3, s2}, "shard 2/3 is given twice");
  refused({s1, s2, report_of("other-n")}, "different shard counts");
  refused({s1, s2, report_of("other-suite")}, "different suites");

  // A test in two shards (what two histories make): shard 1 also claims one of shard 2's.
  auto doc = load(s1);
  doc["selected"].push_back(load(s2)["selected"][0]);
  write_file(dir_.file("claims.json"), doc.dump());
  refused({dir_.file("claims.json"), s2, s3}, "1 test is in two shards");

  auto partial = merge({s1, s3, "--allow-partial", "--json", dir_.file("m.json")});
  EXPECT_NE(partial.exit_code, 2) << partial.err;
  EXPECT_NE(partial.err.find("warning: shard 2/3 is missing"), std::string::npos) << partial.err;
  EXPECT_EQ(load(dir_.file("m.json"))["tasks"].size(),
            load(s1)["tasks"].size() + load(s3)["tasks"].size());
}

// Each shard's --trace becomes one process of the joined trace, its events untouched but for
// the process id and a shift that puts the shards at their real times.
TEST_F(Merge, ShardsTracesJoinIntoOneTraceEachShardAProcessAtItsRealTime) {
  for (int k = 1; k <= 2; ++k) {
    shard("s" + std::to_string(k), {"--shard", std::to_string(k) + "/2", "--trace", "trace.json"});
  }
  const std::string joined = dir_.file("all-trace.json");
  auto r = merge({"--json", dir_.file("all.json"), "--trace", joined, "--trace-in",
                  dir_.file("s1/trace.json"), dir_.file("s2/trace.json"), "--", report_of("s1"),
                  report_of("s2")});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the suite has failures
  const auto doc = load(joined);
  std::map<int, std::size_t> complete;  // pid -> "X" events
  std::map<int, long long> first_ts;
  std::map<int, std::string> names;
  for (const auto& e : doc["traceEvents"]) {
    const int pid = e["pid"];
    if (e["ph"] == "M" && e["name"] == "process_name") names[pid] = e["args"]["name"];
    if (e["ph"] != "X") continue;
    ++complete[pid];
    const long long ts = e["ts"];
    first_ts[pid] = first_ts.count(pid) ? std::min(first_ts[pid], ts) : ts;
  }
  ASSERT_EQ(names.size(), 2u) << doc.dump();
  EXPECT_EQ(names[1], "procpool gtest (trace.json)");
  for (int k = 1; k <= 2; ++k) {
    std::size_t in_shard = 0;
    const auto shard_trace = load(dir_.file("s" + std::to_string(k) + "/trace.json"));
    for (const auto& e : shard_trace["traceEvents"]) in_shard += e["ph"] == "X";
    EXPECT_EQ(complete[k], in_shard) << "shard " << k;
  }
  EXPECT_GT(first_ts[2], first_ts[1]) << "shard 2 ran after shard 1 ended";
  EXPECT_GT(first_ts[2] - first_ts[1], 10000) << "at least the first shard's run apart (µs)";
}

TEST_F(Merge, TracesThatCannotBeJoinedAreAClearErrorBeforeAnythingIsWritten) {
  shard("s1", {"--shard", "1/1", "--trace", "trace.json"});
  auto alone = merge({"--trace", dir_.file("t.json"), report_of("s1")});
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_NE(alone.err.find("--trace needs --trace-in"), std::string::npos) << alone.err;
  auto not_a_trace = merge({"--json", dir_.file("all.json"), "--trace", dir_.file("t.json"),
                            "--trace-in", report_of("s1"), "--", report_of("s1")});
  EXPECT_EQ(not_a_trace.exit_code, 2);
  EXPECT_NE(not_a_trace.err.find(report_of("s1") + ": not a trace"), std::string::npos)
      << not_a_trace.err;
  EXPECT_FALSE(fs::exists(dir_.file("all.json"))) << "nothing written";
  EXPECT_FALSE(fs::exists(dir_.file("t.json")));
}

TEST_F(Merge, BadInputIsAClearErrorNamingTheFile) {
  shard("s1", {"--shard", "1/1"});
  const std::string good = report_of("s1");
  const std::string text = read_file(good);
  write_file(dir_.file("cut.json"), text.substr(0, text.size() / 2));
  write_file(dir_.file("foreign.json"), R"({"name": "not ours", "tests": []})");
  write_file(dir_.file("empty.json"), "");
  auto newer = load(good);
  newer["version"] = 2;
  write_file(dir_.file("newer.json"), newer.dump());
  auto typed = load(good);
  typed["tasks"][0]["outcome"] = 7;
  write_file(dir_.file("typed.json"), typed.dump());
  auto other_version = load(good);
  other_version["procpool_version"] = "9.9.9";
  write_file(dir_.file("other-version.json"), other_version.dump());

  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{dir_.file("cut.json")}, "cut.json is not valid JSON"},
      {{dir_.file("foreign.json")}, "foreign.json is not a procpool --json report"},
      {{dir_.file("empty.json")}, "empty.json is empty"},
      {{dir_.file("newer.json")}, "report format version 2"},
      {{dir_.file("typed.json")}, "tasks[0].outcome is not a string"},
      {{dir_.file("missing.json")}, "cannot read " + dir_.file("missing.json")},
      {{good, dir_.file("other-version.json")}, "different procpool versions"},
      {{good, "--json", "/nonexistent/m.json"}, "/nonexistent/m.json"},
      {{good, "--history", dir_.path()}, "is a directory"},
      // Inputs that are no files: read with a bound, never an abort or memory without end.
      {{"--json", dir_.file("m.json"), dir_.path()}, dir_.path() + ": is a directory"},
      {{"/dev/zero"}, "/dev/zero: not a regular file"},
      {{dir_.file("fifo.json")}, "fifo.json: not a regular file"},
      // An output that is also an input: refused before anything is written.
      {{good, dir_.file("s2.json"), "--json", good}, "is also a report to merge"},
      {{good, "--junit", good}, "is also a report to merge"},
  };
  ASSERT_EQ(::mkfifo(dir_.file("fifo.json").c_str(), 0600), 0);
  for (const auto& [args, says] : cases) {
    auto r = merge(args);
    EXPECT_EQ(r.exit_code, 2) << says;
    EXPECT_NE(r.err.find(says), std::string::npos) << "expected '" << says << "' in\n" << r.err;
  }
  EXPECT_EQ(merge({}).exit_code, 2) << "no reports";
}

// One bad upload must not lose the whole merge: a --history-in that cannot be read is skipped
// with a warning (its durations are missing), and everything else is written.
TEST_F(Merge, ABadHistoryInIsSkippedWithAWarningAndTheMergeGoesOn) {
  shard("s1", {"--shard", "1/1"});
  const std::string good = report_of("s1");
  write_file(dir_.file("cut.json"), R"({"version": 1, "tests": {"a)");
  const std::string before = read_file(good);
  const int plain = merge({good}).exit_code;  // what the shard's tests make it (1: some fail)
  ASSERT_NE(plain, 2);
  for (const std::string& bad :
       {dir_.file("cut.json"), std::string("/dev/zero"), dir_.file("never-uploaded.json")}) {
    std::filesystem::remove(dir_.file("m.json"));
    auto r = merge({good, "--json", dir_.file("m.json"), "--history", dir_.file("h.json"),
                    "--history-in", bad});
    EXPECT_EQ(r.exit_code, plain) << bad << "\n" << r.err;
    EXPECT_NE(r.err.find("warning: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(bad), std::string::npos) << "the warning names it:\n" << r.err;
    EXPECT_TRUE(std::filesystem::exists(dir_.file("m.json"))) << bad;
    EXPECT_TRUE(std::filesystem::exists(dir_.file("h.json"))) << bad;
  }
  EXPECT_EQ(read_file(good), before) << "the shard's report untouched";
  // The shared history may be updated in place: read before anything is written.
  auto r = merge({good, "--history", dir_.file("h.json"), "--history-in", dir_.file("h.json")});
  EXPECT_EQ(r.exit_code, plain) << r.err;
}

}  // namespace
}  // namespace procpool::testing
