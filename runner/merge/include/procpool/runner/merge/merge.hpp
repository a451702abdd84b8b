// `procpool merge`: the reports of a run's shards made into the reports of one run. First the
// checks a CI user cannot make by eye (a shard missing or given twice, shards of different
// counts, methods or suites, a test in two shards), then one task list and a recomputed
// summary, replayed into the same reporters a single run writes with, and one history.
#pragma once

#include <string>
#include <vector>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/merge/shard_report.hpp"
#include "procpool/runner/plan/history.hpp"

namespace procpool::merge {

// Every reason the reports are not the complete, consistent shards of one run, one sentence
// each naming the files. Empty: they are.
std::vector<std::string> check_shards(const std::vector<ShardReport>& reports);

struct MergedRun {
  std::vector<ReplayedTask*> tasks;  // every task once, shard by shard
  RunSummary summary;                // recomputed from the tasks
};

// The tasks of all reports, each once: a test in its shard's report; an entry that every
// shard runs (a test program that could not list its tests) only the first time it appears.
// The wall time is the longest shard's (shards run side by side). `reports` must outlive it.
MergedRun merge_reports(std::vector<ShardReport>& reports);

// The tasks' records renumbered in merged order, taken out of the tasks (call it last).
nlohmann::json::array_t take_records(MergedRun& run);

// Hands the merged tasks to `reporters` as a run's events: RunStarted, then per task its
// TaskStarted, TaskRetried for each failed attempt and TaskFinished, then RunFinished.
void replay(const MergedRun& run, const std::vector<Reporter*>& reporters);

// The measurements the reports carry, as a history (what each shard's run would have recorded).
plan::DurationHistory measured_history(const std::vector<ShardReport>& reports);

}  // namespace procpool::merge
