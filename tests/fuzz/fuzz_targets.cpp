#include "fuzz_targets.hpp"

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "procpool/adapters/bench/workload.hpp"
#include "procpool/adapters/command/command_source.hpp"
#include "procpool/adapters/command/shell_words.hpp"
#include "procpool/adapters/ctest/cmake_regex.hpp"
#include "procpool/adapters/ctest/ctest_source.hpp"
#include "procpool/adapters/gtest/console_reader.hpp"
#include "procpool/adapters/gtest/gtest_report.hpp"
#include "procpool/adapters/gtest/judge.hpp"
#include "procpool/adapters/gtest/listing.hpp"
#include "procpool/adapters/gtest/program_record.hpp"
#include "procpool/runner/core/duration.hpp"
#include "procpool/runner/plan/history.hpp"
#include "procpool/runner/plan/suite_plan.hpp"
#include "procpool/runner/schedule/halt_policy.hpp"

namespace procpool::fuzz {

void broken(const std::string& what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what.c_str());
  std::abort();
}

namespace {

void expect(bool condition, const std::string& what) {
  if (!condition) broken(what);
}

// A failure must say why.
template <typename T>
void check_failure_named(const Result<T>& result, const char* parser) {
  if (!result) expect(!result.error().empty(), std::string(parser) + " failed without a message");
}

void shell_words(std::string_view data) {
  const auto words = command::split_shell_words(data);
  check_failure_named(words, "split_shell_words");
  const auto tasks = command::tasks_from_lines(data, /*shell=*/false);
  check_failure_named(tasks, "tasks_from_lines");
  if (tasks) {
    for (const auto& task : *tasks)
      expect(!task.command.argv.empty(), "a task line without a program");
  }
  // A shell line fails only for what no command line can hold: a NUL byte.
  const auto shell_tasks = command::tasks_from_lines(data, /*shell=*/true);
  check_failure_named(shell_tasks, "tasks_from_lines (shell)");
  expect(shell_tasks.ok() || data.find('\0') != std::string_view::npos,
         "shell lines fail only for a NUL byte");
}

void history(std::string_view data) {
  const auto parsed = plan::DurationHistory::parse(data, "history.json");
  check_failure_named(parsed, "history");
}

void gtest_list(std::string_view data) {
  const auto tests = gtest::parse_test_list(data);
  check_failure_named(tests, "parse_test_list");
  if (tests) {
    for (const auto& test : *tests) {
      expect(!test.suite.empty() && !test.name.empty(), "a listed test without a suite or name");
      (void)test.disabled();
    }
  }
  // As gtest's JSON listing: never an exception, whatever the types.
  if (const auto listed = gtest::parse_json_test_list(std::string(data))) {
    for (const auto& test : *listed) (void)test.disabled();
  }
}

void gtest_result(std::string_view data) {
  const TestIdentity test{"bin", "Suite", "Name"};
  // As a batch's JSON report: never an exception, whatever the types.
  if (const auto report = gtest::GtestReport::parse(std::string(data))) {
    (void)report->verdict(test.full_name());
  }
  // As a test process's console (the fallback reader) and as its result stream: whatever the
  // bytes say, a process that failed or crashed never makes its test pass.
  for (const auto source : {gtest::EventSource::console, gtest::EventSource::stream}) {
    gtest::ProgramRecord record({test.full_name()});
    if (source == gtest::EventSource::console) {
      gtest::ConsoleReader reader({test.full_name()});
      for (const auto& event : reader.feed_stdout(data)) record.add(event);
      for (const auto& event : reader.finish()) record.add(event);
    } else {
      gtest::StreamDecoder decoder;
      std::string_view rest = data;
      while (!rest.empty()) {
        const auto newline = rest.find('\n');
        gtest::ProgramEvent event;
        if (decoder.decode(rest.substr(0, newline), event) == gtest::StreamDecoder::Status::event) {
          record.add(event);
        }
        rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
      }
    }
    for (const Outcome& process :
         {Outcome::exited(1), Outcome::exited(2), Outcome::killed_by(11)}) {
      gtest::JudgeInput input;
      input.record = &record;
      input.process = process;
      input.alone = true;
      input.source = source;
      const auto judged = gtest::judge(input, {0});
      expect(judged.tests.size() == 1, "one verdict per test asked for");
      expect(!judged.tests[0].outcome.succeeded(), "a failed process passed");
    }
  }
}

void ctest_json(std::string_view data) {
  const auto suite = ctest::parse_ctest_json(data, "/build");
  check_failure_named(suite, "parse_ctest_json");
  if (suite) {
    for (const auto& test : suite->tests) {
      expect(!test.task.timeout || test.task.timeout->count() > 0,
             "a timeout that is not positive");
      expect(!test.task.command.argv.empty() || test.rules.executable_missing,
             "a test with neither a command nor a reason it cannot run");
    }
  }
}

void cmake_regex(std::string_view data) {
  // The first line is the pattern, the rest the text it is searched in.
  const auto newline = data.find('\n');
  const std::string_view pattern = data.substr(0, newline);
  const std::string_view text = newline == std::string_view::npos ? "" : data.substr(newline + 1);
  const auto translated = ctest::translate_cmake_regex(pattern);
  check_failure_named(translated, "translate_cmake_regex");
  const auto regex = ctest::CmakeRegex::compile(pattern);
  check_failure_named(regex, "CmakeRegex::compile");
  if (regex) {
    (void)regex->search(text);
    (void)regex->search(pattern);
  }
}

void option_values(std::string_view data) {
  const auto seconds = parse_seconds(data);
  check_failure_named(seconds, "parse_seconds");
  if (seconds) {
    expect(seconds->count() >= 0 && seconds->count() <= static_cast<long long>(kMaxSeconds) * 1000,
           "seconds out of range");
  }
  check_failure_named(schedule::HaltPolicy::parse(data), "HaltPolicy::parse");
  const auto shard = plan::Shard::parse(std::string(data));
  check_failure_named(shard, "Shard::parse");
  if (shard) expect(shard->index >= 1 && shard->index <= shard->total, "a shard outside 1..N");
  const std::string text(data);
  const auto slash = text.find('/');
  const auto gtest_shard = plan::choose_shard(
      "", plan::GtestShardVariables{text.substr(0, slash),
                                    slash == std::string::npos ? "" : text.substr(slash + 1)});
  check_failure_named(gtest_shard, "choose_shard");
  check_failure_named(bench::parse_size(data), "parse_size");
}

}  // namespace

const std::vector<Target>& targets() {
  static const std::vector<Target> all{
      {"shell_words", shell_words},   {"history", history},       {"gtest_list", gtest_list},
      {"gtest_result", gtest_result}, {"ctest_json", ctest_json}, {"option_values", option_values},
      {"cmake_regex", cmake_regex},
  };
  return all;
}

}  // namespace procpool::fuzz
