// procpool gtest's JUnit: what CI servers show, read by real consumers, valid against the schema.
#include <csignal>
#include <map>
#include <set>
#include <sstream>

#include "gtest_fixture.hpp"

namespace procpool::testing {
namespace {

// Where the tests are, as gtest itself says: its JSON listing (empty when it cannot list).
nlohmann::json gtest_listing(const std::string& binary, const std::string& filter,
                             const TempDir& dir) {
  const std::string listing = dir.file("listing.json");
  const std::string command = "'" + binary + "' --gtest_list_tests --gtest_filter='" + filter +
                              "' --gtest_output=json:'" + listing + "' > /dev/null";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return nlohmann::json::parse(read_file(listing), nullptr, /*allow_exceptions=*/false);
}

TEST_F(GtestRun, JunitCarriesWhatCiServersShow) {
  run({"--junit", dir_.file("all.xml"), "--junit-output", "all", kMixed, "--filter",
       "Pass.One:Skip.*:DISABLED_Off.*"});
  std::string message;
  EXPECT_TRUE(schema_valid(dir_.file("all.xml"), message)) << message;
  const std::string xml = read_file(dir_.file("all.xml"));
  EXPECT_NE(xml.find("timestamp=\"20"), std::string::npos) << xml;
  EXPECT_NE(xml.find("hostname=\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("fixture_mixed.cpp:40: not today"), std::string::npos)
      << "GTEST_SKIP()'s own message, with its place\n"
      << xml;
  EXPECT_NE(xml.find("[ RUN      ] Pass.One"), std::string::npos)
      << "--junit-output all: a passing test's output too\n"
      << xml;
  EXPECT_NE(xml.find("message=\"Disabled\""), std::string::npos) << xml;
  run({"--junit", dir_.file("none.xml"), "--junit-output", "none", kMixed, "--filter", "Fail.*"});
  EXPECT_EQ(read_file(dir_.file("none.xml")).find("<system-out>"), std::string::npos);
  const auto bad = run({"--junit-output", "some", kMixed});
  EXPECT_EQ(bad.exit_code, 2);
}

// Debian's python3-junitparser (what CI tooling reads JUnit with) sees each test as procpool's
// JSON report says it ended: name, classname, result and its message, time.
TEST_F(GtestRun, JunitReadsRightInARealConsumer) {
  run({"--junit", dir_.file("j.xml"), kMixed, "--filter",
       "Pass.*:Fail.*:Skip.*:DISABLED_Off.*:Crash.Segv"});
  write_file(dir_.file("read.py"), R"(import sys
from junitparser import JUnitXml
for suite in JUnitXml.fromfile(sys.argv[1]):
    for case in suite:
        kinds = [type(r).__name__ for r in case.result] or ["Passed"]
        messages = [r.message or "" for r in case.result]
        print(case.classname, case.name, kinds[0], "timed" if case.time >= 0 else "untimed",
              "|".join(messages).split(":")[0].rsplit("/", 1)[-1])
)");
  const std::string out = dir_.file("read.txt");
  ASSERT_EQ(std::system(("/usr/bin/python3 '" + dir_.file("read.py") + "' '" + dir_.file("j.xml") +
                         "' > '" + out + "' 2>&1")
                            .c_str()),
            0)
      << read_file(out);
  std::set<std::string> expected;
  const auto doc = report();
  for (const auto& task : doc["tasks"]) {
    const std::string verdict = task["verdict"];
    const std::string kind = verdict == "passed"                             ? "Passed"
                             : verdict == "failed"                           ? "Failure"
                             : verdict == "skipped" || verdict == "disabled" ? "Skipped"
                                                                             : "Error";
    // The message's first word: the source file for assertions and skips.
    const std::string first = verdict == "failed" || verdict == "skipped" ? "fixture_mixed.cpp"
                              : verdict == "disabled"                     ? "Disabled"
                              : verdict == "crashed"                      ? "crashed"
                                                                          : "";
    const std::string name = task["name"];
    const auto dot = name.find('.');
    expected.insert("fixture_mixed." + name.substr(0, dot) + " " + name.substr(dot + 1) + " " +
                    kind + " timed " + first);
  }
  std::set<std::string> seen;
  std::istringstream lines(read_file(out));
  for (std::string line; std::getline(lines, line);) seen.insert(line);
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(expected.size(), 6u);
}

// What junit-10.xsd has no testcase attribute for (where the test is, what it recorded with
// RecordProperty) reaches a real consumer as its suite's properties, named after the test: the
// same from one process per test, from batches, and merged from a shard's JSON report.
TEST_F(GtestRun, EachTestsPlaceAndRecordedValuesReachARealConsumer) {
  const std::string filter = "Pass.*:Fail.*";
  std::set<std::string> expected{"fixture_mixed:Pass Two.build_id pp-42"};
  std::string file;
  const auto listed = gtest_listing(kMixed, filter, dir_);
  for (const auto& suite : listed["testsuites"]) {
    for (const auto& test : suite["testsuite"]) {
      const std::string prefix = "fixture_mixed:" + suite["name"].get<std::string>() + " " +
                                 test["name"].get<std::string>();
      file = test["file"].get<std::string>();
      expected.insert(prefix + ".file " + file);
      expected.insert(prefix + ".line " + std::to_string(test["line"].get<int>()));
    }
  }
  ASSERT_EQ(expected.size(), 7u);  // 3 tests, each a file and a line, and a recorded value
  auto consumer_sees = [&](const std::string& xml) {
    return junit_properties_as_junitparser_reads_them(xml, dir_.path());
  };
  for (const std::string mode : {"per test", "batch", "merged"}) {
    const std::string xml = dir_.file("j.xml");
    std::remove(xml.c_str());
    if (mode == "merged") {
      run({kMixed, "--filter", filter});  // its JSON report, as a CI shard leaves it
      const auto merged = run_procpool({"merge", "--junit", xml, dir_.file("report.json")});
      ASSERT_EQ(merged.exit_code, 1) << merged.err;  // Fail.Assertion failed
    } else if (mode == "batch") {
      run({"--batch", "3", "--junit", xml, kMixed, "--filter", filter});
    } else {
      run({"--junit", xml, kMixed, "--filter", filter});
    }
    std::string message;
    EXPECT_TRUE(schema_valid(xml, message)) << mode << ": " << message;
    EXPECT_EQ(consumer_sees(xml), expected) << mode << "\n" << read_file(xml);
    EXPECT_NE(read_file(xml).find("file=\"" + file + "\""), std::string::npos)
        << mode << ": a suite whose tests share a file names it\n"
        << read_file(xml);
  }
}

// --junit-family xunit1: each case's file and line as attributes, where GitLab's and GitHub's
// JUnit readers look (pytest's xunit1); read back by a real consumer, equal to gtest's own
// listing, in every mode. The default (xunit2) has none: junit-10.xsd has no place for them.
TEST_F(GtestRun, JunitFamilyXunit1PutsEachTestsFileAndLineOnItsCase) {
  const std::string filter = "Pass.*:Fail.*";
  std::set<std::string> expected;
  const auto listed = gtest_listing(kMixed, filter, dir_);
  for (const auto& suite : listed["testsuites"]) {
    for (const auto& test : suite["testsuite"]) {
      expected.insert(test["name"].get<std::string>() + " " + test["file"].get<std::string>() +
                      " " + std::to_string(test["line"].get<int>()));
    }
  }
  ASSERT_EQ(expected.size(), 3u);
  for (const std::string mode : {"per test", "batch", "merged", "default"}) {
    const std::string xml = dir_.file("j.xml");
    std::remove(xml.c_str());
    if (mode == "merged") {
      run({kMixed, "--filter", filter});
      const auto merged = run_procpool(
          {"merge", "--junit", xml, "--junit-family", "xunit1", dir_.file("report.json")});
      ASSERT_EQ(merged.exit_code, 1) << merged.err;
    } else if (mode == "batch") {
      run({"--batch", "3", "--junit", xml, "--junit-family", "xunit1", kMixed, "--filter", filter});
    } else if (mode == "per test") {
      run({"--junit", xml, "--junit-family", "xunit1", kMixed, "--filter", filter});
    } else {
      run({"--junit", xml, kMixed, "--filter", filter});
    }
    const auto seen = junit_case_places_as_junitparser_reads_them(xml, dir_.path());
    if (mode == "default") {
      EXPECT_EQ(seen, std::set<std::string>{}) << read_file(xml);
      std::string message;
      EXPECT_TRUE(schema_valid(xml, message)) << message;
    } else {
      EXPECT_EQ(seen, expected) << mode << "\n" << read_file(xml);
    }
  }
}

TEST_F(GtestRun, JunitIsValidAndSaysWhatHappened) {
  auto r = run({"-j2", "--junit", dir_.file("junit.xml"), kMixed, "--filter",
                "Pass.*:Fail.*:Crash.Segv:Skip.*:Early.*"});
  EXPECT_EQ(r.exit_code, 1);
  std::string message;
  EXPECT_TRUE(schema_valid(dir_.file("junit.xml"), message)) << message;
  const std::string xml = read_file(dir_.file("junit.xml"));
  EXPECT_NE(xml.find("classname=\"fixture_mixed.Fail\""), std::string::npos)
      << "binary + suite: unique across binaries";
  EXPECT_NE(xml.find("fixture_mixed.cpp:33: Expected equality of these values:\">"),
            std::string::npos)
      << "failure message = location and first line\n"
      << xml;
  EXPECT_NE(xml.find("type=\"crash\""), std::string::npos);
  EXPECT_NE(xml.find("<skipped"), std::string::npos);
  EXPECT_NE(xml.find("<system-out>"), std::string::npos);
  EXPECT_NE(xml.find("name=\"fixture_mixed:Pass\" tests=\"2\" failures=\"0\""), std::string::npos)
      << xml;
}

// Every CI shard starts from the same history snapshot (its runs then update their own copy).

}  // namespace
}  // namespace procpool::testing
