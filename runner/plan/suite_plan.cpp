#include "procpool/runner/plan/suite_plan.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <random>
#include <unordered_map>

namespace procpool::plan {

namespace {

struct CiShardPair {
  const char* index;
  const char* total;
  std::size_t first_index;  // 0 or 1: how the CI counts
};

constexpr CiShardPair kCiShardPairs[] = {
    {"GTEST_SHARD_INDEX", "GTEST_TOTAL_SHARDS", 0},
    {"CI_NODE_INDEX", "CI_NODE_TOTAL", 1},  // GitLab's parallel:
    {"BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", 0},
    {"CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", 0},
};

// One pair of variables as a shard. Not a number is an error, never shard 1.
Result<Shard> shard_from(const CiShardPair& names, const std::string& index_text,
                         const std::string& total_text) {
  std::size_t index = 0;
  const char* begin = index_text.data();
  const char* end = begin + index_text.size();
  const auto parsed = std::from_chars(begin, end, index);
  const bool number = !index_text.empty() && parsed.ec == std::errc() && parsed.ptr == end &&
                      index >= names.first_index;
  auto shard = number
                   ? Shard::parse(std::to_string(index + 1 - names.first_index) + "/" + total_text)
                   : Result<Shard>(fail("not a number"));
  if (!shard) {
    return fail(std::string(names.index) + "=" + index_text + " / " + names.total + "=" +
                total_text + " are not a valid shard (" + names.index + " counts from " +
                std::to_string(names.first_index) + ")");
  }
  return shard;
}

// The chosen tests plus, transitively, the companions they need (a fixture's setups and
// cleanups), in listed order.
std::vector<std::size_t> with_companions(const std::vector<TaskSpec>& tests,
                                         std::vector<std::size_t> chosen) {
  const bool any = std::any_of(chosen.begin(), chosen.end(),
                               [&](std::size_t i) { return !tests[i].companions.empty(); });
  if (!any) return chosen;
  std::unordered_map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < tests.size(); ++i) by_name.emplace(report_name(tests[i]), i);
  std::vector<bool> taken(tests.size(), false);
  for (std::size_t i : chosen) taken[i] = true;
  for (std::vector<std::size_t> todo = chosen; !todo.empty();) {
    const std::size_t i = todo.back();
    todo.pop_back();
    for (const auto& name : tests[i].companions) {
      const auto found = by_name.find(name);
      if (found == by_name.end() || taken[found->second]) continue;
      taken[found->second] = true;
      todo.push_back(found->second);
    }
  }
  chosen.clear();
  for (std::size_t i = 0; i < tests.size(); ++i) {
    if (taken[i]) chosen.push_back(i);
  }
  return chosen;
}

}  // namespace

const std::vector<std::string>& ci_shard_variable_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (const auto& pair : kCiShardPairs) {
      all.push_back(pair.index);
      all.push_back(pair.total);
    }
    return all;
  }();
  return names;
}

Result<Shard> choose_shard(const std::string& flag, const std::optional<GtestShardVariables>& gtest,
                           const CiVariables& ci) {
  if (flag == "auto") {
    for (const auto& pair : kCiShardPairs) {
      const auto index = ci.find(pair.index);
      const auto total = ci.find(pair.total);
      if (index == ci.end() && total == ci.end()) continue;
      if (index == ci.end() || total == ci.end()) {
        return fail(std::string("--shard auto: ") + (index == ci.end() ? pair.total : pair.index) +
                    " is set but " + (index == ci.end() ? pair.index : pair.total) + " is not");
      }
      return shard_from(pair, index->second, total->second);
    }
    return Shard{1, 1};  // no CI parallelism: the whole suite
  }
  if (!flag.empty()) return Shard::parse(flag);
  if (!gtest) return Shard{1, 1};
  return shard_from(kCiShardPairs[0], gtest->index, gtest->total);
}

std::string suite_fingerprint(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  std::string all;
  for (const auto& id : ids) all += id + '\n';
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(stable_hash(all)));
  return text;
}

Result<TestPlan> plan_tests(TestPlanRequest request) {
  auto shard = choose_shard(request.shard, request.gtest_shard, request.ci_variables);
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
  ids.reserve(request.tests.size());
  seconds.reserve(request.tests.size());
  for (const auto& task : request.tests) {
    ids.push_back(task.test ? history_id(*task.test) : task.name);
    seconds.push_back(plan.history.seconds(ids.back()));
  }
  std::vector<std::optional<double>> shard_weights = seconds;
  if (request.shard_by != ShardBy::duration_when_known) {
    shard_weights.assign(seconds.size(), std::nullopt);
  }
  std::vector<std::size_t> chosen;
  if (request.shard_by == ShardBy::count) {
    for (std::size_t i = shard->index - 1; i < ids.size(); i += shard->total) chosen.push_back(i);
  } else {
    chosen = select_shard(ids, shard_weights, *shard);
  }
  plan.shard = *shard;
  const bool by_duration = std::any_of(shard_weights.begin(), shard_weights.end(),
                                       [](const auto& s) { return bool(s); });
  plan.shard_method = request.shard_by == ShardBy::count ? "count"
                      : by_duration                      ? "duration"
                                                         : "hash";
  plan.suite_tests = ids.size();
  for (std::size_t i : chosen) plan.selected.push_back(ids[i]);
  plan.suite_fingerprint = suite_fingerprint(ids);
  // A shard runs the setups and cleanups its tests need even when another shard owns them (the
  // owner's verdict is the one `procpool merge` keeps).
  chosen = with_companions(request.tests, std::move(chosen));
  std::vector<std::optional<double>> chosen_seconds;
  std::vector<double> chosen_costs;
  for (std::size_t i : chosen) {
    chosen_seconds.push_back(seconds[i]);
    chosen_costs.push_back(request.tests[i].cost);
  }
  std::vector<std::size_t> order = longest_first(chosen_seconds, chosen_costs);
  if (request.shuffle)
    std::shuffle(order.begin(), order.end(), std::mt19937(std::random_device{}()));

  plan.tasks = std::move(request.always);
  plan.tasks.reserve(plan.tasks.size() + order.size() * request.repeat);
  std::uint64_t next_batch = 1;
  for (unsigned round = 0; round < request.repeat; ++round) {
    // The last round takes the tests themselves; the others copies (a suite's tests are many,
    // and each copy is a dozen strings).
    const bool last = round + 1 == request.repeat;
    auto test = [&](std::size_t i) {
      return last ? std::move(request.tests[chosen[i]]) : TaskSpec(request.tests[chosen[i]]);
    };
    if (!request.batch.enabled()) {
      for (std::size_t i : order) plan.tasks.push_back(test(i));
      continue;
    }
    std::vector<PlannedTest> tests;
    tests.reserve(order.size());
    for (std::size_t i : order) tests.push_back({test(i), chosen[i], chosen_seconds[i]});
    for (auto& task : form_batches(std::move(tests), request.batch, request.jobs, next_batch)) {
      plan.tasks.push_back(std::move(task));
    }
  }
  return plan;
}

}  // namespace procpool::plan
