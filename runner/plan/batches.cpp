#include "procpool/runner/plan/batches.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>
#include <string_view>

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

// The GoogleTest suite a batch member belongs to ("Suite" of "Suite.Name", "Prefix/Suite" of
// "Prefix/Suite.Name/0"), for gtest's and CTest's batches alike.
std::string_view suite_of(const PlannedTest& test) {
  const std::string_view member = test.task.batch_member;
  return member.substr(0, member.find('.'));
}

// Makes `members` (in the program's order) into batches of at most `per_batch` tests (0: no
// limit), each filter within kMaxBatchFilterBytes.
void add_in_order(const std::vector<std::size_t>& members, std::size_t per_batch,
                  const std::vector<PlannedTest>& tests, std::vector<Unit>& units) {
  Unit current;
  std::size_t filter_bytes = 0;
  auto close = [&] {
    if (current.members.empty()) return;
    double seconds = 0;
    bool all_known = true;
    for (std::size_t i : current.members) {
      all_known = all_known && tests[i].seconds.has_value();
      seconds += tests[i].seconds.value_or(0);
    }
    if (all_known) current.seconds = seconds;
    units.push_back(std::move(current));
    current = {};
    filter_bytes = 0;
  };
  for (std::size_t i : members) {
    const std::size_t bytes = tests[i].task.batch_member.size() + 1;
    const bool full = per_batch > 0 && current.members.size() >= per_batch;
    if (!current.members.empty() && (full || filter_bytes + bytes > kMaxBatchFilterBytes)) {
      close();
    }
    current.members.push_back(i);
    filter_bytes += bytes;
  }
  close();
}

// Shares `members` (in the program's order, each shorter than `target`) out into pieces of
// about `target` seconds that end together. Whole suites move, longest first, each into the
// piece with the most room, so a suite's set-up runs once; a suite larger than that room is cut
// where the room ends (a test goes where its midpoint falls). Cutting the program's order into
// consecutive pieces instead left a suite's slow tests at its start in one piece (gtest_unittest:
// its death tests first, hundreds of fast tests after: one batch ended 20-40 ms after the other).
std::vector<std::vector<std::size_t>> share_out(const std::vector<std::size_t>& members,
                                                double target, const std::vector<double>& seconds,
                                                const std::vector<PlannedTest>& tests) {
  double total = 0;
  for (std::size_t i : members) total += seconds[i];
  const auto count = static_cast<std::size_t>(std::max(1.0, std::round(total / target)));
  const double each = total / static_cast<double>(count);

  struct SuiteRun {
    std::vector<std::size_t> members;
    double seconds = 0;
  };
  std::vector<SuiteRun> runs;
  for (std::size_t i : members) {
    if (runs.empty() || suite_of(tests[runs.back().members.back()]) != suite_of(tests[i])) {
      runs.emplace_back();
    }
    runs.back().members.push_back(i);
    runs.back().seconds += seconds[i];
  }
  std::stable_sort(runs.begin(), runs.end(),
                   [](const SuiteRun& a, const SuiteRun& b) { return a.seconds > b.seconds; });

  std::vector<std::vector<std::size_t>> pieces(count);
  std::vector<double> load(count, 0);
  for (const SuiteRun& run : runs) {
    double left = run.seconds;
    std::size_t next = 0;
    while (next < run.members.size()) {
      const auto emptiest =
          static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
      const double room = each - load[emptiest];
      std::size_t end = run.members.size();
      if (left > room * (1 + 1e-9)) {  // does not fit: up to where the room ends, one at least
        double taken = 0;
        end = next;
        while (end < run.members.size() && taken + seconds[run.members[end]] / 2 <= room) {
          taken += seconds[run.members[end++]];
        }
        end = std::max(end, next + 1);
      }
      for (; next < end; ++next) {
        pieces[emptiest].push_back(run.members[next]);
        load[emptiest] += seconds[run.members[next]];
        left -= seconds[run.members[next]];
      }
    }
  }
  for (auto& piece : pieces) {
    std::sort(piece.begin(), piece.end(),
              [&](std::size_t a, std::size_t b) { return tests[a].listed < tests[b].listed; });
  }
  return pieces;
}

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
  std::vector<double> predicted(tests.size());
  double total = 0;
  for (std::size_t i = 0; i < tests.size(); ++i) {
    predicted[i] = tests[i].seconds.value_or(mean);
    total += predicted[i];
  }

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
    if (fixed > 0) {
      add_in_order(members, fixed, tests, units);
      continue;
    }
    // Automatic sizing: a test as long as a batch runs alone; the others are shared out into
    // pieces of equal time.
    std::vector<std::size_t> short_ones;
    for (std::size_t i : members) {
      if (predicted[i] >= target) {
        units.push_back({{i}, tests[i].seconds});
      } else {
        short_ones.push_back(i);
      }
    }
    for (const auto& piece : share_out(short_ones, target, predicted, tests)) {
      add_in_order(piece, 0, tests, units);
    }
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
