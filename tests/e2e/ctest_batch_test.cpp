// procpool ctest --batch on a tree gtest_discover_tests registered: GoogleTest cases share
// processes, and every test still gets the verdict real `ctest` gives it (read from ctest's own
// JUnit output, run here on the same tree).
#include <cstdlib>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace procpool::testing {
namespace {

class CtestBatch : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    ASSERT_TRUE(configure_cmake_project(CTEST_GTEST_PROJECT, dir_.file("build"),
                                        {"FIXTURE=" FIXTURE_BATCH}, dir_.file("cmake.log")))
        << read_file(dir_.file("cmake.log"));
  }
  std::map<std::string, std::string> procpool_verdicts() {
    return report_verdicts(dir_.file("report.json"));
  }
  TempDir dir_;
};

TEST_F(CtestBatch, BatchedGtestCasesGetTheVerdictsCtestGivesThem) {
  const auto expected = ctest_verdicts(dir_.file("build"), dir_.path());
  ASSERT_EQ(expected.size(), 19u) << read_file(dir_.file("ctest.log"));
  auto r = run_procpool({"ctest", "--build-dir", dir_.file("build"), "--history",
                         dir_.file("history.json"), "--json", dir_.file("report.json"), "--batch",
                         "100"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto got = procpool_verdicts();
  ASSERT_EQ(got.size(), expected.size());
  for (const auto& [name, verdict] : expected) {
    std::string mine = got.at(name);
    if (mine == "crashed") mine = "failed";  // ctest says "Failed" for a SEGFAULT too
    if (mine == "order_dependent") mine = "passed";
    EXPECT_EQ(mine, verdict) << name;
  }
  // Batches really ran: a failing case was confirmed alone after failing in one.
  EXPECT_NE(r.out.find("[ CONFIRM  ] Batch.Segv"), std::string::npos) << r.out;
  EXPECT_EQ(got.at("Victim.FailsAfterPolluter"), "order_dependent");
}

}  // namespace
}  // namespace procpool::testing
