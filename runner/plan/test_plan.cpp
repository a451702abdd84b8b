#include "procpool/runner/plan/test_plan.hpp"

#include <charconv>

namespace procpool::plan {

Result<Shard> choose_shard(const std::string& flag,
                           const std::optional<GtestShardVariables>& gtest) {
  if (!flag.empty()) return Shard::parse(flag);
  if (!gtest) return Shard{1, 1};
  // gtest's index is 0-based; ours is 1-based. Not a number is an error, never shard 1.
  std::size_t index = 0;
  const char* begin = gtest->index.data();
  const char* end = begin + gtest->index.size();
  const auto parsed = std::from_chars(begin, end, index);
  const bool number = !gtest->index.empty() && parsed.ec == std::errc() && parsed.ptr == end;
  auto shard = number ? Shard::parse(std::to_string(index + 1) + "/" + gtest->total)
                      : Result<Shard>(fail("not a number"));
  if (!shard) {
    return fail("GTEST_SHARD_INDEX=" + gtest->index + " / GTEST_TOTAL_SHARDS=" + gtest->total +
                " are not a valid shard");
  }
  return shard;
}

Result<TestPlan> plan_tests(TestPlanRequest request) {
  auto shard = choose_shard(request.shard, request.gtest_shard);
  if (!shard) return shard.failure();
  // Every attempt is planned up front: bound it, or a typo in --repeat exhausts memory.
  if (request.repeat > 0 && request.tests.size() > kMaxPlannedTests / request.repeat) {
    return fail("--repeat " + std::to_string(request.repeat) + " × " +
                std::to_string(request.tests.size()) + " tests is more than " +
                std::to_string(kMaxPlannedTests) + " test runs");
  }

  TestPlan plan;
  if (auto loaded = DurationHistory::load(request.history_path)) {
    plan.history = std::move(*loaded);
  } else {
    plan.warnings.push_back(loaded.error());
  }

  // This shard's part of the tests, longest first, repeated.
  std::vector<std::string> ids;
  std::vector<std::optional<double>> seconds;
  for (const auto& task : request.tests) {
    ids.push_back(task.test ? history_id(*task.test) : task.name);
    seconds.push_back(plan.history.seconds(ids.back()));
  }
  std::vector<std::optional<double>> shard_weights = seconds;
  if (request.shard_by == ShardBy::hash) shard_weights.assign(seconds.size(), std::nullopt);
  std::vector<std::size_t> chosen = select_shard(ids, shard_weights, *shard);
  std::vector<std::optional<double>> chosen_seconds;
  for (std::size_t i : chosen) chosen_seconds.push_back(seconds[i]);
  const std::vector<std::size_t> order = longest_first(chosen_seconds);

  plan.tasks = std::move(request.always);
  std::uint64_t next_batch = 1;
  for (unsigned round = 0; round < request.repeat; ++round) {
    if (!request.batch.enabled()) {
      for (std::size_t i : order) plan.tasks.push_back(request.tests[chosen[i]]);
      continue;
    }
    std::vector<PlannedTest> tests;
    for (std::size_t i : order) {
      tests.push_back({request.tests[chosen[i]], chosen[i], chosen_seconds[i]});
    }
    for (auto& task : form_batches(std::move(tests), request.batch, request.jobs, next_batch)) {
      plan.tasks.push_back(std::move(task));
    }
  }
  return plan;
}

}  // namespace procpool::plan
