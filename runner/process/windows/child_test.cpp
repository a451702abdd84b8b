// process::Child on Windows (run under Wine by the `windows` preset's ctest): what the Linux
// tests of child_test.cpp check, in Windows' terms: Job Objects, exception codes, Ctrl-Break,
// command-line quoting.
#include <windows.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include "../tricky_windows_arguments.hpp"
#include "process_alive.hpp"  // tests/windows
#include "procpool/runner/core/windows_text.hpp"
#include "procpool/runner/process/child.hpp"
#include "procpool/runner/process/windows_command_line.hpp"

namespace procpool::process {
namespace {

using namespace std::chrono_literals;
using windows_testing::process_alive;

const std::string kHelper = WIN_HELPER_BINARY;

AttemptResult run(std::vector<std::string> argv, ChildOptions options = {},
                  std::vector<EnvVar> env = {}, std::vector<std::string> unset = {}) {
  boost::asio::io_context io;
  SpawnRequest request;
  request.argv = std::move(argv);
  request.env = std::move(env);
  request.env_unset = std::move(unset);
  AttemptResult result;
  int delivered = 0;
  auto child = Child::start(io, request, std::move(options), [&](AttemptResult r) {
    result = std::move(r);
    ++delivered;
  });
  io.run();
  EXPECT_EQ(delivered, 1);
  EXPECT_TRUE(child->finished());
  return result;
}

std::vector<std::string> helper(std::vector<std::string> steps) {
  steps.insert(steps.begin(), kHelper);
  return steps;
}

unsigned long read_pid(const std::string& file) {
  unsigned long pid = 0;
  std::ifstream(file) >> pid;
  return pid;
}

std::string temp_file(const std::string& name) {
  char dir[MAX_PATH];
  ::GetTempPathA(MAX_PATH, dir);
  return std::string(dir) + name + "-" + std::to_string(::GetCurrentProcessId());
}

TEST(WindowsChild, CapturesStdoutAndStderrApartAndTheExitCode) {
  auto result = run(helper({"print", "to out", "eprint", "to err", "exit", "7"}));
  EXPECT_EQ(result.outcome.kind, OutcomeKind::failed);
  EXPECT_EQ(result.outcome.exit_code, 7);
  EXPECT_EQ(result.out->str(), "to out\n");
  EXPECT_EQ(result.err->str(), "to err\n");
  EXPECT_FALSE(result.outcome.leaked);
}

TEST(WindowsChild, OnePipeKeepsBothStreamsInTheirOrder) {
  ChildOptions options;
  options.one_pipe = true;
  auto result = run(helper({"print", "1", "eprint", "2", "print", "3"}), options);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::passed);
  EXPECT_EQ(result.out->str(), "1\n2\n3\n");
  EXPECT_EQ(result.err->str(), "");
}

TEST(WindowsChild, AnExceptionCodeIsACrashWithItsNameNotAnExitCode) {
  auto access = run(helper({"crash", "access"}));
  EXPECT_EQ(access.outcome.kind, OutcomeKind::signalled);
  EXPECT_EQ(access.outcome.exception_code, 0xC0000005u);
  EXPECT_EQ(describe(access.outcome), "exception 0xC0000005 (access violation)");

  auto stack = run(helper({"crash", "stack"}));
  EXPECT_EQ(stack.outcome.kind, OutcomeKind::signalled);
  EXPECT_EQ(stack.outcome.exception_code, 0xC00000FDu);

  auto divide = run(helper({"crash", "divide"}));
  EXPECT_EQ(divide.outcome.exception_code, 0xC0000094u);
  EXPECT_EQ(describe(divide.outcome), "exception 0xC0000094 (integer division by zero)");
}

TEST(WindowsChild, AbortIsExitCodeThreeNamedAsSuch) {
  auto result = run(helper({"crash", "abort"}));
  EXPECT_EQ(result.outcome.kind, OutcomeKind::failed);
  EXPECT_EQ(result.outcome.exit_code, 3);
  EXPECT_EQ(result.outcome.exception_code, 0u);
  EXPECT_EQ(describe(result.outcome), "exit 3 (or abort())");
}

TEST(WindowsChild, EveryArgumentArrivesIntact) {
  const std::vector<std::string>& tricky = tricky_windows_arguments();
  std::vector<std::string> argv = helper({"args"});
  argv.insert(argv.end(), tricky.begin(), tricky.end());
  auto result = run(argv);
  std::string expected = "[args]\n";
  for (const auto& arg : tricky) expected += "[" + arg + "]\n";
  EXPECT_EQ(result.out->str(), expected);
}

TEST(WindowsChild, AMissingProgramOrADirectoryFailsToStartNamingIt) {
  auto missing = run({"C:\\no\\such\\program.exe"});
  EXPECT_EQ(missing.outcome.kind, OutcomeKind::failed_to_start);
  EXPECT_NE(missing.outcome.error.find("C:\\no\\such\\program.exe"), std::string::npos);

  auto unknown = run({"procpool-no-such-program"});
  EXPECT_EQ(unknown.outcome.kind, OutcomeKind::failed_to_start);
  EXPECT_NE(unknown.outcome.error.find("procpool-no-such-program"), std::string::npos);

  auto directory = run({"C:\\windows"});
  EXPECT_EQ(directory.outcome.kind, OutcomeKind::failed_to_start);
  EXPECT_NE(directory.outcome.error.find("directory"), std::string::npos);
}

TEST(WindowsChild, ACommandLineLongerThanWindowsAllowsIsRefusedNotCut) {
  auto result = run(helper({"args", std::string(40000, 'a')}));
  EXPECT_EQ(result.outcome.kind, OutcomeKind::failed_to_start);
  EXPECT_NE(result.outcome.error.find("too long"), std::string::npos) << result.outcome.error;
}

TEST(WindowsChild, ProgramsAreFoundInThePathTheChildWillHave) {
  const std::string dir = kHelper.substr(0, kHelper.find_last_of('\\'));
  auto result = run({"win_helper", "print", "found"}, {}, {{"PATH", dir}});
  EXPECT_EQ(result.outcome.kind, OutcomeKind::passed) << describe(result.outcome);
  EXPECT_EQ(result.out->str(), "found\n");
}

TEST(WindowsChild, TheEnvironmentIsOursWithTheRequestsChanges) {
  ::SetEnvironmentVariableA("PROCPOOL_DROPPED", "here");
  ::SetEnvironmentVariableA("PROCPOOL_KEPT", "kept");
  auto result =
      run(helper({"env", "PROCPOOL_SET", "env", "PROCPOOL_DROPPED", "env", "PROCPOOL_KEPT"}), {},
          {{"PROCPOOL_SET", "new value"}}, {"procpool_dropped"});
  EXPECT_EQ(result.out->str(),
            "PROCPOOL_SET=new value\nPROCPOOL_DROPPED unset\nPROCPOOL_KEPT=kept\n");
}

TEST(WindowsChild, ATimeoutStopsTheTaskAndEverythingItStarted) {
  const std::string pidfile = temp_file("procpool-timeout-grandchild");
  ChildOptions options;
  options.timeout = 1500ms;
  options.stop = StopPolicy::graceful(200ms);
  auto result = run(helper({"spawn-grandchild", pidfile, "sleep", "60000"}), options);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::timed_out);
  EXPECT_LT(result.duration, 10s);
  const unsigned long grandchild = read_pid(pidfile);
  ASSERT_NE(grandchild, 0u);
  EXPECT_FALSE(process_alive(grandchild));
  std::remove(pidfile.c_str());
}

TEST(WindowsChild, AGrandchildLeftBehindIsKilledAndReportedAsALeak) {
  const std::string pidfile = temp_file("procpool-leak-grandchild");
  auto result = run(helper({"spawn-grandchild", pidfile, "print", "leader done"}));
  EXPECT_EQ(result.outcome.kind, OutcomeKind::passed);
  EXPECT_TRUE(result.outcome.leaked);
  EXPECT_EQ(result.out->str(), "leader done\n");
  const unsigned long grandchild = read_pid(pidfile);
  ASSERT_NE(grandchild, 0u);
  EXPECT_FALSE(process_alive(grandchild));
  std::remove(pidfile.c_str());
}

TEST(WindowsChild, ATaskThatIgnoresCtrlBreakIsStoppedAtTheGrace) {
  ChildOptions options;
  options.timeout = 500ms;
  options.stop = StopPolicy::graceful(700ms);
  const auto began = std::chrono::steady_clock::now();
  auto result = run(helper({"ignore-break", "sleep", "60000"}), options);
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_EQ(result.outcome.kind, OutcomeKind::timed_out);
  EXPECT_GE(took, 1200ms);
  EXPECT_LT(took, 10s);
}

TEST(WindowsChild, OutputBeyondTheMemoryCapIsKeptWhole) {
  ChildOptions options;
  options.capture_memory_cap = 1 << 20;
  auto result = run(helper({"write-bytes", "20000000"}), options);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::passed);
  EXPECT_EQ(result.out->size(), 20000000u);
  EXPECT_EQ(result.out->tail(3), "xxx");
}

TEST(WindowsChild, AGigabyteOfOutputIsCapturedWhole) {
  ChildOptions options;
  options.capture_memory_cap = 1 << 20;  // the rest spills to a file
  auto result = run(helper({"write-bytes", "1073741824"}), options);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::passed) << describe(result.outcome);
  EXPECT_EQ(result.out->size(), 1073741824u);
  EXPECT_EQ(result.out->tail(3), "xxx");
}

// "%TEMP%\procpool dir ét€\hélper ✓.exe": spaces and letters outside any code page, in the
// directory and the name, given as a path and found through PATH.
TEST(WindowsChild, AProgramWhosePathHasSpacesAndNonAsciiLettersStarts) {
  wchar_t temp[MAX_PATH];
  ::GetTempPathW(MAX_PATH, temp);
  const std::wstring dir = std::wstring(temp) + L"procpool dir \u00e9t\u20ac";
  const std::wstring program = dir + L"\\h\u00e9lper \u2713.exe";
  ::CreateDirectoryW(dir.c_str(), nullptr);
  ASSERT_TRUE(::CopyFileW(utf16(kHelper).c_str(), program.c_str(), FALSE));
  auto by_path = run({utf8(program), "print", "by path"});
  EXPECT_EQ(by_path.outcome.kind, OutcomeKind::passed) << describe(by_path.outcome);
  EXPECT_EQ(by_path.out->str(), "by path\n");
  auto by_search = run({"h\xc3\xa9lper \xe2\x9c\x93", "print", "found"}, {}, {{"PATH", utf8(dir)}});
  EXPECT_EQ(by_search.outcome.kind, OutcomeKind::passed) << describe(by_search.outcome);
  EXPECT_EQ(by_search.out->str(), "found\n");
  ::DeleteFileW(program.c_str());
  ::RemoveDirectoryW(dir.c_str());
}

TEST(WindowsChild, DestroyingARunningChildKillsItsWholeTask) {
  const std::string pidfile = temp_file("procpool-destroyed-grandchild");
  {
    boost::asio::io_context io;
    SpawnRequest request;
    request.argv = helper({"spawn-grandchild", pidfile, "sleep", "60000"});
    auto child = Child::start(io, request, {}, [](AttemptResult) {});
    io.run_for(1500ms);
    EXPECT_FALSE(child->finished());
  }
  const unsigned long grandchild = read_pid(pidfile);
  ASSERT_NE(grandchild, 0u);
  EXPECT_FALSE(process_alive(grandchild));
  std::remove(pidfile.c_str());
}

}  // namespace
}  // namespace procpool::process
