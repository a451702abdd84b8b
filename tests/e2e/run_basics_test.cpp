// procpool run: inputs, replacement strings, quoting, exit statuses and failure reasons.
#include <sys/stat.h>
#include <algorithm>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace procpool::testing {
namespace {

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

using RunBasics = CliTest;

TEST_F(RunBasics, BracesTakeTheInputAndWithoutThemTheInputIsAppended) {
  auto with = run_procpool({"run", "-j2", "--", helper(), "print", "<{}>", ":::", "a", "b"});
  EXPECT_EQ(with.exit_code, 0) << with.err;
  EXPECT_EQ(sorted_lines(with.out), (std::vector<std::string>{"<a>", "<b>"}));

  auto without = run_procpool({"run", "--", helper(), "print", ":::", "x y"});
  EXPECT_EQ(without.exit_code, 0) << without.err;
  EXPECT_EQ(without.out, "x y\n");
}

TEST_F(RunBasics, ReplacementStringsFollowGnuParallel) {
  auto r = run_procpool(
      {"run", "--", helper(), "print", "{.}|{/}|{//}|{/.}|{#}", ":::", "dir/sub/file.tar.gz"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "dir/sub/file.tar|file.tar.gz|dir/sub|file.tar|1\n");
}

TEST_F(RunBasics, ShellModeRunsThroughShWithQuotedInputs) {
  auto r =
      run_procpool({"run", "--shell", "--", "printf '%s\\n' {} | tr a-z A-Z", ":::", "it's here"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "IT'S HERE\n");
}

TEST_F(RunBasics, ExitsZeroWhenAllSucceedAndOneWhenAnyFails) {
  auto ok = run_procpool({"run", "--", helper(), "exit", ":::", "0", "0"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  auto bad = run_procpool({"run", "--", helper(), "exit", ":::", "0", "3"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("FAILED (exit 3)"), std::string::npos) << bad.err;
}

TEST_F(RunBasics, CrashesAreReportedWithTheSignalName) {
  TempDir dir;
  auto r = run_procpool(
      {"run", "--json", dir.file("r.json"), "--", helper(), "crash", ":::", "segv", "abort"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("SIGSEGV"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("SIGABRT"), std::string::npos) << r.err;
  auto doc = nlohmann::json::parse(read_file(dir.file("r.json")));
  ASSERT_EQ(doc["tasks"].size(), 2u);
  EXPECT_EQ(doc["tasks"][0]["outcome"], "signalled");
  EXPECT_EQ(doc["tasks"][0]["signal"], "SIGSEGV");
  EXPECT_TRUE(doc["tasks"][0]["exit_code"].is_null());
  EXPECT_EQ(doc["tasks"][1]["signal"], "SIGABRT");
}

TEST_F(RunBasics, MissingAndNonExecutableCommandsFailToStartWithTheReason) {
  TempDir dir;
  const std::string not_executable = dir.file("script");
  write_file(not_executable, "#!/bin/sh\necho hi\n");
  ::chmod(not_executable.c_str(), 0644);
  auto r = run_procpool({"run", "--", "{}", ":::", "./nope", not_executable, "no-such-command-xyz"},
                        {.working_dir = dir.path()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("No such file or directory: ./nope"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Permission denied: " + not_executable), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("command not found in PATH: no-such-command-xyz"), std::string::npos)
      << r.err;
}

TEST_F(RunBasics, BinaryOutputIsPassedThroughByteExact) {
  auto r = run_procpool({"run", "--", helper(), "binary", "--", ":::", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string expected(256, '\0');
  for (int b = 0; b < 256; ++b) expected[b] = static_cast<char>(b);
  EXPECT_EQ(r.out, expected);
}

TEST_F(RunBasics, EachTaskSeesItsIndexSlotAndAttempt) {
  auto r = run_procpool({"run", "-j1", "--keep-order", "--", helper(), "env", "PROCPOOL_TASK_INDEX",
                         "env", "PROCPOOL_SLOT", "env", "PROCPOOL_ATTEMPT", "--", ":::", "a", "b"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "PROCPOOL_TASK_INDEX=0\nPROCPOOL_SLOT=1\nPROCPOOL_ATTEMPT=1\n"
            "PROCPOOL_TASK_INDEX=1\nPROCPOOL_SLOT=1\nPROCPOOL_ATTEMPT=1\n");
}

TEST_F(RunBasics, TasksFileSplitsWithShellQuotingAndSkipsCommentsAndBlanks) {
  TempDir dir;
  write_file(dir.file("tasks"), "# a comment\n\n" + helper() + " print 'a b'\n" + helper() +
                                    " print \"c \\\"d\\\"\"   # trailing comment\n   \n" +
                                    helper() + " print e\\ f\n");
  auto r = run_procpool({"run", "-j1", "--keep-order", "--tasks", dir.file("tasks")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "a b\nc \"d\"\ne f\n");
}

TEST_F(RunBasics, TasksFromStdinWork) {
  auto r = run_procpool({"run", "--tasks", "-"}, {.stdin_text = helper() + " print from-stdin\n"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "from-stdin\n");
}

TEST_F(RunBasics, BadTasksFileIsAUsageErrorNamingTheLine) {
  TempDir dir;
  write_file(dir.file("tasks"), "true\ntrue\necho 'unterminated\n");
  auto r = run_procpool({"run", "--tasks", dir.file("tasks")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("line 3: unterminated single quote"), std::string::npos) << r.err;
  auto missing = run_procpool({"run", "--tasks", dir.file("absent")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
}

TEST_F(RunBasics, UsageErrorsExitTwoWithAMessage) {
  auto missing = run_procpool({"run", "--", "echo", "::::", "/nonexistent/inputs"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/inputs"), std::string::npos) << missing.err;
  auto halt = run_procpool({"run", "--halt", "later", "--", "true", ":::", "1"});
  EXPECT_EQ(halt.exit_code, 2);
  EXPECT_NE(halt.err.find("--halt"), std::string::npos) << halt.err;
  auto jobs = run_procpool({"run", "-j", "many", "--", "true", ":::", "1"});
  EXPECT_EQ(jobs.exit_code, 2);
  auto unknown = run_procpool({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
}

TEST_F(RunBasics, VersionAndHelpWork) {
  auto version = run_procpool({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("procpool "), std::string::npos);
  auto help = run_procpool({"run", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--keep-order"), std::string::npos);
}

TEST_F(RunBasics, DryRunPrintsCommandsAndRunsNothing) {
  TempDir dir;
  auto r = run_procpool({"run", "--dry-run", "--", "touch", dir.file("{}"), ":::", "a", "b"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "touch " + dir.file("a") + "\ntouch " + dir.file("b") + "\n");
  EXPECT_FALSE(std::filesystem::exists(dir.file("a")));
}

TEST_F(RunBasics, TagPrefixesEveryLineWithTheInput) {
  auto r = run_procpool(
      {"run", "--tag", "--", helper(), "print", "one", "print", "two", "--", ":::", "in"});
  EXPECT_EQ(r.out, "in\tone\nin\ttwo\n");
}

}  // namespace
}  // namespace procpool::testing
