// One `--json` report read back: what the run was (command, shard, suite) and every task as the
// events that reported it, so `procpool merge` can replay the tasks of several shards into the
// same reporters a single run uses.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/result.hpp"
#include "procpool/runner/plan/partition.hpp"

namespace procpool::merge {

struct ReplayedAttempt {
  AttemptResult result;
  TaskRetried::Why why = TaskRetried::Why::retry;
};

// A task as its TaskRetried and TaskFinished events told it.
struct ReplayedTask {
  TaskSpec spec;
  AttemptResult last;
  std::vector<ReplayedAttempt> failed_attempts;  // the attempts before `last`, in order
  unsigned attempts = 0;
  bool flaky = false;
  bool order_dependent = false;
  std::vector<std::string> ran_before;
  // The record as the report had it: the merged JSON report reuses it (renumbered) rather than
  // rebuild it, which was most of a large merge's time.
  nlohmann::json record;
};

struct ShardReport {
  std::string path;
  std::string procpool_version;  // "" when the report predates the field
  bool described = false;        // it says what the run was (command, shard, suite)
  std::string command;           // "gtest", "ctest", "run"
  plan::Shard shard;             // 1/1 when the run was not sharded
  std::string shard_method;      // "duration", "hash" or ""
  std::vector<std::string> binaries;
  std::vector<std::string> selected;       // the shard's tests (history ids)
  std::optional<std::size_t> suite_tests;  // tests in the whole suite
  std::string suite_fingerprint;           // "" when unknown (procpool run)
  std::chrono::nanoseconds wall{0};
  bool interrupted = false;
  bool halted = false;
  std::vector<ReplayedTask> tasks;  // in the report's order
};

// Reads the report at `path`; fails naming the file and what is wrong with it (not JSON, cut
// short, not a procpool report, a newer format, a key of the wrong type).
Result<ShardReport> load_shard_report(const std::string& path);
// All of `paths`, read side by side on up to `threads` threads; results in the order given.
std::vector<Result<ShardReport>> load_shard_reports(const std::vector<std::string>& paths,
                                                    unsigned threads);
Result<ShardReport> parse_shard_report(std::string_view text, const std::string& path);

}  // namespace procpool::merge
