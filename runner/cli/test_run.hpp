// What `procpool gtest` and `procpool ctest` share after their sources have produced tasks:
// the common options, history, shard selection, longest-first order, repeats, the gtest-style
// console, JUnit/JSON/log reports, the session and the exit status.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "procpool/runner/core/task.hpp"
#include "procpool/runner/schedule/executor.hpp"

namespace procpool::cli {

struct TestRunOptions {
  unsigned jobs = 0;  // 0: number of cores
  double timeout_s = 0;
  double grace_s = 5;
  double slow_s = 60;
  unsigned retries = 0;
  bool fail_on_flaky = false;
  unsigned repeat = 1;
  std::string halt = "never";
  std::string history = ".procpool/history.json";
  std::string shard;              // "K/N"; empty: GTEST_* variables or everything
  std::string shard_by = "auto";  // auto (duration with history, else hash) | hash
  std::string junit;
  std::string json;
  std::string log_dir;
  bool print_test_times = false;
  bool no_progress = false;
};

void add_test_run_options(CLI::App* command, TestRunOptions& options);

unsigned effective_jobs(const TestRunOptions& options);

// Wraps the process executor for the duration of the run (e.g. the gtest verdict reader).
using ExecutorWrapper =
    std::function<std::unique_ptr<schedule::Executor>(schedule::Executor& processes)>;

// `always` run in every shard (entries that report a broken source); `tests` are sharded and
// ordered. Returns the exit status. `name` prefixes messages ("procpool gtest").
int run_tests(const std::string& name, const TestRunOptions& options, std::vector<TaskSpec> always,
              std::vector<TaskSpec> tests, const ExecutorWrapper& wrap);

}  // namespace procpool::cli
