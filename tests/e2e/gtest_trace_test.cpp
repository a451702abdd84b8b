// --trace FILE: Chrome's trace-event JSON. Read by a reader of that format written apart from
// procpool (Python, by the format's rules: the object form, "M" metadata naming the tracks,
// "X" complete events with numeric ts/dur), checked against the run's own JSON report.
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "gtest_fixture.hpp"

namespace procpool::testing {
namespace {

// What a trace says, one line each: "track NAME" per thread name, "listing" when the listing
// is on the run track, and "TEST VERDICT CAT" per attempt; "overlap TRACK" when two events of
// one track overlap; "bad ..." for anything the format does not allow.
std::multiset<std::string> read_trace(const std::string& trace, const TempDir& dir) {
  write_file(dir.file("read_trace.py"), R"(import json, sys
doc = json.load(open(sys.argv[1]))
assert isinstance(doc, dict) and isinstance(doc["traceEvents"], list)
ends = {}
run_track = [e["tid"] for e in doc["traceEvents"]
             if e.get("ph") == "M" and e["name"] == "thread_name" and e["args"]["name"] == "run"]
for e in doc["traceEvents"]:
    ph = e.get("ph")
    if ph == "M":
        if e["name"] == "thread_name":
            print("track", e["args"]["name"])
        continue
    if ph != "X" or not all(isinstance(e.get(k), int) for k in ("pid", "tid", "ts", "dur")) \
            or e["dur"] < 0:
        print("bad", e)
        continue
    if e.get("cat") == "process-start":
        print("process-start", "ok" if e["dur"] >= 1 else "empty")
        continue
    if [e["tid"]] == run_track:
        print("listing" if e.get("cat") == "listing" else "run-track " + e["name"])
        continue
    for (s, f) in ends.get(e["tid"], []):
        if e["ts"] < f and s < e["ts"] + e["dur"]:
            print("overlap", e["tid"])
    ends.setdefault(e["tid"], []).append((e["ts"], e["ts"] + e["dur"]))
    print(e["name"], e["args"]["verdict"], e["cat"])
)");
  const std::string out = dir.file("trace.txt");
  const std::string command =
      "/usr/bin/python3 '" + dir.file("read_trace.py") + "' '" + trace + "' > '" + out + "' 2>&1";
  if (std::system(command.c_str()) != 0) return {"reader failed: " + read_file(out)};
  std::multiset<std::string> lines;
  std::istringstream text(read_file(out));
  for (std::string line; std::getline(text, line);) lines.insert(line);
  return lines;
}

TEST_F(GtestRun, TraceHasATrackPerSlotAndAnEventPerAttemptRetriesMarked) {
  const std::string trace = dir_.file("trace.json");
  const std::string filter = "Pass.*:Fail.*:Crash.*";
  auto r = run({"-j2", "--batch", "auto", "--trace", trace, kMixed, "--filter", filter});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto seen = read_trace(trace, dir_);
  EXPECT_EQ(seen.count("track run"), 1u);
  EXPECT_EQ(seen.count("track slot 1"), 1u);
  EXPECT_EQ(seen.count("track slot 2"), 1u);
  EXPECT_EQ(seen.count("listing"), 1u) << "the listing, before the run";
  EXPECT_EQ(seen.count("run-track run"), 1u);
  // What each process's start cost, nested in the attempt it began: at least one per batch.
  EXPECT_GE(seen.count("process-start ok"), 1u);
  EXPECT_EQ(seen.count("process-start empty"), 0u);
  for (const auto& line : seen) {
    EXPECT_NE(line.rfind("bad", 0), 0u) << line;
    EXPECT_NE(line.rfind("overlap", 0), 0u) << line;
  }
  // An event per attempt the report counts: the first marked "attempt", each later one with
  // why it ran (a confirmation alone, a rerun, ...); the crashes here make some.
  const auto doc = report();
  std::size_t marked = 0;
  for (const auto& t : doc["tasks"]) {
    const std::string name = t["name"];
    std::size_t attempts = 0, first = 0;
    for (const auto& line : seen) {
      if (line.rfind(name + " ", 0) != 0) continue;
      ++attempts;
      first += line.size() > 8 && line.substr(line.size() - 8) == " attempt";
    }
    EXPECT_EQ(attempts, t["attempts"].get<std::size_t>()) << name;
    EXPECT_EQ(first, 1u) << name;
    marked += attempts - first;
  }
  EXPECT_GT(marked, 0u) << "no retry, confirmation or rerun marked";
}

// The same kind of run read by TracerBench's trace model (JavaScript, written apart from procpool
// and from this test; scripts/setup installs it): every track and event lands where the format
// says, none is left without a thread, and the attempts are those the report counts.
TEST_F(GtestRun, TraceIsReadByAnIndependentImplementationOfTheFormat) {
  if (!std::filesystem::exists(std::string(TRACE_READER_MODULES) +
                               "/node_modules/@tracerbench/trace-model/package.json")) {
    GTEST_SKIP() << "TracerBench's trace model is not installed in " << TRACE_READER_MODULES
                 << ": scripts/setup could not get it from the npm registry (its warning says why)";
  }
  const std::string trace = dir_.file("trace.json");
  auto r = run(
      {"-j2", "--batch", "auto", "--trace", trace, kMixed, "--filter", "Pass.*:Fail.*:Crash.*"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string out = dir_.file("model.txt");
  const std::string command = std::string("node '") + TRACE_READER_SCRIPT + "' '" +
                              TRACE_READER_MODULES + "' '" + trace + "' > '" + out + "' 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << "the reader failed (scripts/setup installs it):\n"
                                             << read_file(out);
  const std::string model = read_file(out);
  std::map<std::string, std::size_t> events_of;  // task name -> events on slot tracks
  std::size_t listing = 0, slot_tracks = 0;
  bool run_track_first = false;
  std::istringstream text(model);
  for (std::string line; std::getline(text, line);) {
    EXPECT_NE(line.rfind("process-event", 0), 0u) << "an event on no thread: " << line;
    std::istringstream words(line);
    std::string kind, a, b, c;
    words >> kind >> a >> b;
    if (kind == "track") {
      words >> c;
      if (b == "run") run_track_first = c == "sort=-1";
      if (b == "slot") ++slot_tracks;
    } else if (kind == "event" && a == "run") {
      listing += b == "listing";
    } else if (kind == "event" && a == "slot") {
      std::string slot_number, cat, verdict, name;
      std::istringstream rest(line.substr(std::string("event slot ").size()));
      rest >> slot_number >> cat >> verdict;
      std::getline(rest >> std::ws, name);
      ++events_of[name];
    }
  }
  EXPECT_EQ(slot_tracks, 2u) << model;
  EXPECT_TRUE(run_track_first) << model;
  EXPECT_EQ(listing, 1u) << model;
  const auto doc = report();
  ASSERT_FALSE(doc["tasks"].empty());
  for (const auto& t : doc["tasks"]) {
    EXPECT_EQ(events_of[t["name"].get<std::string>()], t["attempts"].get<std::size_t>())
        << t["name"] << "\n"
        << model;
  }
}

// procpool run: every task's process start is its own event, nested at the start of the
// task's attempt on the same track, and its cost is in the attempt's args.
TEST_F(GtestRun, TraceShowsWhatEachProcessStartCost) {
  const std::string trace = dir_.file("run-trace.json");
  auto r = run_procpool({"run", "-j2", "--trace", trace, "--", "true", ":::", "1", "2", "3", "4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(read_file(trace));
  std::vector<nlohmann::json> attempts, starts;
  for (const auto& e : doc["traceEvents"]) {
    if (e["ph"] != "X") continue;
    if (e["cat"] == "process-start") starts.push_back(e);
    if (e["cat"] == "attempt") attempts.push_back(e);
  }
  ASSERT_EQ(attempts.size(), 4u) << doc.dump();
  ASSERT_EQ(starts.size(), 4u) << doc.dump();
  for (const auto& start : starts) {
    bool nested = false;
    for (const auto& attempt : attempts) {
      nested = nested || (attempt["tid"] == start["tid"] && attempt["ts"] == start["ts"] &&
                          start["dur"].get<long long>() <= attempt["dur"].get<long long>() &&
                          attempt["args"]["start_us"] == start["dur"]);
    }
    EXPECT_TRUE(nested) << start.dump();
    EXPECT_GE(start["dur"].get<long long>(), 1);
  }
}

// A batch's verdicts are told together when its process ends; its tests are still drawn where
// they ran, each about as long as it took, not the first from the process start to its end.
TEST_F(GtestRun, TraceLaysEachTestOfABatchWhereItRan) {
  const std::string trace = dir_.file("batch-trace.json");
  auto r = run({"-j1", "--batch", "2", "--trace", trace, FIXTURE_MANY, "--filter",
                "Many/Fast.Test/0:Many/Fast.Test/1"},
               {.env = {"FIXTURE_WORK_US=300000"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(read_file(trace));
  std::map<std::string, nlohmann::json> attempts;
  for (const auto& e : doc["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "attempt") attempts[e["name"]] = e;
  }
  ASSERT_EQ(attempts.size(), 2u) << doc.dump();
  const auto& first = attempts["Many/Fast.Test/0"];
  const auto& second = attempts["Many/Fast.Test/1"];
  ASSERT_EQ(first["args"]["batch"], second["args"]["batch"]) << "one batch";
  const long long ms = 1000;  // the trace counts microseconds
  EXPECT_GE(first["dur"].get<long long>(), 250 * ms) << first.dump();
  EXPECT_LT(first["dur"].get<long long>(), 500 * ms) << "not the whole batch: " << first.dump();
  EXPECT_GE(second["dur"].get<long long>(), 250 * ms) << second.dump();
  EXPECT_GE(second["ts"].get<long long>(),
            first["ts"].get<long long>() + first["dur"].get<long long>())
      << "after the first, not over it";
}

TEST_F(GtestRun, TraceOfARunThatCannotBeWrittenIsAnErrorBeforeAnythingRuns) {
  auto r = run({"--trace", dir_.file("no-such-dir/trace.json"), kMixed, "--filter", "Pass.*"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no-such-dir"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace procpool::testing
