// procpool ctest on tests/ctest_project: the properties whose check needs procpool's own slots
// (RESOURCE_LOCK, RUN_SERIAL through PROCPOOL_SLOT), so the expected verdicts are written here;
// ctest_parity_test.cpp takes its expectations from real ctest.
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace procpool::testing {
namespace {

class CtestRun : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    for (const char* sub : {"wd", "lock", "serial"})
      std::filesystem::create_directories(dir_.file(sub));
    ASSERT_TRUE(configure_cmake_project(CTEST_PROJECT, dir_.file("build"),
                                        {"PP_HELPER=" + helper(), "WORK=" + dir_.path()},
                                        dir_.file("cmake.log")))
        << read_file(dir_.file("cmake.log"));
  }
  CliResult run(std::vector<std::string> args) {
    std::vector<std::string> full{"ctest",
                                  "--build-dir",
                                  dir_.file("build"),
                                  "--history",
                                  dir_.file("history.json"),
                                  "--json",
                                  dir_.file("report.json"),
                                  "--grace",
                                  "0.2"};
    full.insert(full.end(), args.begin(), args.end());
    return run_procpool(full);
  }
  nlohmann::json ctest_listing(const std::string& regex);
  std::map<std::string, std::string> verdicts() {
    return report_verdicts(dir_.file("report.json"));
  }
  TempDir dir_;
};

TEST_F(CtestRun, EveryPropertyIsHonouredAsCtestDoes) {
  auto r = run({"-j3"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::map<std::string, std::string> expected{
      {"passes", "passed"},
      {"fails", "failed"},
      {"crashes", "crashed"},
      {"missing_program", "not_run"},
      {"working_directory", "passed"},
      {"environment", "passed"},
      {"timeout", "timed_out"},
      {"will_fail", "passed"},
      {"skip_return_code", "skipped"},
      {"skip_regex", "skipped"},
      {"pass_regex", "passed"},
      {"pass_regex_missing", "failed"},
      {"fail_regex", "failed"},
      {"locked_1", "passed"},
      {"locked_2", "passed"},
      {"busy_1", "passed"},
      {"busy_2", "passed"},
      {"busy_3", "passed"},
      {"busy_4", "passed"},
      {"serial", "passed"},
      {"labelled", "passed"},
      {"disabled", "disabled"},
  };
  EXPECT_EQ(verdicts(), expected) << r.out;
  EXPECT_TRUE(std::filesystem::exists(dir_.file("wd/counter"))) << "ran in WORKING_DIRECTORY";
  // ctest 3.25 does not list 3.27's TIMEOUT_SIGNAL_NAME; everything it lists is honoured (the
  // warning for newer properties: ParseCtestJson.ReadsCommandsAndPropertiesAndNamesTheUnsupported).
  EXPECT_EQ(r.err.find("not honoured"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("[ DISABLED ] disabled"), std::string::npos) << r.out;
}

// A test with output rules runs as ctest runs it, stdout and stderr through one pipe (so its
// regexes see them in the order written): its stderr is in the report's system-out, where
// ctest's own --output-junit puts all of a test's output.
TEST_F(CtestRun, JunitHasTheOnePipesOutputAndNamesTheDirectory) {
  auto r = run({"--junit", dir_.file("ctest.xml"), "--", "-R", "^fail_regex$"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string xml = read_file(dir_.file("ctest.xml"));
  EXPECT_NE(xml.find("<system-out>ERROR: broken"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<system-err>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("classname=\"build\""), std::string::npos) << "the build tree's top\n" << xml;
}

// Where ctest itself says the tests matching `regex` are added (--show-only=json-v1).
nlohmann::json CtestRun::ctest_listing(const std::string& regex) {
  const std::string listed = dir_.file("listed.json");
  const std::string command = "cd '" + dir_.file("build") + "' && ctest --show-only=json-v1 -R '" +
                              regex + "' > '" + listed + "'";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return nlohmann::json::parse(read_file(listed), nullptr, /*allow_exceptions=*/false);
}

// --junit-family xunit1: each CTest test's add_test() place as its case's file and line, as
// ctest itself lists it (--show-only=json-v1), read back by a real consumer.
TEST_F(CtestRun, JunitFamilyXunit1PutsEachTestsAddTestPlaceOnItsCase) {
  const auto doc = ctest_listing("^(passes|labelled)$");
  std::set<std::string> expected;
  for (const auto& test : doc["tests"]) {
    const auto& node = doc["backtraceGraph"]["nodes"][test["backtrace"].get<std::size_t>()];
    expected.insert(
        test["name"].get<std::string>() + " " +
        doc["backtraceGraph"]["files"][node["file"].get<std::size_t>()].get<std::string>() + " " +
        std::to_string(node["line"].get<int>()));
  }
  ASSERT_EQ(expected.size(), 2u);
  const std::string xml = dir_.file("ctest.xml");
  auto r = run({"--junit", xml, "--junit-family", "xunit1", "--", "-R", "^(passes|labelled)$"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(junit_case_places_as_junitparser_reads_them(xml, dir_.path()), expected)
      << read_file(xml);
}

// --junit-group label: a suite per set of LABELS; each test's add_test() place and labels as its
// suite's properties, as CTest itself lists them (--show-only=json-v1), read by a real consumer.
TEST_F(CtestRun, JunitGroupsByLabelAndSaysWhereEachTestIsAdded) {
  const auto doc = ctest_listing("^(passes|labelled)$");
  std::set<std::string> expected;
  for (const auto& test : doc["tests"]) {
    const auto& node = doc["backtraceGraph"]["nodes"][test["backtrace"].get<std::size_t>()];
    const std::string name = test["name"];
    const std::string suite = name == "labelled" ? "build/fast;smoke" : "build";
    expected.insert(
        suite + " " + name + ".file " +
        doc["backtraceGraph"]["files"][node["file"].get<std::size_t>()].get<std::string>());
    expected.insert(suite + " " + name + ".line " + std::to_string(node["line"].get<int>()));
  }
  expected.insert("build/fast;smoke labelled.labels fast;smoke");
  ASSERT_EQ(expected.size(), 5u);

  const std::string xml = dir_.file("ctest.xml");
  auto r = run({"--junit", xml, "--junit-group", "label", "--", "-R", "^(passes|labelled)$"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto consumer_sees = [&](const std::string& xml) {
    return junit_properties_as_junitparser_reads_them(xml, dir_.path());
  };
  EXPECT_EQ(consumer_sees(xml), expected) << read_file(xml);
  // The same from the run's JSON report, as `procpool merge` rebuilds a sharded run's JUnit.
  const std::string merged = dir_.file("merged.xml");
  const auto m = run_procpool(
      {"merge", "--junit", merged, "--junit-group", "label", dir_.file("report.json")});
  EXPECT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(consumer_sees(merged), expected) << read_file(merged);
  const std::string check = "xmllint --noout --schema '" + std::string(JUNIT_SCHEMA) + "' '" + xml +
                            "' > '" + dir_.file("xmllint.log") + "' 2>&1";
  EXPECT_EQ(std::system(check.c_str()), 0) << read_file(dir_.file("xmllint.log"));
  EXPECT_NE(run({"--junit-group", "labels"}).exit_code, 0) << "an unknown grouping is refused";
}

TEST_F(CtestRun, SelectionArgumentsArePassedToCtest) {
  auto by_label = run({"--", "-L", "smoke"});
  EXPECT_EQ(by_label.exit_code, 0) << by_label.out << by_label.err;
  EXPECT_EQ(verdicts(), (std::map<std::string, std::string>{{"labelled", "passed"}}));
  auto by_name = run({"--", "-R", "^pass", "-E", "missing"});
  EXPECT_EQ(by_name.exit_code, 0);
  EXPECT_EQ(verdicts(),
            (std::map<std::string, std::string>{{"passes", "passed"}, {"pass_regex", "passed"}}));
}

TEST_F(CtestRun, APreTestCommandPrintingBeforeTheTestListIsNoProblem) {
  // CTestCustom.cmake's CTEST_CUSTOM_PRE_TEST prints before ctest's json-v1 document.
  write_file(dir_.file("build/CTestCustom.cmake"),
             "set(CTEST_CUSTOM_PRE_TEST \"echo {pre-test output}\")\n");
  auto r = run({"--", "-R", "^passes$"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(verdicts(), (std::map<std::string, std::string>{{"passes", "passed"}}));
}

// ctest keeps its records in the build tree; procpool ctest's history goes there too, not into
// whatever directory it was started from.
TEST_F(CtestRun, TheHistoryLivesInTheBuildTreeUnlessHistoryIsGiven) {
  std::filesystem::create_directories(dir_.file("elsewhere"));
  auto r = run_procpool({"ctest", "--build-dir", dir_.file("build"), "--", "-R", "^passes$"},
                        {.working_dir = dir_.file("elsewhere")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir_.file("build/.procpool/history.json")));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("elsewhere/.procpool"))) << "nothing left here";
  r = run({"--", "-R", "^passes$"});  // --history FILE: that file
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir_.file("history.json")));
}

TEST_F(CtestRun, DashNListsAsCtestDoesAndRunsNothing) {
  const std::string command = "cd '" + dir_.file("build") + "' && ctest -N -R pass > '" +
                              dir_.file("ctest-n.txt") + "' 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  auto r = run({"--", "-N", "-R", "pass"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, read_file(dir_.file("ctest-n.txt")));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("wd/counter"))) << "nothing ran";
  EXPECT_FALSE(std::filesystem::exists(dir_.file("report.json"))) << "no run, no report";
}

// Our own test registration (tests/discover_gtests.cmake): a failing test whose output holds
// "[  SKIPPED ]" (procpool's console does) is Failed, not Skipped as gtest_discover_tests made it;
// a test that gtest itself skipped is still Skipped.
TEST(OwnTestRegistration, OnlyGtestsOwnSummaryMarksATestSkipped) {
  TempDir dir;
  write_file(dir.file("fake_gtest"),
             "#!/bin/sh\n"
             "case \"$1\" in\n"
             "  --gtest_list_tests) printf 'S.\\n  Fails\\n  Skips\\n' ;;\n"
             "  *Fails) echo '[  SKIPPED ] printed by the code under test'; exit 1 ;;\n"
             "  *Skips) printf '[  PASSED  ] 0 tests.\\n[  SKIPPED ] 1 test, listed below:\\n"
             "[  SKIPPED ] S.Skips\\n' ;;\n"
             "esac\n");
  std::filesystem::permissions(dir.file("fake_gtest"), std::filesystem::perms::owner_all);
  const std::string discover =
      std::filesystem::path(CTEST_PROJECT).parent_path().string() + "/discover_gtests.cmake";
  write_file(dir.file("CTestTestfile.cmake"),
             "set(binary \"" + dir.file("fake_gtest") + "\")\nset(workdir \"" + dir.path() +
                 "\")\nset(properties \"\")\ninclude(\"" + discover + "\")\n");
  const std::string command =
      "ctest --test-dir '" + dir.path() + "' > '" + dir.file("ctest.log") + "' 2>&1";
  (void)std::system(command.c_str());
  const std::string log = read_file(dir.file("ctest.log"));
  // ctest's result line for a test: "1/2 Test #1: S.Fails .....***Failed    0.01 sec".
  auto result_of = [&](const std::string& name) {
    const auto at = log.find("Test #", log.find(": " + name + " ") - 12);
    return at == std::string::npos ? std::string() : log.substr(at, log.find('\n', at) - at);
  };
  EXPECT_NE(result_of("S.Fails").find("***Failed"), std::string::npos) << log;
  EXPECT_NE(result_of("S.Skips").find("***Skipped"), std::string::npos) << log;
}

TEST_F(CtestRun, ANonBuildDirectoryIsAUsageError) {
  auto r = run_procpool({"ctest", "--build-dir", dir_.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a CTest build tree"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace procpool::testing
