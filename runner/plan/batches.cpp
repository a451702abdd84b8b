#include "procpool/runner/plan/batches.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>

#include "procpool/runner/plan/partition.hpp"

namespace procpool::plan {
namespace {

// A test its source can name in a batch. (A GoogleTest name holding a filter character is named
// with '?' in its place; the program's events tell which tests ran.)
bool batchable(const TaskSpec& task) { return !task.batch_member.empty(); }

struct Unit {
  std::vector<std::size_t> members;  // positions in the round, in listed order
  std::optional<double> seconds;
};

}  // namespace

Result<BatchSize> parse_batch_size(const std::string& text) {
  if (text.empty()) return BatchSize{};
  if (text == "auto") return BatchSize{true, 0};
  std::size_t tests = 0;
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), tests);
  if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || tests == 0) {
    return fail("--batch " + text + ": expected a positive number of tests or 'auto'");
  }
  return BatchSize{false, tests};
}

std::vector<TaskSpec> form_batches(std::vector<PlannedTest> tests, BatchSize size, unsigned jobs,
                                   std::uint64_t& next_batch) {
  jobs = std::max(1u, jobs);
  // Durations: unknown ones count as the mean of the known ones.
  double known_total = 0;
  std::size_t known = 0;
  for (const auto& test : tests) {
    if (test.seconds) {
      known_total += *test.seconds;
      ++known;
    }
  }
  const bool have_history = known > 0;
  const double mean = have_history ? known_total / static_cast<double>(known) : 0;
  auto seconds_of = [&](std::size_t i) { return tests[i].seconds.value_or(mean); };
  double total = 0;
  for (std::size_t i = 0; i < tests.size(); ++i) total += seconds_of(i);

  // The batchable tests of each group, in the program's order.
  std::vector<Unit> units;
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < tests.size(); ++i) {
    const TaskSpec& task = tests[i].task;
    if (size.enabled() && !task.batch_group.empty() && batchable(task)) {
      groups[task.batch_group].push_back(i);
    } else {
      units.push_back({{i}, tests[i].seconds});
    }
  }

  // Automatic sizing: a number of batches every job gets the same share of (1 to 4 each: more
  // lets longest-first even out wrong predictions, but each costs a process start), none shorter
  // than kMinBatchSeconds unless that would leave a job idle.
  const double per_job = std::clamp(std::floor(total / (jobs * kMinBatchSeconds)), 1.0, 4.0);
  const double target = total / (per_job * jobs);
  for (auto& [group, members] : groups) {
    std::sort(members.begin(), members.end(),
              [&](std::size_t a, std::size_t b) { return tests[a].listed < tests[b].listed; });
    std::size_t fixed = size.tests;
    if (size.automatic && !have_history) {
      fixed = std::max<std::size_t>(1, (members.size() + 2 * jobs - 1) / (2 * jobs));
    } else if (size.automatic && target <= 0) {
      // Every test measured at 0 s (gtest reports whole milliseconds): a process costs more than
      // all of them together, so one batch per job. Sizing by time would put each test alone.
      fixed = std::max<std::size_t>(1, (members.size() + jobs - 1) / jobs);
    }
    // Automatic sizing cuts the group's short tests into pieces of equal time (a test belongs to
    // the piece its midpoint falls in), so no short batch is left over at the end of a group.
    double short_total = 0;
    for (std::size_t i : members) {
      if (seconds_of(i) < target) short_total += seconds_of(i);
    }
    const double pieces = target > 0 ? std::max(1.0, std::round(short_total / target)) : 1.0;
    const double piece_seconds = short_total / pieces;
    double before = 0;  // the short tests' time ahead of this one
    std::size_t piece = 0;
    Unit current;
    double current_seconds = 0;
    std::size_t filter_bytes = 0;
    auto close = [&] {
      if (current.members.empty()) return;
      bool all_known = true;
      for (std::size_t i : current.members) all_known = all_known && tests[i].seconds.has_value();
      if (all_known) current.seconds = current_seconds;
      units.push_back(std::move(current));
      current = {};
      current_seconds = 0;
      filter_bytes = 0;
    };
    for (std::size_t i : members) {
      const double seconds = seconds_of(i);
      const std::size_t bytes = tests[i].task.batch_member.size() + 1;
      if (fixed == 0 && seconds >= target) {  // automatic: a long test runs alone
        units.push_back({{i}, tests[i].seconds});
        continue;
      }
      bool full = false;
      if (fixed > 0) {
        full = current.members.size() >= fixed;
      } else {
        const double at = piece_seconds > 0 ? (before + seconds / 2) / piece_seconds : 0;
        const auto mine = static_cast<std::size_t>(std::min(pieces - 1, std::floor(at)));
        full = mine != piece;
        piece = mine;
        before += seconds;
      }
      if (!current.members.empty() && (full || filter_bytes + bytes > kMaxBatchFilterBytes)) {
        close();
      }
      current.members.push_back(i);
      current_seconds += seconds;
      filter_bytes += bytes;
    }
    close();
  }

  std::vector<std::optional<double>> unit_seconds;
  for (const auto& unit : units) unit_seconds.push_back(unit.seconds);
  std::vector<TaskSpec> ordered;
  ordered.reserve(tests.size());
  for (std::size_t u : longest_first(unit_seconds)) {
    const Unit& unit = units[u];
    const std::uint64_t batch = unit.members.size() > 1 ? next_batch++ : 0;
    for (std::size_t i : unit.members) {
      ordered.push_back(std::move(tests[i].task));
      ordered.back().batch = batch;
    }
  }
  return ordered;
}

}  // namespace procpool::plan
