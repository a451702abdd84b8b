// One process of a GoogleTest program, running one test or several (a batch), followed through
// its events and judged when it ends (judge.hpp). Every gtest process procpool starts goes
// through here: a test alone, a batch, a confirmation, a reproduction of an order, the
// order-dependence finder's probes, local or on Slurm.
//
// While it runs: gtest's result stream (or, for a program that cannot stream, its console) says
// which test runs; --timeout applies to each test from its start, and as much again to the time
// before the first test and after each (a hang in a set-up or tear-down ends too). Its output is
// sliced per test along gtest's console lines (only output: a slice never decides a verdict).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "procpool/adapters/gtest/judge.hpp"
#include "procpool/runner/schedule/executor.hpp"

namespace procpool::gtest {

struct GtestProcessRequest {
  // The program with its arguments, environment and directory, the test filter included (see
  // filter_for); the stream and report flags are added here.
  Command command;
  // Every test the filter selects, by full name; `judged` are the indices of those whose
  // verdicts are wanted (the others run first, for their effect on these).
  std::vector<std::string> tests;
  std::vector<std::size_t> judged;
  // The process runs one test for that test's sake: its verdict is final (judge.hpp).
  bool alone = false;
  bool exit_judged_alone = false;  // see JudgeInput
  EventSource source = EventSource::stream;
  std::string stream_address = "127.0.0.1";  // where to listen for the stream
  std::string stream_host = "127.0.0.1";     // how the program reaches it (another node: a name)
  std::optional<std::chrono::milliseconds> test_timeout;  // per test; none: no limit
  unsigned repeat = 1;  // --gtest_repeat (the finder's second view)
  // Where gtest writes its JSON report (empty: none): what tells a skip from a failure in a
  // batch, and the values tests recorded.
  std::filesystem::path json_report;
  // Where gtest leaves its premature-exit file (asked for where the console is the source).
  std::filesystem::path premature_exit_file;
};

// One judged test's result: what reports need of it, and how far its process vouches for it.
struct JudgedTest {
  AttemptResult result;
  TestJudgement::Evidence evidence = TestJudgement::Evidence::not_started;
};

struct GtestProcessResult {
  AttemptResult process;  // the process as the process layer saw it
  ProcessJudgement judgement;
  std::vector<JudgedTest> tests;  // one per `judged` index, in that order
  EventSource source = EventSource::stream;
  std::string command;              // the command line that ran
  std::vector<std::string> extras;  // tests that ran unasked ('?' of the filter matched them)
  // gtest's console said the filter selected DISABLED_ tests (see ConsoleReader::disabled_noted).
  bool disabled_noted = false;
  // Why the stream could not be used, when the console was read instead of it.
  std::string stream_error;
  const ProgramRecord* record = nullptr;  // valid during `done` only
};

struct GtestProcessCallbacks {
  std::function<void(std::size_t judged)> test_started;  // a judged test began (its position)
  std::function<void(GtestProcessResult)> done;          // exactly once
  // The process's other events (its start and stop, output, slow notices, waits for a cluster)
  // as they come; optional. Its `done` is never called: `done` above is the end.
  schedule::Observer forward;
};

// Starts the process on `executor` (the process executor, or Slurm's), as attempt `launch`.
void start_gtest_process(boost::asio::io_context& io, schedule::Executor& executor,
                         const schedule::Launch& launch, GtestProcessRequest request,
                         GtestProcessCallbacks callbacks);

// --gtest_filter's value selecting exactly these tests: each name with the filter's own
// characters ('*', '?', ':', '-') written '?', which matches them (and may match another test
// too: the events tell which ran). gtest runs them in its own order, whatever the list's.
std::string filter_for(const std::vector<std::string>& tests);

// The command with its --gtest_filter replaced (or added after the program) by `filter`.
void set_filter(std::vector<std::string>& argv, const std::string& filter);

// `program` made into a gtest process of procpool's (a test alone, a batch, a finder's probe):
// `filter` set, the console kept readable, `tmp` as its TEST_TMPDIR, and the runner's own
// sharding and report variables (GTEST_TOTAL_SHARDS, …) not passed on.
Command gtest_command(Command program, const std::string& filter, const std::filesystem::path& tmp);

}  // namespace procpool::gtest
