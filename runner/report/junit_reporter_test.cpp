#include "procpool/runner/report/junit_reporter.hpp"

#include <gtest/gtest.h>

#include <map>

#include <pugixml.hpp>

#include "test_support.hpp"

namespace procpool::report {
namespace {

using procpool::testing::TempDir;

struct Finished {
  TaskSpec spec;
  AttemptResult result;
};

Finished passed_test(const std::string& suite, const std::string& name, const std::string& file,
                     unsigned line, std::vector<RecordedProperty> properties = {}) {
  Finished f;
  f.spec.test = TestIdentity{"/build/unit", suite, name};
  f.spec.test->file = file;
  f.spec.test->line = line;
  f.spec.name = f.spec.test->full_name();
  f.result.outcome = Outcome::exited(0);
  f.result.properties = std::move(properties);
  return f;
}

// The report a JunitReporter writes for these finished tasks, parsed.
pugi::xml_document report_of(std::vector<Finished>& tasks,
                             JunitGroup group = JunitGroup::directory) {
  TempDir dir;
  JunitReporter reporter(dir.file("j.xml"), JunitOutput::failed, group);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    reporter.on_task_finished(TaskFinished{i, &tasks[i].spec, 1, false, &tasks[i].result});
  }
  const RunSummary summary;
  reporter.on_run_finished(RunFinished{&summary});
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_file(dir.file("j.xml").c_str()));
  return doc;
}

std::map<std::string, std::string> properties_of(pugi::xml_node suite) {
  std::map<std::string, std::string> out;
  for (auto p : suite.child("properties").children("property")) {
    out[p.attribute("name").value()] = p.attribute("value").value();
  }
  return out;
}

TEST(JunitCaseDetails, PlaceAndRecordedValuesAreTheSuitesPropertiesNamedAfterTheCase) {
  std::vector<Finished> tasks{
      passed_test("S", "a", "s.cc", 3,
                  {{"suite_key", "sv", true}, {"build", "42", false}, {"note", "a<b", false}}),
      passed_test("S", "b", "s.cc", 9, {{"suite_key", "sv", true}}),
      passed_test("T", "c", "t1.cc", 1), passed_test("T", "d", "t2.cc", 2),
      passed_test("U", "e", "", 0)};
  const auto doc = report_of(tasks);
  const auto s = doc.select_node("//testsuite[@name='unit:S']").node();
  EXPECT_EQ(properties_of(s), (std::map<std::string, std::string>{{"a.file", "s.cc"},
                                                                  {"a.line", "3"},
                                                                  {"a.build", "42"},
                                                                  {"a.note", "a<b"},
                                                                  {"suite_key", "sv"},
                                                                  {"b.file", "s.cc"},
                                                                  {"b.line", "9"}}));
  EXPECT_EQ(s.child("properties").select_nodes("property[@name='suite_key']").size(), 1u)
      << "a suite's own value once, though each of its test processes recorded it";
  EXPECT_STREQ(s.attribute("file").value(), "s.cc") << "its tests share one file";
  const auto t = doc.select_node("//testsuite[@name='unit:T']").node();
  EXPECT_TRUE(t.attribute("file").empty()) << "its tests are in two files";
  EXPECT_EQ(properties_of(t).at("d.file"), "t2.cc");
  const auto u = doc.select_node("//testsuite[@name='unit:U']").node();
  EXPECT_TRUE(u.child("properties").empty()) << "nothing known, no empty <properties>";
  EXPECT_TRUE(u.attribute("file").empty());
  EXPECT_TRUE(doc.select_node("//testcase[@file]").node().empty())
      << "junit-10.xsd allows no file attribute on a testcase";
}

TEST(JunitCaseDetails, CtestTestsGroupByDirectoryOrByLabels) {
  auto ctest_test = [](const std::string& name, const std::string& directory,
                       std::vector<std::string> labels) {
    Finished f;
    f.spec.test = TestIdentity{"/work/build", "", name};
    f.spec.test->directory = directory;
    f.spec.test->labels = std::move(labels);
    f.spec.name = name;
    f.result.outcome = Outcome::exited(0);
    return f;
  };
  std::vector<Finished> tasks{ctest_test("a", "", {"fast", "smoke"}),
                              ctest_test("b", "sub", {"fast"}), ctest_test("c", "sub", {}),
                              ctest_test("d", "", {"fast", "smoke"})};
  auto suites = [](const pugi::xml_document& doc) {
    std::map<std::string, std::string> by_case;  // case -> classname
    for (auto c : doc.select_nodes("//testcase")) {
      by_case[c.node().attribute("name").value()] = c.node().attribute("classname").value();
    }
    return by_case;
  };
  EXPECT_EQ(suites(report_of(tasks)),
            (std::map<std::string, std::string>{
                {"a", "build"}, {"b", "build/sub"}, {"c", "build/sub"}, {"d", "build"}}));
  const auto by_label = report_of(tasks, JunitGroup::label);
  EXPECT_EQ(suites(by_label), (std::map<std::string, std::string>{{"a", "build/fast;smoke"},
                                                                  {"b", "build/fast"},
                                                                  {"c", "build"},
                                                                  {"d", "build/fast;smoke"}}));
  EXPECT_EQ(properties_of(by_label.select_node("//testsuite[@name='build/fast;smoke']").node())
                .at("a.labels"),
            "fast;smoke");
}

TEST(JunitXmlSafe, KeepsValidUtf8AndReplacesWhatXmlForbids) {
  EXPECT_EQ(JunitReporter::xml_safe("plain\ttext\n"), "plain\ttext\n");
  EXPECT_EQ(JunitReporter::xml_safe("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(JunitReporter::xml_safe(std::string("a\0b\x1b", 4)),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  EXPECT_EQ(JunitReporter::xml_safe("\xFF\xC3"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(JunitReporter::xml_safe("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD")
      << "surrogates are not characters";
}

}  // namespace
}  // namespace procpool::report
