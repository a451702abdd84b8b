// A real check (issue 25, item 7): googletest's own test programs, cross-built from Debian's
// /usr/src/googletest, run by procpool.exe gtest under Wine, per test and in batches; every
// test's verdict equals what its program gives it alone.
#include <mutex>
#include <thread>

#include "windows_cli.hpp"

namespace procpool::windows_testing {
namespace {

std::vector<std::string> listed_tests(const std::string& program) {
  boost::asio::io_context io;
  process::SpawnRequest request;
  request.argv = {program, "--gtest_list_tests"};
  std::string listing;
  auto child =
      process::Child::start(io, request, {}, [&](AttemptResult r) { listing = r.out->str(); });
  io.run();
  std::vector<std::string> tests;
  std::string suite;
  for (const std::string& line : lines_of(listing)) {
    if (line.empty()) continue;
    if (line[0] != ' ') {
      suite = line.substr(0, line.find(' '));  // "Suite." (and maybe "  # TypeParam = ...")
    } else {
      const std::size_t begin = line.find_first_not_of(' ');
      tests.push_back(suite + line.substr(begin, line.find(' ', begin) - begin));
    }
  }
  return tests;
}

// Every test alone, two at a time (the machine's cores), each in a process of its own.
Verdicts all_alone(const std::string& program, const std::vector<std::string>& tests) {
  Verdicts verdicts;
  std::mutex lock;
  std::size_t next = 0;
  auto worker = [&] {
    for (;;) {
      std::string test;
      {
        std::lock_guard guard(lock);
        if (next >= tests.size()) return;
        test = tests[next++];
      }
      const std::string verdict = verdict_alone(program, test);
      std::lock_guard guard(lock);
      verdicts[test] = verdict;
    }
  };
  std::thread other(worker);
  worker();
  other.join();
  return verdicts;
}

class GoogletestSuites : public ::testing::TestWithParam<const char*> {};

TEST_P(GoogletestSuites, EveryTestGetsTheVerdictItHasAloneInEveryMode) {
  const std::string program = std::string(GOOGLETEST_TESTS_DIR) + "\\" + GetParam() + ".exe";
  const auto tests = listed_tests(program);
  ASSERT_FALSE(tests.empty()) << program;
  const Verdicts alone = all_alone(program, tests);
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{}, std::vector<std::string>{"--batch", "auto"}}) {
    ScratchDir dir;
    std::vector<std::string> args = {"gtest", "-j2", "--json", dir.file("r.json")};
    args.insert(args.end(), mode.begin(), mode.end());
    args.push_back(program);
    auto r = run_procpool(args);
    const Verdicts verdicts = verdicts_in_report(dir.file("r.json"));
    EXPECT_EQ(verdicts.size(), tests.size());
    const auto differences = differences_from_alone(program, alone, verdicts);
    for (std::size_t i = 0; i < differences.size() && i < 10; ++i) {
      std::string said;  // what procpool printed about it
      const std::string test = differences[i].substr(0, differences[i].find(':'));
      for (const auto& line : lines_of(r.out + r.err)) {
        if (line.find(test) != std::string::npos) said += "\n  " + line;
      }
      ADD_FAILURE() << (mode.empty() ? "per test: " : "--batch auto: ") << differences[i] << said;
    }
    EXPECT_EQ(differences.size(), 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Programs, GoogletestSuites,
                         ::testing::Values("gtest_unittest", "googletest-printers-test",
                                           "gtest_skip_test", "googletest-death-test-test"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace procpool::windows_testing
