// Runs one GoogleTest test per process: wraps the process executor, giving each attempt a
// private, empty TEST_TMPDIR and a TEST_PREMATURE_EXIT_FILE, then reads the verdict from gtest's
// console lines and that file (verdict.hpp). Sharding variables are removed
// from the child's environment, since procpool has already chosen the shard.
//
// It also runs batches (`--batch`): one process for several tests of one binary, with
// --gtest_filter naming them all. The console stream tells which test runs (batch_stream.hpp):
// each test gets its own verdict, duration and output; --timeout applies to each test from its
// RUN line; when the process dies, the test that was running gets the process's verdict and the
// tests that never started go back to the scheduler.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/schedule/executor.hpp"

namespace procpool::gtest {

struct BatchRun;

struct GtestExecutorOptions {
  std::string temp_root;    // TEST_TMPDIRs go below it
  std::string results_dir;  // gtest's small per-attempt result files (best on a tmpfs)
  bool keep_tmp = false;    // keep each test's TEST_TMPDIR after it ran
  std::chrono::milliseconds test_timeout{0};  // in a batch, per test (zero: none)
  // CTest's judgement for a test that ends the process halfway: its exit code decides (exit(0)
  // passes, as `ctest` would say running it alone), not gtest's premature-exit file.
  bool exit_code_decides = false;
  // Ask each per-test process for gtest's JSON report too, for the values the test recorded
  // (RecordProperty), which only that report carries. Only when a report keeps them (--junit,
  // --json): it costs a run of one process per test 4-6 % of its wall time (measured on
  // fixture_many, 500 tests, 2 cores: 2.37 s with --junit, 2.24 s without, medians of 5).
  // Batches always write it.
  bool record_properties = false;
};

class GtestExecutor final : public schedule::Executor {
 public:
  GtestExecutor(boost::asio::io_context& io, schedule::Executor& inner,
                GtestExecutorOptions options)
      : io_(io), inner_(inner), options_(std::move(options)) {}

  void start(const schedule::Launch& launch, schedule::AttemptCallbacks callbacks) override;
  void stop_all(schedule::StopMode mode) override { inner_.stop_all(mode); }
  bool can_batch() const override { return true; }
  void start_batch(const schedule::BatchLaunch& launch,
                   schedule::BatchCallbacks callbacks) override;

 private:
  struct Files {
    std::filesystem::path tmp, result, premature;
  };
  Files files_for(std::size_t index, unsigned attempt, unsigned slot);
  void prepare(TaskSpec& spec, const Files& files) const;
  void clean_up(const Files& files) const;
  void finish_batch(BatchRun& run, const AttemptResult& process,
                    const std::optional<std::string>& json, bool premature_exit);

  boost::asio::io_context& io_;
  schedule::Executor& inner_;
  GtestExecutorOptions options_;
  std::uint64_t next_id_ = 0;
  std::map<std::uint64_t, std::unique_ptr<TaskSpec>> running_specs_;
  std::set<unsigned> created_slots_;  // slots whose TEST_TMPDIR exists
};

}  // namespace procpool::gtest
