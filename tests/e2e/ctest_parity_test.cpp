// procpool ctest against real ctest on tests/ctest_parity_project (DEPENDS, fixtures,
// REQUIRED_FILES, Not Run, ENVIRONMENT_MODIFICATION, PROCESSORS, COST) and on ctest's own flags:
// every expected verdict comes from running ctest itself in the same test, never from memory.
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "cli_fixture.hpp"

namespace procpool::testing {
namespace {

// A verdict as both tools can say it: passed, failed, skipped, or "not_run: <CTest's reason>".
using Verdicts = std::map<std::string, std::string>;

class CtestParity : public CliTest {
 protected:
  // One configuration per runner: each has its own scratch directory for the tests' files.
  std::string configure(const std::string& name) {
    const std::string work = dir_.file(name + "-work");
    const std::string build = dir_.file(name + "-build");
    std::filesystem::create_directories(work);
    const std::string log = dir_.file(name + "-cmake.log");
    EXPECT_TRUE(configure_cmake_project(CTEST_PARITY_PROJECT, build, {"WORK=" + work}, log))
        << read_file(log);
    return build;
  }

  // Runs real ctest in `build` with `args`; its verdicts from its own JUnit file.
  Verdicts run_ctest(const std::string& build, const std::string& args) {
    const std::string command =
        "cd '" + build + "' && ctest " + args + " --output-junit ctest.xml > ctest.log 2>&1";
    (void)std::system(command.c_str());
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_file((build + "/ctest.xml").c_str())) << read_file(build + "/ctest.log");
    Verdicts verdicts;
    for (auto test : doc.child("testsuite").children("testcase")) {
      const std::string status = test.attribute("status").value();
      const std::string skip = test.child("skipped").attribute("message").value();
      std::string verdict = status == "run" ? "passed" : status;
      if (status == "fail") verdict = "failed";
      // A test that skipped itself is "notrun" in ctest's file too, with SKIP_... as reason.
      if (status == "notrun")
        verdict = skip.rfind("SKIP_", 0) == 0 ? "skipped" : "not_run: " + skip;
      verdicts[test.attribute("name").value()] = verdict;
    }
    return verdicts;
  }

  // procpool ctest in `build` with `args`; its verdicts from its --json report.
  Verdicts run_procpool_ctest(const std::string& build, std::vector<std::string> args,
                              CliResult* result = nullptr) {
    std::vector<std::string> full{"ctest",
                                  "--test-dir",
                                  build,
                                  "--json",
                                  dir_.file("report.json"),
                                  "--history",
                                  dir_.file("history.json")};
    full.insert(full.end(), args.begin(), args.end());
    std::filesystem::remove(dir_.file("report.json"));
    CliResult r = run_procpool(full);
    if (result) *result = r;
    Verdicts verdicts;
    if (!std::filesystem::exists(dir_.file("report.json"))) return verdicts;
    const auto doc = nlohmann::json::parse(read_file(dir_.file("report.json")));
    for (const auto& task : doc["tasks"]) {
      std::string verdict = task["verdict"];
      if (verdict == "crashed" || verdict == "timed_out" || verdict == "failed_to_start")
        verdict = "failed";
      if (verdict == "not_run") verdict += ": " + task.value("message", std::string());
      verdicts[task["name"]] = verdict;
    }
    return verdicts;
  }

  TempDir dir_;
};

TEST_F(CtestParity, EveryVerdictAndNotRunReasonIsCtests) {
  const Verdicts expected = run_ctest(configure("ctest"), "-j2");
  ASSERT_EQ(expected.size(), 43u);
  // The project is what it claims to be: ctest itself sees each case.
  EXPECT_EQ(expected.at("net_user"), "not_run: Fixture dependency failed");
  EXPECT_EQ(expected.at("dep_second"), "passed");
  EXPECT_EQ(expected.at("disabled"), "disabled");
  EXPECT_EQ(expected.at("two_processors"), "passed");
  EXPECT_EQ(expected.at("timeout_extended"), "passed");
  EXPECT_EQ(expected.at("timeout_shortened"), "failed");
  EXPECT_EQ(expected.at("output_order"), "passed");
  EXPECT_EQ(expected.at("output_order_fail"), "failed");
  EXPECT_EQ(expected.at("output_early_match"), "passed");
  EXPECT_EQ(expected.at("output_early_failure"), "failed");
  CliResult r;
  EXPECT_EQ(run_procpool_ctest(configure("procpool"), {"-j2"}, &r), expected) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 1) << "Not Run and failed tests fail the run, as in ctest";
  EXPECT_EQ(r.err.find("not honoured"), std::string::npos) << r.err;
}

TEST_F(CtestParity, ResourceGroupsAreAllocatedAsCtestAllocatesThem) {
  const std::string spec = dir_.file("resources.json");
  write_file(spec, R"({"version": {"major": 1, "minor": 0}, "local": [{
      "gpus": [{"id": "0", "slots": 2}, {"id": "1", "slots": 2}],
      "crypto_chips": [{"id": "card0", "slots": 4}]}]})");
  const Verdicts expected =
      run_ctest(configure("ctest"), "-j4 -R ^res_ --resource-spec-file " + spec);
  ASSERT_EQ(expected.size(), 6u);
  EXPECT_EQ(expected.at("res_variables"), "passed");
  EXPECT_EQ(expected.at("res_hold_1"), "passed");
  EXPECT_EQ(expected.at("res_too_big"), "not_run: Insufficient resources");
  CliResult r;
  EXPECT_EQ(run_procpool_ctest(configure("procpool"),
                               {"-j4", "-R", "^res_", "--resource-spec-file", spec}, &r),
            expected)
      << r.out << r.err;
  // A spec that is not one is refused, naming the file.
  write_file(spec, R"({"version": {"major": 1}, "local": [{"gpus": [{"slots": 2}]}]})");
  run_procpool_ctest(dir_.file("procpool-build"), {"--resource-spec-file", spec}, &r);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(spec), std::string::npos) << r.err;
}

TEST_F(CtestParity, TheOrderHoldsWhateverTheHistorySays) {
  const std::string build = configure("procpool");
  // A history that makes every dependant look longest, so it would start first.
  nlohmann::json history;
  for (const char* name : {"dep_second", "db_cleanup", "db_user_1", "db_user_2"}) {
    history["tests"][build + "\t" + name] = 60.0;
  }
  write_file(dir_.file("history.json"), history.dump());
  CliResult r;
  const Verdicts got = run_procpool_ctest(build, {"-j2"}, &r);
  EXPECT_EQ(got.at("dep_second"), "passed") << r.out;
  EXPECT_EQ(got.at("db_user_1"), "passed") << r.out;
  EXPECT_EQ(got.at("db_user_2"), "passed") << r.out;
  EXPECT_EQ(got.at("db_cleanup"), "passed") << r.out;
}

TEST_F(CtestParity, SelectionPullsInFixturesAsCtestDoes) {
  for (const std::string selection : {"-R db_user_1", "-R db_user_1 -FS db", "-R net_user -FA net",
                                      "-R chain_user", "-L nothing -R gpu_user"}) {
    const Verdicts expected = run_ctest(configure("ctest"), selection);
    std::vector<std::string> args{"-j2"};
    std::istringstream words(selection);
    for (std::string word; words >> word;) args.push_back(word);
    CliResult r;
    EXPECT_EQ(run_procpool_ctest(configure("procpool"), args, &r), expected) << selection << "\n"
                                                                             << r.out << r.err;
    std::filesystem::remove_all(dir_.file("ctest-build"));
    std::filesystem::remove_all(dir_.file("ctest-work"));
    std::filesystem::remove_all(dir_.file("procpool-build"));
    std::filesystem::remove_all(dir_.file("procpool-work"));
  }
}

TEST_F(CtestParity, EachShardTakesTheSetupsAndCleanupsItsTestsNeed) {
  const std::string build = configure("procpool");
  std::set<std::string> users_seen;
  for (const char* shard : {"1/3", "2/3", "3/3"}) {
    std::filesystem::remove_all(dir_.file("procpool-work"));
    std::filesystem::create_directories(dir_.file("procpool-work"));
    CliResult r;
    const Verdicts got = run_procpool_ctest(build, {"--shard", shard, "-R", "^db_"}, &r);
    for (const char* user : {"db_user_1", "db_user_2"}) {
      if (!got.count(user)) continue;
      users_seen.insert(user);
      EXPECT_EQ(got.at(user), "passed") << shard << r.out;
      EXPECT_TRUE(got.count("db_setup")) << shard << ": a user without its setup\n" << r.out;
      EXPECT_TRUE(got.count("db_cleanup")) << shard << ": a user without its cleanup\n" << r.out;
    }
    std::filesystem::copy_file(dir_.file("report.json"),
                               dir_.file(std::string("shard-") + shard[0] + ".json"));
  }
  EXPECT_EQ(users_seen.size(), 2u);
  // The shards merge back into one record per test.
  auto merged =
      run_procpool({"merge", "--json", dir_.file("merged.json"), dir_.file("shard-1.json"),
                    dir_.file("shard-2.json"), dir_.file("shard-3.json")});
  // (db_cleanup checks that both users ran, so it fails in a shard with one of them: exit 1.)
  EXPECT_NE(merged.exit_code, 2) << "the shards fit together\n" << merged.err;
  const auto doc = nlohmann::json::parse(read_file(dir_.file("merged.json")));
  std::multiset<std::string> names;
  for (const auto& task : doc["tasks"]) names.insert(task["name"].get<std::string>());
  EXPECT_EQ(names,
            (std::multiset<std::string>{"db_cleanup", "db_setup", "db_user_1", "db_user_2"}));
}

TEST_F(CtestParity, ACtestTooOldForJsonV1IsAClearError) {
  const std::string build = configure("procpool");
  // What a ctest before 3.14 does with --show-only=json-v1: lists as -N would, exit 0.
  const std::string bin = dir_.file("old-ctest");
  std::filesystem::create_directories(bin);
  write_file(bin + "/ctest", "#!/bin/sh\necho 'Test project /b'\necho '  Test #1: a'\n");
  std::filesystem::permissions(bin + "/ctest", std::filesystem::perms::owner_all);
  auto r = run_procpool({"ctest", "--test-dir", build},
                        {.env = {"PATH=" + bin + ":" + std::getenv("PATH")}});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("needs CTest 3.14 or newer"), std::string::npos) << r.err;
}

TEST_F(CtestParity, ADependencyCycleIsRefusedNamingIt) {
  const std::string build = configure("procpool");
  write_file(build + "/CTestTestfile.cmake",
             read_file(build + "/CTestTestfile.cmake") +
                 "set_tests_properties(dep_first PROPERTIES DEPENDS dep_second)\n");
  CliResult r;
  run_procpool_ctest(build, {}, &r);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("cycle"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("dep_first"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("procpool-work/first-done"))) << "nothing ran";
}

TEST_F(CtestParity, CtestFlagsWorkWithoutDashes) {
  const std::string build = configure("procpool");
  CliResult r;
  // --output-junit is relative to the build tree, as ctest writes it.
  auto got = run_procpool_ctest(build,
                                {"-R", "^dep_", "-E", "unknown", "--output-junit", "out.xml",
                                 "--output-on-failure", "--parallel", "2"},
                                &r);
  EXPECT_EQ(got, (Verdicts{{"dep_first", "passed"},
                           {"dep_second", "passed"},
                           {"dep_on_failure", "failed"},
                           {"dep_after_failure", "passed"}}))
      << r.out << r.err;
  EXPECT_TRUE(std::filesystem::exists(build + "/out.xml"));
  // --rerun-failed: only what did not pass last time.
  got = run_procpool_ctest(build, {"--rerun-failed"}, &r);
  EXPECT_EQ(got, (Verdicts{{"dep_on_failure", "failed"}})) << r.out << r.err;
  // --stop-on-failure: nothing new starts after the first failure.
  got = run_procpool_ctest(build, {"-R", "^net_|^busy_", "-j1", "--stop-on-failure"}, &r);
  EXPECT_EQ(r.exit_code, 1);
  std::size_t ran = 0;
  for (const auto& [name, verdict] : got) ran += verdict == "passed" || verdict == "failed";
  EXPECT_LT(ran, got.size()) << r.out;
  // -N lists and runs nothing, with or without --.
  got = run_procpool_ctest(build, {"-N", "-R", "^dep_", "-E", "unknown"}, &r);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Total Tests: 4"), std::string::npos) << r.out;
  EXPECT_TRUE(got.empty());
  // A flag needing a value names itself.
  r = run_procpool({"ctest", "--test-dir", build, "-R"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("-R needs a value"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace procpool::testing
