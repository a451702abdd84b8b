// Runs one GoogleTest test per process: wraps the process executor, giving each attempt a
// private, empty TEST_TMPDIR, a --gtest_output=json: result file and a
// TEST_PREMATURE_EXIT_FILE, then reads the verdict from them. Sharding variables are removed
// from the child's environment, since procpool has already chosen the shard.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "procpool/runner/schedule/executor.hpp"

namespace procpool::gtest {

struct GtestExecutorOptions {
  std::string temp_root;    // TEST_TMPDIRs go below it
  std::string results_dir;  // gtest's small per-attempt result files (best on a tmpfs)
  bool keep_tmp = false;    // keep each test's TEST_TMPDIR after it ran
};

class GtestExecutor final : public schedule::Executor {
 public:
  GtestExecutor(schedule::Executor& inner, GtestExecutorOptions options)
      : inner_(inner), options_(std::move(options)) {}

  void start(const schedule::Launch& launch, schedule::AttemptCallbacks callbacks) override;
  void stop_all(schedule::StopMode mode) override { inner_.stop_all(mode); }

 private:
  schedule::Executor& inner_;
  GtestExecutorOptions options_;
  std::uint64_t next_id_ = 0;
  std::map<std::uint64_t, std::unique_ptr<TaskSpec>> running_specs_;
  std::set<unsigned> created_slots_;  // slots whose TEST_TMPDIR exists
};

}  // namespace procpool::gtest
