// Exact verdicts under procpool ctest --batch (issue 23): a CTest tree of a program that lies to
// its runner (tests/fixtures/fixture_forgery.cpp, registered by gtest_discover_tests in
// tests/ctest_forgery_project) gets, batched or not, the verdicts real `ctest` gives it, run here
// on the same tree: forged end lines, crashes in a global tear-down or a static destructor,
// exit(0) halfway (a pass, by CTest's rule), names with spaces and filter characters.
#include <cstdlib>
#include <map>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace procpool::testing {
namespace {

class CtestVerdict : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    ASSERT_TRUE(configure_cmake_project(CTEST_FORGERY_PROJECT, dir_.file("build"),
                                        {"FIXTURE=" FIXTURE_FORGERY}, dir_.file("cmake.log")))
        << read_file(dir_.file("cmake.log"));
  }
  // procpool's verdicts in ctest's words (ctest calls a crash or a timeout "failed").
  std::map<std::string, std::string> procpool_verdicts(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"ctest",
                                  "--build-dir",
                                  dir_.file("build"),
                                  "--history",
                                  dir_.file("history.json"),
                                  "--json",
                                  dir_.file("report.json")};
    args.insert(args.end(), extra.begin(), extra.end());
    last_ = run_procpool(args);
    std::map<std::string, std::string> v;
    const auto doc = nlohmann::json::parse(read_file(dir_.file("report.json")));
    for (const auto& t : doc["tasks"]) {
      std::string verdict = t["verdict"];
      if (verdict == "crashed" || verdict == "timed_out") verdict = "failed";
      v[t["name"]] = verdict;
    }
    return v;
  }
  TempDir dir_;
  CliResult last_;
};

TEST_F(CtestVerdict, BatchedOrNotEveryForgeryGetsTheVerdictCtestGivesIt) {
  const auto expected = ctest_verdicts(dir_.file("build"), dir_.path());
  ASSERT_EQ(expected.size(), 28u) << read_file(dir_.file("ctest.log"));
  // What ctest itself says of the rows (its rules: the exit code, a signal, the timeout).
  EXPECT_EQ(expected.at("F.Crasher"), "failed");
  EXPECT_EQ(expected.at("TEARDOWN_abort.Plain.A"), "failed");
  EXPECT_EQ(expected.at("STATIC_DTOR_segv.Plain.A"), "failed");
  EXPECT_EQ(expected.at("TEARDOWN_exit0.Plain.A"), "passed");
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{}, {"--batch", "auto"}, {"--batch", "100000"}}) {
    const std::string label = mode.empty() ? "unbatched" : "--batch " + mode.back();
    const auto got = procpool_verdicts(mode);
    EXPECT_EQ(last_.exit_code, 1) << label << "\n" << last_.err;
    ASSERT_EQ(got.size(), expected.size()) << label;
    for (const auto& [name, verdict] : expected) {
      EXPECT_EQ(got.at(name), verdict) << name << " with " << label;
    }
    EXPECT_EQ(last_.out.find("ORDERDEP"), std::string::npos) << label << "\n" << last_.out;
    EXPECT_EQ(last_.out.find("FLAKY"), std::string::npos) << label << "\n" << last_.out;
  }
}

}  // namespace
}  // namespace procpool::testing
