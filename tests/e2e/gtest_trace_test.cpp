// --trace FILE: Chrome's trace-event JSON. Read by a reader of that format written apart from
// procpool (Python, by the format's rules: the object form, "M" metadata naming the tracks,
// "X" complete events with numeric ts/dur), checked against the run's own JSON report.
#include <set>

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
    if e["tid"] == 0:
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

TEST_F(GtestRun, TraceOfARunThatCannotBeWrittenIsAnErrorBeforeAnythingRuns) {
  auto r = run({"--trace", dir_.file("no-such-dir/trace.json"), kMixed, "--filter", "Pass.*"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no-such-dir"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace procpool::testing
