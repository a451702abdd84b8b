// The plan stage of a test run: which tests this run (this shard) takes, in which order, how
// often. Everything the CLI decided before is data here, so the plan is unit-tested without a
// process: the CLI reads argv and the environment, hands the values over, and runs the tasks
// that come back.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "procpool/runner/core/result.hpp"
#include "procpool/runner/core/task.hpp"
#include "procpool/runner/plan/batches.hpp"
#include "procpool/runner/plan/history.hpp"
#include "procpool/runner/plan/partition.hpp"

namespace procpool::plan {

enum class ShardBy {
  duration_when_known,  // LPT packing by recorded duration when there is history, else hash
  hash,                 // always the stable hash (shards that do not share one history file)
};

// GoogleTest's sharding variables as Bazel and CTest set them, as the CLI read them.
struct GtestShardVariables {
  std::string total;  // GTEST_TOTAL_SHARDS
  std::string index;  // GTEST_SHARD_INDEX, 0-based
};

// The most test runs one plan holds (tests × --repeat).
inline constexpr std::size_t kMaxPlannedTests = 10'000'000;

struct TestPlanRequest {
  std::vector<TaskSpec> tests;   // the source's tests, in listed order
  std::vector<TaskSpec> always;  // entries every shard runs, first (a binary that cannot list)
  std::string history_path;      // the durations file; missing = empty history
  std::string shard;             // "K/N" from --shard; empty: the gtest variables, else all
  std::optional<GtestShardVariables> gtest_shard;
  ShardBy shard_by = ShardBy::duration_when_known;
  unsigned repeat = 1;
  BatchSize batch;    // --batch: tests sharing a process
  unsigned jobs = 1;  // for sizing batches automatically
};

struct TestPlan {
  std::vector<TaskSpec> tasks;        // what runs, in the order to start it
  DurationHistory history;            // as loaded, for the order and the shards
  std::vector<std::string> warnings;  // problems that do not stop the run (an ignored history)
};

// Fails, naming the problem, on a bad --shard, bad sharding variables, or more than
// kMaxPlannedTests test runs.
Result<TestPlan> plan_tests(TestPlanRequest request);

// The shard a run takes: --shard K/N, else GoogleTest's variables (0-based index), else 1/1.
Result<Shard> choose_shard(const std::string& flag,
                           const std::optional<GtestShardVariables>& gtest);

}  // namespace procpool::plan
