// What the Windows end-to-end tests share: procpool.exe run as a real child (through procpool's
// own process layer, which the unit tests check), scratch directories, and the check that no
// process a test started outlives it.
#pragma once

#include <windows.h>
// after windows.h
#include <tlhelp32.h>

#include <algorithm>

#include <chrono>
#include <cwctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "process_alive.hpp"

#include "procpool/runner/core/windows_text.hpp"
#include "procpool/runner/process/child.hpp"
#include "procpool/runner/process/event_loop.hpp"

namespace procpool::windows_testing {

inline const std::string kProcpool = PROCPOOL_BINARY;
inline const std::string kHelper = WIN_HELPER_BINARY;

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::chrono::nanoseconds duration{};
  Outcome outcome;
};

struct CliOptions {
  std::vector<EnvVar> env;
  std::string working_dir;
};

// Runs `argv` as a real child through procpool's own process layer (which the unit tests check),
// its output captured; 120 s at most.
inline CliResult run_program(std::vector<std::string> argv, const CliOptions& options = {}) {
  process::EventLoop loop;  // not a plain io_context: see event_loop.hpp
  boost::asio::io_context& io = loop.io();
  process::SpawnRequest request;
  request.argv = std::move(argv);
  request.env = options.env;
  request.working_dir = options.working_dir;
  process::ChildOptions child;
  child.timeout = std::chrono::milliseconds(120000);  // a hung procpool fails the test
  CliResult result;
  result.outcome.kind = OutcomeKind::not_started;
  auto started = process::Child::start(io, request, child, [&](AttemptResult r) {
    result.outcome = r.outcome;
    result.exit_code = r.outcome.exit_code;
    result.out = r.out->str();
    result.err = r.err->str();
    // A program that crashed has no exit code of its own (exit_code stays 0): say how it ended,
    // so a failing test shows it (procpool.exe once crashed at exit: see issue 25's notes).
    if (r.outcome.kind != OutcomeKind::passed && r.outcome.kind != OutcomeKind::failed) {
      result.err += "\n[the program ended: " + describe(r.outcome) + "]\n";
    }
    result.duration = r.duration;
  });
  io.run();
  EXPECT_NE(result.outcome.kind, OutcomeKind::failed_to_start) << result.outcome.error;
  return result;
}

inline CliResult run_procpool(std::vector<std::string> args, const CliOptions& options = {}) {
  args.insert(args.begin(), kProcpool);
  return run_program(std::move(args), options);
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

inline std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Wine starts its own services on demand, from whichever process first needs them, so that
// process is recorded as their parent: a CI run on a fresh prefix saw `services.exe` "survive" a
// Pool test that had started nothing else. These are Wine's, never ours (on Windows they are
// started by the system), and they outlive every test by design.
inline bool wine_system_process(const std::wstring& exe) {
  static const std::vector<std::wstring> names = {
      L"services.exe", L"explorer.exe",   L"wineboot.exe", L"winemenubuilder.exe",
      L"plugplay.exe", L"winedevice.exe", L"rpcss.exe",    L"svchost.exe"};
  std::wstring lower = exe;
  for (auto& c : lower) c = static_cast<wchar_t>(std::towlower(c));
  return std::find(names.begin(), names.end(), lower) != names.end();
}

// The processes started by any of `parents` that still run (Windows records each process's
// parent); by default, by this one. Each as "pid name". A process on its way out is given up to
// two seconds to be gone (Wine may still be ending one that was terminated, or a console host
// of its own): what is still running then is a survivor. Wine's own services are not counted.
inline std::vector<std::string> surviving_children(std::vector<unsigned long> parents = {
                                                       ::GetCurrentProcessId()}) {
  std::vector<std::string> alive;
  for (int tries = 0; tries < 40; ++tries) {
    alive.clear();
    HANDLE snapshot = ::CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32W entry{};
    entry.dwSize = sizeof entry;
    for (BOOL more = ::Process32FirstW(snapshot, &entry); more;
         more = ::Process32NextW(snapshot, &entry)) {
      const bool ours =
          std::find(parents.begin(), parents.end(), entry.th32ParentProcessID) != parents.end();
      if (ours && !wine_system_process(entry.szExeFile) && process_alive(entry.th32ProcessID)) {
        alive.push_back(std::to_string(entry.th32ProcessID) + " " + utf8(entry.szExeFile));
      }
    }
    ::CloseHandle(snapshot);
    if (alive.empty()) break;
    ::Sleep(50);
  }
  return alive;
}

// A fresh directory under %TEMP%, removed with what is in it.
class ScratchDir {
 public:
  ScratchDir() {
    char temp[MAX_PATH];
    ::GetTempPathA(MAX_PATH, temp);
    static int counter = 0;
    path_ = std::string(temp) + "procpool-test-" + std::to_string(::GetCurrentProcessId()) + "-" +
            std::to_string(++counter);
    ::CreateDirectoryA(path_.c_str(), nullptr);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return path_ + "\\" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

using Verdicts = std::map<std::string, std::string>;

// The program alone, one test per process, judged by what the program itself says that a test
// cannot forge: how the process ended (an exception code is a crash), gtest's premature-exit
// file (left behind when the test ended the process), and gtest's own JSON report (skipped).
inline std::string verdict_alone(const std::string& program, const std::string& test,
                                 const std::vector<EnvVar>& env = {}) {
  ScratchDir dir;
  process::EventLoop loop;  // not a plain io_context: see event_loop.hpp
  boost::asio::io_context& io = loop.io();
  process::SpawnRequest request;
  request.argv = {program, "--gtest_filter=" + test, "--gtest_output=json:" + dir.file("r.json")};
  request.env = env;
  request.env.push_back({"TEST_PREMATURE_EXIT_FILE", dir.file("premature")});
  Outcome outcome;
  auto child =
      process::Child::start(io, request, {}, [&](AttemptResult r) { outcome = r.outcome; });
  io.run();
  if (outcome.kind == OutcomeKind::signalled) return "crashed";
  if (std::filesystem::exists(dir.file("premature")) || outcome.kind != OutcomeKind::passed) {
    return "failed";
  }
  const std::string text = read_file(dir.file("r.json"));
  if (text.empty()) {
    ADD_FAILURE() << test << " alone wrote no report; it ended " << describe(outcome);
    return "unknown";
  }
  // gtest's own report says whether it ran the test (a disabled one is NOTRUN) and skipped it.
  const auto report = nlohmann::json::parse(text);
  for (const auto& suite : report["testsuites"]) {
    for (const auto& one : suite["testsuite"]) {
      if (suite["name"].get<std::string>() + "." + one["name"].get<std::string>() != test) continue;
      if (one.value("status", "") == "NOTRUN") return "disabled";
      return one.value("result", "") == "SKIPPED" ? "skipped" : "passed";
    }
  }
  return "not run";
}

// The tests whose verdict under procpool differs from alone: "name: alone X, under procpool Y".
// Under Wine a program is not always deterministic alone either (seen: a crash ending once with
// another exit status, StreamableTest.int crashing once in ~1,000 runs), so a difference counts
// only when two more runs alone still disagree with procpool.
inline std::vector<std::string> differences_from_alone(const std::string& program,
                                                       const Verdicts& alone,
                                                       const Verdicts& under_procpool,
                                                       const std::vector<EnvVar>& env = {}) {
  std::vector<std::string> differences;
  for (const auto& [test, verdict] : alone) {
    const auto found = under_procpool.find(test);
    const std::string got = found == under_procpool.end() ? "(missing)" : found->second;
    if (got == verdict) continue;
    if (got == verdict_alone(program, test, env) || got == verdict_alone(program, test, env)) {
      continue;
    }
    differences.push_back(test + ": alone " + verdict + ", under procpool " + got);
  }
  for (const auto& [test, verdict] : under_procpool) {
    if (!alone.count(test)) differences.push_back(test + ": not listed, under procpool " + verdict);
  }
  return differences;
}

// Each test's verdict in a --json report of procpool.
inline Verdicts verdicts_in_report(const std::string& path) {
  Verdicts verdicts;
  const std::string text = read_file(path);
  if (text.empty()) {
    ADD_FAILURE() << "procpool wrote no report at " << path;
    return verdicts;
  }
  const auto report = nlohmann::json::parse(text);
  for (const auto& task : report["tasks"]) verdicts[task["name"]] = task["verdict"];
  return verdicts;
}

}  // namespace procpool::windows_testing
