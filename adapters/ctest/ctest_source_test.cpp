#include "procpool/adapters/ctest/ctest_source.hpp"
#include "procpool/adapters/ctest/ctest_batching.hpp"
#include "procpool/adapters/ctest/ctest_fixtures.hpp"

#include <map>

#include <gtest/gtest.h>

namespace procpool::ctest {
namespace {

TEST(CtestRules, MirrorCtest) {
  CtestRules none;
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(0), "", none).kind, OutcomeKind::passed);
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(2), "", none).kind, OutcomeKind::failed);

  CtestRules will_fail{.will_fail = true};
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(2), "", will_fail).kind, OutcomeKind::passed);
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(0), "", will_fail).kind, OutcomeKind::failed);
  EXPECT_EQ(apply_ctest_rules(Outcome::killed_by(11), "", will_fail).kind, OutcomeKind::signalled)
      << "WILL_FAIL does not turn a crash into a pass";

  CtestRules pass{.pass_patterns = {"o+k"}};
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(1), "say ooook", pass).kind, OutcomeKind::passed);
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(0), "nope", pass).kind, OutcomeKind::failed);

  CtestRules fail{.fail_patterns = {"ERR"}};
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(0), "an ERR here", fail).kind, OutcomeKind::failed);

  CtestRules skip{.skip_return_code = 77, .skip_patterns = {"^SKIP"}};
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(77), "", skip).kind, OutcomeKind::skipped);
  EXPECT_EQ(apply_ctest_rules(Outcome::exited(0), "SKIP it", skip).kind, OutcomeKind::skipped);
}

TEST(ParseCtestJson, ReadsCommandsAndPropertiesAndNamesTheUnsupported) {
  const auto suite = parse_ctest_json(R"({"kind":"ctestInfo","tests":[
    {"name":"a","command":["/bin/x","1"],"properties":[
      {"name":"WORKING_DIRECTORY","value":"/w"},{"name":"ENVIRONMENT","value":["K=V=W"]},
      {"name":"TIMEOUT","value":2.5},{"name":"RESOURCE_LOCK","value":["db"]},
      {"name":"RUN_SERIAL","value":true},{"name":"PROCESSORS","value":4},
      {"name":"ATTACHED_FILES","value":["/log"]},{"name":"PROCESSOR_AFFINITY","value":true},
      {"name":"TIMEOUT_SIGNAL_NAME","value":"SIGINT"}]},
    {"name":"b","properties":[{"name":"DISABLED","value":true}]}]})",
                                      "/build");
  ASSERT_TRUE(suite) << suite.error();
  ASSERT_EQ(suite->tests.size(), 2u);
  const TaskSpec& a = suite->tests[0].task;
  EXPECT_EQ(a.command.argv, (std::vector<std::string>{"/bin/x", "1"}));
  EXPECT_EQ(a.command.working_dir, "/w");
  ASSERT_EQ(a.command.env.size(), 1u);
  EXPECT_EQ(a.command.env[0].name, "K");
  EXPECT_EQ(a.command.env[0].value, "V=W");
  EXPECT_EQ(a.timeout, std::chrono::milliseconds(2500));
  EXPECT_TRUE(a.run_serial);
  EXPECT_EQ(a.resource_locks, (std::vector<std::string>{"db"}));
  EXPECT_TRUE(suite->tests[1].disabled);
  EXPECT_EQ(a.processors, 4u);
  EXPECT_TRUE(suite->tests[1].rules.executable_missing) << "no command: CTest's Not Run";
  EXPECT_EQ(suite->unsupported, (std::vector<std::string>{"TIMEOUT_SIGNAL_NAME"}))
      << "only properties that change how a test runs are worth a warning";
  EXPECT_FALSE(parse_ctest_json("[]", "/b"));
}

TEST(ParseCtestJson, ReadsWhereEachTestIsAddedItsLabelsAndItsDirectory) {
  // As ctest 3.25 writes them: "backtrace" is a node of "backtraceGraph", the add_test() call,
  // its parents the calls that led there. Test d is added by a helper function (nodes 4, 5),
  // test e by add_test() in an include()d file (nodes 6, 7).
  const auto suite = parse_ctest_json(R"({"kind":"ctestInfo",
    "backtraceGraph":{"commands":["add_test","my_add_test","include"],
      "files":["/s/CMakeLists.txt","/s/sub/CMakeLists.txt","/s/cmake/helpers.cmake","/s/t.cmake"],
      "nodes":[{"file":0},{"command":0,"file":0,"line":4,"parent":0},{"file":1},
               {"command":0,"file":1,"line":12,"parent":2},
               {"command":1,"file":1,"line":20,"parent":2},{"command":0,"file":2,"line":7,"parent":4},
               {"command":2,"file":0,"line":30,"parent":0},{"command":0,"file":3,"line":2,"parent":6}]},
    "tests":[
    {"name":"a","backtrace":1,"command":["/bin/a"],"properties":[
      {"name":"LABELS","value":["fast","smoke"]},{"name":"WORKING_DIRECTORY","value":"/b"}]},
    {"name":"b","backtrace":3,"command":["/bin/b"],"properties":[
      {"name":"WORKING_DIRECTORY","value":"/b/sub/dir"}]},
    {"name":"c","backtrace":99,"command":["/bin/c"],"properties":[
      {"name":"WORKING_DIRECTORY","value":"/elsewhere"}]},
    {"name":"d","backtrace":5,"command":["/bin/d"]},
    {"name":"e","backtrace":7,"command":["/bin/e"]}]})",
                                      "/b");
  ASSERT_TRUE(suite) << suite.error();
  ASSERT_EQ(suite->tests.size(), 5u);
  const TestIdentity& a = *suite->tests[0].task.test;
  const TestIdentity& b = *suite->tests[1].task.test;
  const TestIdentity& c = *suite->tests[2].task.test;
  EXPECT_EQ(a.file, "/s/CMakeLists.txt");
  EXPECT_EQ(a.line, 4u);
  EXPECT_EQ(a.labels, (std::vector<std::string>{"fast", "smoke"}));
  EXPECT_EQ(a.directory, "") << "the top of the build tree";
  EXPECT_EQ(b.file, "/s/sub/CMakeLists.txt");
  EXPECT_EQ(b.line, 12u);
  EXPECT_EQ(b.directory, "sub/dir");
  EXPECT_EQ(c.file, "") << "a backtrace that is not in the graph: no place";
  EXPECT_EQ(c.directory, "") << "outside the build tree";
  const TestIdentity& d = *suite->tests[3].task.test;
  EXPECT_EQ(d.file + ":" + std::to_string(d.line), "/s/sub/CMakeLists.txt:20")
      << "the project's call of its helper, not the add_test() in the helper's body";
  const TestIdentity& e = *suite->tests[4].task.test;
  EXPECT_EQ(e.file + ":" + std::to_string(e.line), "/s/t.cmake:2")
      << "an included file's own add_test()";
}

TEST(ParseCtestJson, AnInfiniteTimeoutAsCtestWritesItIsReadAsNoTimeout) {
  // What `ctest --show-only=json-v1` prints for TIMEOUT 1e400.
  const auto suite = parse_ctest_json(R"({"kind":"ctestInfo","tests":[
    {"name":"big","command":["/bin/true"],"properties":[{"name":"TIMEOUT","value":1e+9999}]},
    {"name":"neg","command":["/bin/true"],"properties":[{"name":"TIMEOUT","value":-1e+9999}]},
    {"name":"s","command":["/bin/echo","1e+9999"],"properties":[{"name":"TIMEOUT","value":2}]}]})",
                                      "/build");
  ASSERT_TRUE(suite) << suite.error();
  EXPECT_GT(suite->tests[0].task.timeout, std::chrono::hours(24 * 365));
  EXPECT_FALSE(suite->tests[1].task.timeout);
  EXPECT_EQ(suite->tests[2].task.command.argv[1], "1e+9999") << "strings are left alone";
  EXPECT_EQ(suite->tests[2].task.timeout, std::chrono::milliseconds(2000));
}

TEST(ClampJsonNumbers, OnlyNumbersOutsideStringsThatOverflow) {
  EXPECT_EQ(clamp_json_numbers(R"({"a":1e+9999,"b":"1e+9999","c":-2.5e3,"d":"x\"1e999"})"),
            R"({"a":1.7976931348623157e308,"b":"1e+9999","c":-2.5e3,"d":"x\"1e999"})");
}

}  // namespace
}  // namespace procpool::ctest

namespace procpool::ctest {
namespace {

CtestTest discovered(const std::string& filter) {
  CtestTest test;
  test.task.command.argv = {"/b/tests", "--gtest_filter=" + filter,
                            "--gtest_also_run_disabled_tests"};
  test.task.command.working_dir = "/b";
  test.rules.skip_patterns = {"\\[  SKIPPED \\]"};  // as gtest_discover_tests sets it
  return test;
}

TEST(BatchableGtest, OneCaseRegisteredByGtestDiscoverTestsIsBatchable) {
  CtestTest a = discovered("S.a"), b = discovered("S.b");
  mark_batchable_gtest(a);
  mark_batchable_gtest(b);
  EXPECT_EQ(a.task.batch_member, "S.a");
  EXPECT_FALSE(a.task.batch_group.empty());
  EXPECT_EQ(a.task.batch_group, b.task.batch_group) << "same program, arguments and directory";
  CtestTest elsewhere = discovered("S.c");
  elsewhere.task.command.env = {{"MODE", "x"}};
  mark_batchable_gtest(elsewhere);
  EXPECT_NE(elsewhere.task.batch_group, a.task.batch_group) << "another environment";
}

TEST(BatchableGtest, TestsThatNeedTheirOwnOutputOrProcessStayAlone) {
  std::vector<CtestTest> alone(7, discovered("S.a"));
  alone[0].rules.pass_patterns = {"ok"};
  alone[1].rules.will_fail = true;
  alone[2].rules.skip_return_code = 77;
  alone[3].task.run_serial = true;
  alone[4].task.resource_locks = {"db"};
  alone[5] = discovered("S.*");
  alone[6].task.command.argv = {"/bin/true"};
  for (auto& test : alone) {
    mark_batchable_gtest(test);
    EXPECT_TRUE(test.task.batch_group.empty()) << test.task.command.argv[0];
  }
}

}  // namespace
}  // namespace procpool::ctest

namespace procpool::ctest {
namespace {

TEST(ParseCtestJson, FindsTheTestListAfterOtherOutput) {
  const std::string list = R"({
  "kind" : "ctestInfo",
  "tests" : [ { "name" : "t", "command" : [ "/bin/true" ] } ]
})";
  for (const std::string& before :
       {std::string("pre-test output\n"), std::string("{not json}\nmore\n"),
        std::string("{\"kind\": \"other\"}\n")}) {
    const auto suite = parse_ctest_json(before + list, "/b");
    ASSERT_TRUE(suite) << before << suite.error();
    ASSERT_EQ(suite->tests.size(), 1u);
    EXPECT_EQ(suite->tests[0].task.test->name, "t");
  }
  EXPECT_FALSE(parse_ctest_json("no list here\n{\"kind\": 5}\n", "/b"));
}

TEST(EnvironmentModification, EveryOperationOnTopOfEnvironmentAndTheInheritedValues) {
  TaskSpec task;
  task.command.env = {{"A", "1"}, {"U", "x"}, {"R", "fromenv"}};
  const EnvLookup inherited = [](const std::string& name) -> std::optional<std::string> {
    if (name == "PATH") return std::string("/bin");
    if (name == "R2") return std::string("orig");
    return std::nullopt;
  };
  ASSERT_TRUE(apply_environment_modification(
      task,
      {"A=string_append:z", "B=set:b", "P=path_list_prepend:/b", "P=path_list_prepend:/c",
       "L=cmake_list_append:x", "L=cmake_list_prepend:y", "S=string_prepend:pre", "R=set:changed",
       "R=reset:", "R2=set:zz", "R2=reset:", "U=unset:", "PATH=path_list_append:/more",
       "X=set:a=b"},
      inherited));
  std::map<std::string, std::string> env;
  for (const auto& var : task.command.env) env[var.name] = var.value;
  EXPECT_EQ(env, (std::map<std::string, std::string>{{"A", "1z"},
                                                     {"B", "b"},
                                                     {"P", "/c:/b"},
                                                     {"L", "y;x"},
                                                     {"S", "pre"},
                                                     {"R", "fromenv"},
                                                     {"R2", "orig"},
                                                     {"PATH", "/bin:/more"},
                                                     {"X", "a=b"}}));
  EXPECT_EQ(task.command.env_unset, (std::vector<std::string>{"U"}));
  const auto bad = apply_environment_modification(task, {"A=frobnicate:1"}, inherited);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("frobnicate"), std::string::npos);
}

TEST(LinkFixtures, UsersFollowSetupsAndCleanupsFollowUsers) {
  std::vector<CtestTest> tests(4);
  const char* names[] = {"setup", "user", "cleanup", "other"};
  for (int i = 0; i < 4; ++i) {
    tests[i].task.name = names[i];
    tests[i].task.test = TestIdentity{"/b", "", names[i]};
  }
  tests[0].fixtures_setup = {"db"};
  tests[1].fixtures_required = {"db"};
  tests[2].fixtures_cleanup = {"db"};
  tests[2].fixtures_required = {"db"};
  link_fixtures(tests);
  EXPECT_EQ(tests[1].task.after, (std::vector<std::string>{"setup"}));
  EXPECT_EQ(tests[1].task.after_passing, (std::vector<std::string>{"setup"}));
  EXPECT_EQ(tests[1].task.companions, (std::vector<std::string>{"setup", "cleanup"}));
  EXPECT_TRUE(tests[2].task.after_passing.empty()) << "a cleanup runs after a failed setup";
  EXPECT_EQ(tests[2].task.after, (std::vector<std::string>{"setup", "user"}));
  EXPECT_TRUE(tests[0].task.helper);
  EXPECT_TRUE(tests[2].task.helper);
  EXPECT_FALSE(tests[1].task.helper);
  EXPECT_TRUE(tests[3].task.after.empty());
}

}  // namespace
}  // namespace procpool::ctest
