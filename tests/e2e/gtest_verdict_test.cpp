// Exact verdicts in every mode (issue 23): a program that lies to its runner
// (tests/fixtures/fixture_forgery.cpp) gets, in every mode, the verdict each test has when run
// alone, however its tests forge gtest's lines, end the process, close their output or leave
// processes behind. The modes: one process per test, --batch 1, --batch 7, --batch auto and one
// batch holding every test. (procpool ctest --batch: tests/e2e/ctest_verdict_test.cpp; Slurm:
// tests/e2e/slurm_test.cpp.)
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "gtest_fixture.hpp"

namespace procpool::testing {
namespace {

const std::string kForgery = FIXTURE_FORGERY;

struct Mode {
  const char* name;
  std::vector<std::string> args;
  friend void PrintTo(const Mode& mode, std::ostream* os) { *os << mode.name; }
};

const Mode kModes[] = {
    {"OneProcessPerTest", {}},
    {"BatchOfOne", {"--batch", "1"}},
    {"BatchOfSeven", {"--batch", "7"}},
    {"BatchAuto", {"--batch", "auto"}},
    {"OneBatchHoldingAll", {"--batch", "100000"}},
};

class GtestVerdict : public GtestRun, public ::testing::WithParamInterface<Mode> {
 protected:
  CliResult run_mode(std::vector<std::string> args, CliOptions options = {}) {
    std::vector<std::string> full = GetParam().args;
    full.insert(full.end(), args.begin(), args.end());
    return run(full, std::move(options));
  }
  nlohmann::json task(const std::string& name) {
    const auto doc = report();
    for (const auto& t : doc["tasks"]) {
      if (t["name"] == name) return t;
    }
    ADD_FAILURE() << "no task " << name;
    return {};
  }
};

// Rows 1-3: every end line came, then the program ended badly. Alone, each test gets that end.
TEST_P(GtestVerdict, AnAbortInAGlobalTearDownCrashesEveryTestAsAlone) {
  auto r = run_mode({kForgery, "--filter", "Plain.*"}, {.env = {"FORGERY_TEARDOWN=abort"}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto v = verdicts();
  ASSERT_EQ(v.size(), 3u);
  for (const auto& [name, verdict] : v) EXPECT_EQ(verdict, "crashed") << name;
  EXPECT_NE(r.out.find("after the test passed"), std::string::npos) << r.out;
}

TEST_P(GtestVerdict, AStaticDestructorThatCrashesCrashesEveryTestAsAlone) {
  auto r = run_mode({kForgery, "--filter", "Plain.*"}, {.env = {"FORGERY_STATIC_DTOR=segv"}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto v = verdicts();
  ASSERT_EQ(v.size(), 3u);
  for (const auto& [name, verdict] : v) EXPECT_EQ(verdict, "crashed") << name;
}

TEST_P(GtestVerdict, ExitZeroInAGlobalTearDownFailsEveryTestAsExitedEarly) {
  auto r = run_mode({kForgery, "--filter", "Plain.*"}, {.env = {"FORGERY_TEARDOWN=exit0"}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto doc = report();
  ASSERT_EQ(doc["tasks"].size(), 3u);
  for (const auto& t : doc["tasks"]) {
    EXPECT_EQ(t["verdict"], "failed") << t.dump();
    EXPECT_NE(t["message"].get<std::string>().find("exited early"), std::string::npos) << t.dump();
  }
}

// Rows 4-6: gtest's lines printed by a test change nothing.
TEST_P(GtestVerdict, AForgedEndLineThenACrashIsACrash) {
  auto r = run_mode({kForgery, "--filter", "Plain.*:F.Crasher"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto v = verdicts();
  EXPECT_EQ(v.at("F.Crasher"), "crashed");
  for (const char* plain : {"Plain.A", "Plain.B", "Plain.C"}) EXPECT_EQ(v.at(plain), "passed");
}

TEST_P(GtestVerdict, AForgedEndLineThenAHangIgnoringSigtermTimesOut) {
  auto r = run_mode({"--timeout", "2", "--grace", "1", kForgery, "--filter", "Plain.A:F.Hanger"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto v = verdicts();
  EXPECT_EQ(v.at("F.Hanger"), "timed_out");
  EXPECT_EQ(v.at("Plain.A"), "passed");
}

TEST_P(GtestVerdict, AForgedStartOfTheNextTestBlamesNoInnocent) {
  auto r = run_mode({kForgery, "--filter", "G.*"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto v = verdicts();
  EXPECT_EQ(v.at("G.Guilty"), "crashed");
  EXPECT_EQ(v.at("G.Innocent"), "passed") << "not order_dependent, not crashed";
  EXPECT_EQ(r.out.find("ORDERDEP"), std::string::npos) << r.out;
}

// Rows 7-8: names a text listing or a filter gets wrong are kept whole and selected exactly.
TEST_P(GtestVerdict, ATypedTestNamedWithASpaceRunsOnceAndFails) {
  auto r = run_mode({kForgery, "--filter", "Typed*"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto doc = report();
  std::map<std::string, int> seen;
  for (const auto& t : doc["tasks"]) ++seen[t["name"]];
  EXPECT_EQ(seen, (std::map<std::string, int>{{"Typed/ok.T", 1}, {"Typed/with space.T", 1}}));
  EXPECT_EQ(task("Typed/with space.T")["verdict"], "failed");
  EXPECT_NE(
      task("Typed/with space.T")["message"].get<std::string>().find("marker-with-space-fails"),
      std::string::npos);
  EXPECT_EQ(task("Typed/ok.T")["verdict"], "passed");
}

TEST_P(GtestVerdict, TypedTestsNamedWithFilterCharactersPass) {
  auto r = run_mode({kForgery, "--filter", "Odd*"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto doc = report();
  std::map<std::string, int> seen;
  for (const auto& t : doc["tasks"]) ++seen[t["name"]];
  EXPECT_EQ(seen,
            (std::map<std::string, int>{
                {"Odd/a,b.T", 1}, {"Odd/x-:y.T", 1}, {"Odd/star*q?.T", 1}, {"Odd/x..y.T", 1}}))
      << "a test a '?' selects too is never counted as another's result";
  for (const auto& [name, verdict] : verdicts()) EXPECT_EQ(verdict, "passed") << name;
  if (GetParam().args.empty()) {  // alone, "Odd/x??y.T" also runs Odd/x..y.T: said so
    EXPECT_NE(r.err.find("Odd/x..y.T ran unasked"), std::string::npos) << r.err;
  }
}

TEST_P(GtestVerdict, TwoProgramsWithTheSameTestNamesKeepTheirOwnVerdicts) {
  const std::string copy = dir_.file("fixture_forgery_copy");
  ASSERT_EQ(std::system(("cp '" + kForgery + "' '" + copy + "'").c_str()), 0);
  auto r = run_mode({kForgery, copy, "--filter", "Plain.*:F.Crasher"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto doc = report();
  std::map<std::string, std::string> by_binary_and_name;
  for (const auto& t : doc["tasks"]) {
    by_binary_and_name[t["binary"].get<std::string>() + " " + t["name"].get<std::string>()] =
        t["verdict"];
  }
  ASSERT_EQ(by_binary_and_name.size(), 8u);
  for (const std::string& program : {kForgery, copy}) {
    EXPECT_EQ(by_binary_and_name.at(program + " F.Crasher"), "crashed");
    EXPECT_EQ(by_binary_and_name.at(program + " Plain.A"), "passed");
  }
}

// Rows 9-10.
TEST_P(GtestVerdict, APassingTestThatClosesItsStdoutPasses) {
  auto r = run_mode({kForgery, "--filter", "Plain.A:Closes.*:Plain.B"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& [name, verdict] : verdicts()) EXPECT_EQ(verdict, "passed") << name;
}

TEST_P(GtestVerdict, ATestThatLeavesAProcessBehindIsReportedAsLeaking) {
  auto r = run_mode({kForgery, "--filter", "Plain.A:Leaks.*:Plain.B"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(task("Leaks.Sleeper")["verdict"], "passed");
  EXPECT_EQ(task("Leaks.Sleeper")["leaked"], true);
  EXPECT_EQ(task("Plain.A")["leaked"], false);
  EXPECT_NE(r.out.find("Leaks.Sleeper"), std::string::npos);
  EXPECT_NE(r.out.find("LEAK"), std::string::npos) << r.out;
}

// The rest of the hostile list: each gets the verdict it has alone.
TEST_P(GtestVerdict, ForgedLinesHalfLinesExitsAndKilledGroupsGetTheirVerdictsAlone) {
  auto r = run_mode({kForgery, "--filter", "Plain.*:Forge.*"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto v = verdicts();
  EXPECT_EQ(v.at("Forge.OnStderr"), "failed");
  EXPECT_EQ(v.at("Forge.HalfLine"), "failed");
  EXPECT_EQ(v.at("Forge.WholeTranscriptThenExitZero"), "failed");
  EXPECT_EQ(v.at("Forge.QuickExit"), "failed");
  EXPECT_EQ(v.at("Forge.RedirectsStdoutAndPasses"), "passed");
  EXPECT_EQ(v.at("Forge.KillsItsProcessGroup"), "crashed");
  for (const char* plain : {"Plain.A", "Plain.B", "Plain.C"}) EXPECT_EQ(v.at(plain), "passed");
}

TEST_P(GtestVerdict, EveryVerdictSaysWhereItsEventsCameFromAndWhatRanIt) {
  auto r = run_mode({kForgery, "--filter", "Plain.*"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto doc = report();
  for (const auto& t : doc["tasks"]) {
    EXPECT_EQ(t["events"], "stream") << t.dump();
    // The command that ran it: in a batch, one naming every test of the batch.
    const std::string command = t["command"];
    EXPECT_NE(command.find("--gtest_filter="), std::string::npos) << command;
    EXPECT_NE(command.find(t["name"].get<std::string>()), std::string::npos) << command;
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, GtestVerdict, ::testing::ValuesIn(kModes),
                         [](const auto& info) { return std::string(info.param.name); });

class GtestStream : public GtestRun {
 protected:
  CliResult run_mode_wrapped(const std::vector<std::string>& mode) {
    std::vector<std::string> args = mode;
    args.insert(args.end(), {kForgery, "--filter", "Plain.*:F.Crasher:G.*"});
    return run(args, {.wrapper = {"unshare", "-n"}});
  }
};

TEST_F(GtestStream, WithoutALoopbackTheConsoleIsReadWithAWarningNeverAFalseVerdict) {
  // A network namespace of its own has no loopback up: gtest cannot reach the stream.
  if (std::system("unshare -n true > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "unshare -n is not allowed here (needs CAP_SYS_ADMIN)";
  }
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{}, std::vector<std::string>{"--batch", "auto"}}) {
    auto r = run_mode_wrapped(mode);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("could not connect"), std::string::npos) << r.err;
    const auto v = verdicts();
    EXPECT_EQ(v.at("F.Crasher"), "crashed");
    EXPECT_EQ(v.at("G.Guilty"), "crashed");
    EXPECT_EQ(v.at("G.Innocent"), "passed");
    EXPECT_EQ(v.at("Plain.A"), "passed");
    const auto doc = report();  // kept alive for the loop
    for (const auto& t : doc["tasks"]) EXPECT_EQ(t["events"], "console") << t.dump();
  }
}

}  // namespace
}  // namespace procpool::testing
