// The plan stage of a test run: which tests this run (this shard) takes, in which order, how
// often. Everything the CLI decided before is data here, so the plan is unit-tested without a
// process: the CLI reads argv and the environment, hands the values over, and runs the tasks
// that come back.
#pragma once

#include <map>
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
  count,                // round robin in listed order: test i goes to shard i mod N (nextest)
};

// GoogleTest's sharding variables as Bazel and CTest set them, as the CLI read them.
struct GtestShardVariables {
  std::string total;  // GTEST_TOTAL_SHARDS
  std::string index;  // GTEST_SHARD_INDEX, 0-based
};

// The CI's own parallel-job variables, by name, as the environment had them (--shard auto).
using CiVariables = std::map<std::string, std::string>;
// The names --shard auto reads; the CLI copies these from its environment.
const std::vector<std::string>& ci_shard_variable_names();

// The most test runs one plan holds (tests × --repeat).
inline constexpr std::size_t kMaxPlannedTests = 10'000'000;

struct TestPlanRequest {
  std::vector<TaskSpec> tests;   // the source's tests, in listed order
  std::vector<TaskSpec> always;  // entries every shard runs, first (a binary that cannot list)
  std::string history_path;      // the durations file; missing = empty history
  std::string shard;             // "K/N" or "auto" from --shard; empty: the gtest variables
  std::optional<GtestShardVariables> gtest_shard;
  CiVariables ci_variables;  // for --shard auto
  ShardBy shard_by = ShardBy::duration_when_known;
  unsigned repeat = 1;
  bool shuffle = false;  // a random start order instead of longest first (ctest --schedule-random)
  BatchSize batch;       // --batch: tests sharing a process
  unsigned jobs = 1;     // for sizing batches automatically
};

struct TestPlan {
  std::vector<TaskSpec> tasks;        // what runs, in the order to start it
  DurationHistory history;            // as loaded, for the order and the shards
  std::vector<std::string> warnings;  // problems that do not stop the run (an ignored history)
  // What the reports record so `procpool merge` can check the shards fit together:
  Shard shard;                        // the shard taken (1/1: unsharded)
  std::string shard_method;           // "duration" or "hash": how the suite was partitioned
  std::vector<std::string> selected;  // this shard's tests (history ids), in listed order
  std::size_t suite_tests = 0;        // tests in the whole suite, before sharding
  std::string suite_fingerprint;      // of the whole suite's ids: equal on every shard
};

// A hash of a set of test ids (order-free), as hex: the same suite gives the same fingerprint
// on every shard, so a merge can tell shards of different suites apart, and whether the union
// of the shards is the whole suite.
std::string suite_fingerprint(std::vector<std::string> ids);

// Fails, naming the problem, on a bad --shard, bad sharding variables, or more than
// kMaxPlannedTests test runs.
Result<TestPlan> plan_tests(TestPlanRequest request);

// The shard a run takes: --shard K/N, else GoogleTest's variables (0-based index), else 1/1.
// --shard auto: the first complete pair of the CI's variables (GTEST_TOTAL_SHARDS/
// GTEST_SHARD_INDEX, GitLab CI_NODE_TOTAL/CI_NODE_INDEX (1-based), Buildkite
// BUILDKITE_PARALLEL_JOB_COUNT/BUILDKITE_PARALLEL_JOB, CircleCI CIRCLE_NODE_TOTAL/
// CIRCLE_NODE_INDEX), else 1/1; half a pair or a bad value is an error naming the variables.
Result<Shard> choose_shard(const std::string& flag, const std::optional<GtestShardVariables>& gtest,
                           const CiVariables& ci = {});

}  // namespace procpool::plan
