#include "procpool/adapters/gtest/gtest_report.hpp"

#include <gtest/gtest.h>

namespace procpool::gtest {
namespace {

TEST(GtestReportOfABatch, FieldsOfTheWrongTypeAreSkippedNotAnException) {
  for (
      const char* text :
      {R"({"testsuites":[{"name":5,"testsuite":[{"name":"T"}]}]})",
       R"({"testsuites":[{"name":"S","testsuite":[{"name":["T"]}]}]})",
       R"({"testsuites":[{"name":"S","testsuite":[{"name":"T","result":1,"failures":[{"failure":2}]}]}]})"}) {
    std::optional<GtestReport> parsed;
    EXPECT_NO_THROW(parsed = GtestReport::parse(text)) << text;
    if (parsed) {
      const auto v = parsed->verdict("S.T");
      EXPECT_TRUE(!v || v->kind == OutcomeKind::failed) << text;
    }
  }
}

TEST(GtestReportOfABatch, GivesWhatEachTestRecordedAndWhatItsSuiteRecorded) {
  // As gtest 1.12 writes them: RecordProperty values are extra keys of the test's object (of the
  // suite's, from SetUpTestSuite), beside the keys gtest writes itself.
  const auto report = GtestReport::parse(
      R"({"testsuites":[{"name":"S","tests":2,"failures":0,"disabled":0,"errors":0,)"
      R"("timestamp":"t","time":"0s","suite_key":"sv","testsuite":[)"
      R"({"name":"a","file":"a.cc","line":3,"status":"RUN","result":"COMPLETED","timestamp":"t",)"
      R"("time":"0s","classname":"S","build":"42","count":7},)"
      R"({"name":"b","status":"RUN","result":"COMPLETED","classname":"S",)"
      R"("failures":[{"failure":"x","type":""}]}]}]})");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->properties("S.a"),
            (std::vector<RecordedProperty>{
                {"suite_key", "sv", true}, {"build", "42", false}, {"count", "7", false}}));
  EXPECT_EQ(report->properties("S.b"), (std::vector<RecordedProperty>{{"suite_key", "sv", true}}))
      << "gtest's own keys (failures, status, ...) are not recorded values";
  EXPECT_TRUE(report->properties("S.c").empty());
}

TEST(GtestReportOfABatch, GivesEachTestsVerdictByFullName) {
  const auto report = GtestReport::parse(
      R"({"testsuites":[{"name":"S","testsuite":[{"name":"a","result":"COMPLETED"},)"
      R"({"name":"b","result":"COMPLETED","failures":[{"failure":"x.cc:1\nboom"}]},)"
      R"({"name":"c","result":"SKIPPED"}]}]})");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->verdict("S.a")->kind, OutcomeKind::passed);
  EXPECT_EQ(report->verdict("S.b")->kind, OutcomeKind::failed);
  EXPECT_EQ(report->verdict("S.b")->message, "x.cc:1\nboom");
  EXPECT_EQ(report->verdict("S.c")->kind, OutcomeKind::skipped);
  EXPECT_FALSE(report->verdict("S.d"));
  EXPECT_FALSE(GtestReport::parse("[1,2]"));
}

}  // namespace
}  // namespace procpool::gtest
