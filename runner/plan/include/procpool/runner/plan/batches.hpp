// Grouping a run's tests into batches (`--batch SIZE|auto`): several tests of one program in one
// process. Only tests a source marked batchable (TaskSpec::batch_group) are grouped, only with
// tests of the same group, and inside a batch in the program's own order (gtest runs a filter's
// tests in registration order whatever the filter's order).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "procpool/runner/core/result.hpp"
#include "procpool/runner/core/task.hpp"

namespace procpool::plan {

struct BatchSize {
  bool automatic = false;  // sized from the history so every worker stays busy to the end
  std::size_t tests = 0;   // a fixed number of tests per batch; 0 with !automatic: no batches
  bool enabled() const { return automatic || tests > 0; }
};

// "" (no batches), "auto", or a positive number of tests.
Result<BatchSize> parse_batch_size(const std::string& text);

// The longest --gtest_filter one batch gets: Linux refuses a single argument over 128 KiB.
inline constexpr std::size_t kMaxBatchFilterBytes = 100 * 1024;
// With history, a batch aims at no less than this: a process costs ~20 ms to start here, so a
// shorter batch would spend more on its process than on its tests.
inline constexpr double kMinBatchSeconds = 0.2;

struct PlannedTest {
  TaskSpec task;
  std::size_t listed = 0;         // position in the source's list: the program's order
  std::optional<double> seconds;  // from the history
};

// Puts `tests` (one round of the plan) into batches and returns them in the order to start:
// units (a batch, or a test alone) longest first, those without history first. Batch ids come
// from `next_batch` (and advance it); a test alone keeps batch 0, as does a batch of one.
// Automatic sizing: the predicted time of all tests over 1 to 4 batches per job (no batch shorter
// than kMinBatchSeconds unless that would leave a job idle); a test as long as a batch runs alone,
// and each group's other tests are shared out into pieces of equal time, whole suites longest
// first (a suite is cut only where a piece is full).
// Without history, each group is cut into 2 batches per job; with every known test at 0 s, 1.
std::vector<TaskSpec> form_batches(std::vector<PlannedTest> tests, BatchSize size, unsigned jobs,
                                   std::uint64_t& next_batch);

}  // namespace procpool::plan
