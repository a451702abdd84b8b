#include "procpool/adapters/gtest/order_probe.hpp"

#include <filesystem>
#include <set>

#include <boost/asio/io_context.hpp>

#include "gtest_process.hpp"
#include "procpool/runner/process/event_loop.hpp"
#include "procpool/runner/schedule/process_executor.hpp"

namespace procpool::gtest {
namespace {

// What one judged process says of each test in each round. Where it ended well, every round
// stands: a test passed (or skipped itself) or failed. Where it did not, only the test running
// at its end is known (it failed: crashed, exited, hung); the others are left out, so the finder
// runs them again without it. A test alone has its final verdict whatever the end.
ProbeRounds rounds_of(const GtestProcessResult& result, bool alone) {
  const ProgramRecord& record = *result.record;
  const ProcessJudgement& judged = result.judgement;
  ProbeRounds rounds;
  for (const auto& round : record.rounds()) {
    std::map<std::string, bool> passed;
    for (std::size_t test = 0; test < round.size(); ++test) {
      const TestSeen& seen = round[test];
      if (!seen.ended || !judged.ended_well) continue;
      // A test that did not pass in an earlier round: its last round's verdict says whether that
      // was a skip (gtest's report covers the last round only).
      const OutcomeKind last = result.tests[test].result.outcome.kind;
      passed[record.names()[test]] = seen.passed || last == OutcomeKind::skipped;
    }
    rounds.rounds.push_back(std::move(passed));
  }
  if (judged.blamed) {
    const std::string& name = record.names()[*judged.blamed];
    rounds.rounds.back()[name] = false;
    rounds.died = name;
  }
  if (alone && !judged.blamed) {
    const OutcomeKind kind = result.tests.front().result.outcome.kind;
    rounds.rounds.back()[record.names().front()] =
        kind == OutcomeKind::passed || kind == OutcomeKind::skipped;
  }
  return rounds;
}

}  // namespace

// The filter that runs `tests` of the program: one test alone is named (as procpool gtest runs a
// test alone); several are the program as its filter selects it minus the others, unless that
// filter would be too long for one argument.
std::string probe_filter(const ProbeOptions& options, const std::vector<std::string>& tests) {
  constexpr std::size_t kLongestFilter = 100 * 1024;  // Linux refuses one argument over 128 KiB
  if (tests.size() == 1 || options.program_tests.empty()) return filter_for(tests);
  const std::set<std::string> wanted(tests.begin(), tests.end());
  std::vector<std::string> left_out;
  for (const auto& test : options.program_tests) {
    if (!wanted.count(test)) left_out.push_back(test);
  }
  std::string filter = options.filter.empty() ? "*" : options.filter;
  if (!left_out.empty()) {
    filter += (filter.find('-') == std::string::npos ? "-" : ":") + filter_for(left_out);
  }
  return filter.size() <= kLongestFilter ? filter : filter_for(tests);
}

Probe make_process_probe(ProbeOptions options) {
  auto probes = std::make_shared<unsigned>(0);
  return [options, probes](const std::vector<std::string>& tests, unsigned repeat) {
    if (*options.stopped || tests.empty()) return ProbeRounds{};
    process::EventLoop loop;  // not a plain io_context: see event_loop.hpp
    boost::asio::io_context& io = loop.io();
    schedule::ProcessExecutor processes(
        io, schedule::ProcessExecutorOptions{.grace = std::chrono::seconds(1)});

    // A fresh, empty TEST_TMPDIR for each probe, as procpool gtest gives each process: files a
    // test leaves there must not carry state from one probe to the next (googletest's
    // DirectoryCreationTest.CreateDirectoriesFail passes only where an earlier test left a
    // directory).
    const std::filesystem::path tmp =
        std::filesystem::path(options.temp_dir) / ("probe-tmp-" + std::to_string(*probes + 1));
    std::error_code ec;
    std::filesystem::remove_all(tmp, ec);
    std::filesystem::create_directories(tmp, ec);
    Command program;
    program.argv = {options.binary};
    program.argv.insert(program.argv.end(), options.extra_args.begin(), options.extra_args.end());
    GtestProcessRequest request;
    request.command = gtest_command(std::move(program), probe_filter(options, tests), tmp);
    request.tests = tests;
    for (std::size_t i = 0; i < tests.size(); ++i) request.judged.push_back(i);
    request.alone = tests.size() == 1 && repeat == 1;
    request.source = options.source;
    request.test_timeout = options.timeout;
    request.repeat = repeat;
    request.json_report =
        std::filesystem::path(options.temp_dir) / ("probe-" + std::to_string(++*probes) + ".json");

    std::optional<GtestProcessResult> result;
    ProbeRounds rounds;
    GtestProcessCallbacks callbacks;
    const bool alone = request.alone;
    callbacks.done = [&](GtestProcessResult ended) {
      rounds = rounds_of(ended, alone);
      result = std::move(ended);
    };
    // No task of a run: the probe is a task of its own, named by its command for what reports it.
    TaskSpec probe;
    probe.name = shell_join(request.command.argv);
    start_gtest_process(io, processes, schedule::Launch{.spec = &probe}, std::move(request),
                        std::move(callbacks));
    auto stop = [&] {
      *options.stopped = true;
      processes.stop_all(schedule::StopMode::immediate);
    };
    if (options.run_loop) {
      options.run_loop(
          io, [&] { return result.has_value(); }, stop);
    }
    while (!result && io.run_one() > 0) {
    }
    std::filesystem::remove_all(tmp, ec);
    return rounds;
  };
}

}  // namespace procpool::gtest
