// `procpool run` as a Windows program, under Wine: what its Linux end-to-end tests check, in
// Windows' terms (exception codes, cmd.exe, Job Objects, Ctrl-Break).
#include <algorithm>

#include <nlohmann/json.hpp>

#include "procpool/runner/core/windows_text.hpp"
#include "procpool/runner/process/windows_command_line.hpp"
#include "windows_cli.hpp"

namespace procpool::windows_testing {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> sorted(std::vector<std::string> lines) {
  std::sort(lines.begin(), lines.end());
  return lines;
}

TEST(WindowsRun, RunsTasksInParallelWithEachOutputWhole) {
  auto r = run_procpool({"run", "-j2", "--", kHelper, "print", "<{}>", ":::", "a", "b", "c"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sorted(lines_of(r.out)), (std::vector<std::string>{"<a>", "<b>", "<c>"}));
}

TEST(WindowsRun, ExitsOneWhenATaskFailsAndNamesTheExitCode) {
  auto ok = run_procpool({"run", "--", kHelper, "exit", ":::", "0", "0"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  auto bad = run_procpool({"run", "--", kHelper, "exit", ":::", "0", "4"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("FAILED (exit 4)"), std::string::npos) << bad.err;
  // 3 is also what abort() exits with on Windows: said, since nothing tells the two apart.
  auto three = run_procpool({"run", "--", kHelper, "exit", ":::", "3"});
  EXPECT_NE(three.err.find("FAILED (exit 3 (or abort()))"), std::string::npos) << three.err;
}

TEST(WindowsRun, ACrashIsItsExceptionCodeByNameInTheConsoleAndTheJsonReport) {
  ScratchDir dir;
  auto r = run_procpool(
      {"run", "--json", dir.file("r.json"), "--", kHelper, "crash", ":::", "access", "stack"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("exception 0xC0000005 (access violation)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("exception 0xC00000FD (stack overflow)"), std::string::npos) << r.err;
  const auto report = nlohmann::json::parse(read_file(dir.file("r.json")));
  std::vector<std::string> codes;
  for (const auto& task : report["tasks"]) {
    EXPECT_EQ(task["outcome"], "signalled");
    EXPECT_TRUE(task["exit_code"].is_null());
    codes.push_back(task["exception_code"]);
  }
  EXPECT_EQ(sorted(codes), (std::vector<std::string>{"0xC0000005", "0xC00000FD"}));
}

TEST(WindowsRun, ArgumentsArriveWholeWithoutAShell) {
  auto r = run_procpool({"run", "--", kHelper, "args", ":::", "two words", "quote\"d", "back\\",
                         "\xc3\xa9t\xc3\xa9"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sorted(lines_of(r.out)),
            sorted({"[args]", "[two words]", "[args]", "[quote\"d]", "[args]", "[back\\]", "[args]",
                    "[\xc3\xa9t\xc3\xa9]"}));
}

TEST(WindowsRun, ShellModeRunsCmdWithEachInputAsOneArgument) {
  auto r = run_procpool(
      {"run", "--shell", "--", "\"" + kHelper + "\" args {} & exit 4", ":::", "it's here"});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the script's own exit status, 4, through cmd.exe
  EXPECT_NE(r.err.find("exit 4"), std::string::npos) << r.err;
  EXPECT_EQ(lines_of(r.out), (std::vector<std::string>{"[args]", "[it's here]"}));
}

TEST(WindowsRun, AMissingProgramFailsToStartNamingIt) {
  auto r = run_procpool({"run", "--", "procpool-no-such-program", ":::", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("procpool-no-such-program"), std::string::npos) << r.err;
}

TEST(WindowsRun, ACommandLineTooLongForWindowsIsRefusedNotCut) {
  ScratchDir dir;  // the input comes from a file: procpool's own command line could not hold it
  std::ofstream(dir.file("inputs.txt")) << std::string(33000, 'a') << "\n";
  auto r = run_procpool({"run", "--", kHelper, "args", "::::", dir.file("inputs.txt")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("too long for Windows"), std::string::npos) << r.err.substr(0, 2000);
}

TEST(WindowsRun, ATimeoutStopsTheTaskAndItsGrandchild) {
  ScratchDir dir;
  const std::string pidfile = dir.file("grandchild.pid");
  auto r = run_procpool({"run", "--timeout", "1", "--", kHelper, "spawn-grandchild", pidfile,
                         "sleep", "60000", ":::", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("timed out"), std::string::npos) << r.err;
  unsigned long grandchild = 0;
  std::istringstream(read_file(pidfile)) >> grandchild;
  ASSERT_NE(grandchild, 0u);
  EXPECT_FALSE(process_alive(grandchild));
}

TEST(WindowsRun, ManyMoreSlotsThanCoresRunEveryTaskOnce) {
  std::vector<std::string> args = {"run",   "-j", "64",    "--", kHelper,
                                   "sleep", "50", "print", "{}", ":::"};
  for (int i = 0; i < 100; ++i) args.push_back(std::to_string(i));
  auto r = run_procpool(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_of(r.out);
  EXPECT_EQ(lines.size(), 100u);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(std::unique(lines.begin(), lines.end()), lines.end());
}

// What the Linux supervisor guarantees, by Job Objects: procpool killed outright (no chance to
// clean up) takes every task and what the tasks started with it. (A gentle Ctrl-Break cannot be
// tested here: Wine without a display gives no process a console to send it through.)
TEST(WindowsRun, KillingProcpoolKillsEveryTaskAndWhatTheyStarted) {
  ScratchDir dir;
  // Started bare, in no job of ours: a Child would stop what procpool leaves when it ends, and
  // the test would prove nothing about procpool's own jobs.
  auto line =
      process::windows_command_line({kProcpool, "run", "-j2", "--", kHelper, "spawn-grandchild",
                                     dir.file("{}.pid"), "sleep", "60000", ":::", "a", "b"});
  ASSERT_TRUE(line);
  std::wstring command = utf16(*line);
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  PROCESS_INFORMATION info{};
  ASSERT_TRUE(::CreateProcessW(nullptr, command.data(), nullptr, nullptr, FALSE, 0, nullptr,
                               nullptr, &startup, &info));
  ::CloseHandle(info.hThread);
  auto grandchild_of = [&](const char* name) {
    unsigned long pid = 0;
    std::istringstream(read_file(dir.file(std::string(name) + ".pid"))) >> pid;
    return pid;
  };
  for (int i = 0; i < 300 && (!grandchild_of("a") || !grandchild_of("b")); ++i) ::Sleep(100);
  ASSERT_NE(grandchild_of("a"), 0u);
  ASSERT_NE(grandchild_of("b"), 0u);
  for (const char* name : {"a", "b"}) EXPECT_TRUE(process_alive(grandchild_of(name))) << name;
  ::TerminateProcess(info.hProcess, 9);
  ::WaitForSingleObject(info.hProcess, 10000);
  ::CloseHandle(info.hProcess);
  for (const char* name : {"a", "b"}) {
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i, ::Sleep(20)) gone = !process_alive(grandchild_of(name));
    EXPECT_TRUE(gone) << name << "'s grandchild outlived procpool";
    if (!gone) {  // leave nothing behind even when the check fails
      HANDLE left = ::OpenProcess(PROCESS_TERMINATE, FALSE, grandchild_of(name));
      if (left) ::TerminateProcess(left, 9), ::CloseHandle(left);
    }
  }
}

TEST(WindowsRun, WhatTheWindowsBuildLeavesOutSaysWhy) {
  auto ctest = run_procpool({"ctest"});
  EXPECT_EQ(ctest.exit_code, 2);
  EXPECT_NE(ctest.err.find("not in the Windows build"), std::string::npos) << ctest.err;
  auto colsep = run_procpool({"run", "--colsep", ",", "--", kHelper, "print", ":::", "a,b"});
  EXPECT_NE(colsep.exit_code, 0);
  EXPECT_NE(colsep.err.find("not available in the Windows build"), std::string::npos) << colsep.err;
}

}  // namespace
}  // namespace procpool::windows_testing
