#include "procpool/runner/merge/merge.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "procpool/runner/core/verdict.hpp"
#include "procpool/runner/core/wall_time.hpp"
#include "procpool/runner/plan/suite_plan.hpp"

namespace procpool::merge {
namespace {

std::string shard_text(const ShardReport& report) {
  return std::to_string(report.shard.index) + "/" + std::to_string(report.shard.total);
}

// "a.json, b.json"
std::string paths(const std::vector<const ShardReport*>& reports) {
  std::string text;
  for (const auto* report : reports) text += (text.empty() ? "" : ", ") + report->path;
  return text;
}

// Problems where all reports must agree on one value (a version, a command, a shard count).
template <typename Value>
void check_same(const std::vector<ShardReport>& reports, const std::string& what,
                Value (*value_of)(const ShardReport&), std::vector<std::string>& problems) {
  std::map<Value, std::vector<const ShardReport*>> by_value;
  for (const auto& report : reports) by_value[value_of(report)].push_back(&report);
  if (by_value.size() < 2) return;
  std::string text = "the reports are of different " + what + ":";
  for (const auto& [value, group] : by_value) {
    std::ostringstream v;
    v << value;
    text += " " + (v.str().empty() ? std::string("(none)") : v.str()) + " in " + paths(group) + ";";
  }
  text.back() = '.';
  problems.push_back(text);
}

}  // namespace

std::vector<std::string> check_shards(const std::vector<ShardReport>& reports) {
  std::vector<std::string> problems;
  if (reports.empty()) return {"no reports to merge"};
  for (const auto& report : reports) {
    if (!report.described) {
      problems.push_back(report.path +
                         " does not say which command and shard it is of (written by an older "
                         "procpool): it cannot be checked against the others");
    }
  }
  check_same<std::string>(
      reports, "procpool versions", [](const ShardReport& r) { return r.procpool_version; },
      problems);
  check_same<std::string>(
      reports, "commands", [](const ShardReport& r) { return r.command; }, problems);
  check_same<std::size_t>(
      reports, "shard counts (N of K/N)", [](const ShardReport& r) { return r.shard.total; },
      problems);
  check_same<std::string>(
      reports, "shard methods (partitioned by another history?)",
      [](const ShardReport& r) { return r.shard_method; }, problems);
  check_same<std::string>(
      reports, "suites (the test lists differ: other binaries, filters or builds)",
      [](const ShardReport& r) { return r.suite_fingerprint; }, problems);

  // Each shard once, and all of them.
  std::map<std::size_t, std::vector<const ShardReport*>> by_index;
  std::size_t total = 0;
  for (const auto& report : reports) {
    by_index[report.shard.index].push_back(&report);
    total = std::max(total, report.shard.total);
  }
  for (const auto& [index, group] : by_index) {
    if (group.size() > 1) {
      problems.push_back("shard " + shard_text(*group.front()) +
                         " is given twice: " + paths(group));
    }
  }
  std::vector<std::string> missing;
  for (std::size_t k = 1; k <= total; ++k) {
    if (!by_index.count(k)) missing.push_back(std::to_string(k) + "/" + std::to_string(total));
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    problems.push_back(std::string(missing.size() == 1 ? "shard " : "shards ") + list +
                       (missing.size() == 1 ? " is" : " are") + " missing");
  }

  // Each test in one shard; together, the whole suite.
  std::map<std::string, const ShardReport*> owner;
  std::vector<std::string> twice;
  std::size_t twice_count = 0;
  for (const auto& report : reports) {
    for (const auto& id : report.selected) {
      auto [it, inserted] = owner.emplace(id, &report);
      if (inserted || it->second == &report) continue;
      if (++twice_count <= 5)
        twice.push_back(id + " (" + it->second->path + ", " + report.path + ")");
    }
  }
  if (twice_count > 0) {
    std::string text = std::to_string(twice_count) +
                       (twice_count == 1 ? " test is" : " tests are") +
                       " in two shards (partitioned by different histories?):";
    for (const auto& t : twice) text += " " + t + ";";
    if (twice_count > twice.size())
      text += " and " + std::to_string(twice_count - twice.size()) + " more;";
    text.back() = '.';
    problems.push_back(text);
  }
  const auto& first = reports.front();
  if (missing.empty() && first.suite_tests && !first.suite_fingerprint.empty()) {
    std::vector<std::string> all;
    for (const auto& [id, report] : owner) all.push_back(id);
    if (all.size() < *first.suite_tests) {
      problems.push_back(std::to_string(*first.suite_tests - all.size()) + " of the suite's " +
                         std::to_string(*first.suite_tests) +
                         " tests are in no shard (partitioned by different histories?)");
    } else if (all.size() == *first.suite_tests &&
               plan::suite_fingerprint(all) != first.suite_fingerprint) {
      problems.push_back("the shards' tests are not the suite's tests");
    }
  }
  return problems;
}

MergedRun merge_reports(std::vector<ShardReport>& reports) {
  MergedRun run;
  std::set<std::pair<std::string, std::string>> every_shard_entries;
  std::set<std::string> owners;
  for (const auto& report : reports) {
    if (report.described) owners.insert(report.selected.begin(), report.selected.end());
  }
  for (auto& report : reports) {
    const std::set<std::string> selected(report.selected.begin(), report.selected.end());
    for (auto& task : report.tasks) {
      // A test the plan gave this shard is its own; anything else (a program whose tests could
      // not be listed fails in every shard) is kept once.
      const bool own = !report.described || report.selected.empty() ||
                       (task.spec.test && selected.count(plan::history_id(*task.spec.test)));
      // A test another shard owns, run here too for this shard's tests (a CTest fixture's
      // setup or cleanup): the owner's record stands.
      if (!own && task.spec.test && owners.count(plan::history_id(*task.spec.test))) continue;
      if (!own && !every_shard_entries
                       .emplace(task.spec.name, task.last.outcome.error + task.last.outcome.message)
                       .second) {
        continue;
      }
      run.tasks.push_back(&task);
    }
    run.summary.wall = std::max(run.summary.wall, report.wall);
    if (report.interrupted || report.halted) {
      run.summary.cancelled_run = true;
      run.summary.cancel_reason =
          report.interrupted ? CancelReason::interrupted : CancelReason::halted;
    }
  }
  run.summary.total = run.tasks.size();
  for (const ReplayedTask* task : run.tasks) {
    TaskFinished finished{0, &task->spec, task->attempts, task->flaky, &task->last};
    finished.order_dependent = task->order_dependent;
    count_finished(run.summary, finished);
    for (const auto& attempt : task->failed_attempts) {
      run.summary.retries += attempt.why == TaskRetried::Why::retry;
    }
  }
  return run;
}

nlohmann::json::array_t take_records(MergedRun& run) {
  nlohmann::json::array_t records;
  records.reserve(run.tasks.size());
  for (std::size_t index = 0; index < run.tasks.size(); ++index) {
    records.push_back(std::move(run.tasks[index]->record));
    records.back()["index"] = index;
  }
  return records;
}

void replay(const MergedRun& run, const std::vector<Reporter*>& reporters) {
  for (Reporter* r : reporters) r->on_run_started(RunStarted{run.tasks.size(), 0});
  for (std::size_t index = 0; index < run.tasks.size(); ++index) {
    const ReplayedTask& task = *run.tasks[index];
    unsigned attempt = 1;
    if (task.attempts > 0) {
      for (Reporter* r : reporters) r->on_task_started(TaskStarted{index, &task.spec, attempt, 1});
    }
    for (const auto& failed : task.failed_attempts) {
      for (Reporter* r : reporters) {
        TaskRetried retried{index, &task.spec, attempt, &failed.result};
        retried.why = failed.why;
        r->on_task_retried(retried);
      }
      ++attempt;
    }
    TaskFinished finished{index, &task.spec, task.attempts, task.flaky, &task.last};
    finished.order_dependent = task.order_dependent;
    finished.ran_before = &task.ran_before;
    for (Reporter* r : reporters) r->on_task_finished(finished);
  }
  for (Reporter* r : reporters) r->on_run_finished(RunFinished{&run.summary});
}

plan::DurationHistory measured_history(const std::vector<ShardReport>& reports) {
  plan::DurationHistory history;
  for (const auto& report : reports) {
    for (const auto& task : report.tasks) {
      if (!task.spec.test || !plan::worth_remembering(task.last.outcome.kind, task.attempts)) {
        continue;
      }
      // The newest wins, also between repeats of one test.
      history.record_if_newer(
          plan::history_id(*task.spec.test),
          {seconds(task.last.duration), std::string(to_string(task.last.outcome.kind)),
           iso8601_utc(task.last.started_at)});
    }
  }
  return history;
}

}  // namespace procpool::merge
