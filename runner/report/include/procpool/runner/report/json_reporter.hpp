// --json FILE: one record per task (command, outcome, exit code or signal, start, duration,
// attempts; for a task that did not pass, its output and failed attempts too), the run's
// summary, and what the run was (command, shard, suite). Written once, atomically, when the run
// ends, interrupted or not. Complete enough that `procpool merge` rebuilds every other report
// (JUnit, the console summary, the history) from it.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "procpool/runner/report/file_reporter.hpp"
#include "procpool/runner/report/run_description.hpp"

namespace procpool::report {

class JsonReporter final : public FileReporter {
 public:
  // `log_dir`: where --log-dir puts test logs, so records can point at them ("" for none).
  explicit JsonReporter(std::string path, std::string log_dir = {}, RunDescription run = {})
      : path_(std::move(path)), log_dir_(std::move(log_dir)), run_(std::move(run)) {}
  void on_task_retried(const TaskRetried& event) override;
  void on_task_finished(const TaskFinished& event) override;
  void on_run_finished(const RunFinished& event) override;

  static nlohmann::json record(const TaskFinished& event, const std::string& log_dir = {});
  // The whole report: `run`, the summary, and `tasks` (records, in index order).
  static nlohmann::json document(const RunDescription& run, const RunSummary& summary,
                                 nlohmann::json::array_t tasks);
  // The report as written to the file.
  static std::string text(const nlohmann::json& document);

  // The most output a record keeps per stream (its end), as in JUnit.
  static constexpr std::size_t kMaxOutput = 1 << 20;

 private:
  std::string path_;
  std::string log_dir_;
  RunDescription run_;
  std::vector<nlohmann::json> records_;  // in completion order; sorted by index when written
  std::map<std::size_t, nlohmann::json> failed_attempts_;  // by task index, until it finishes
};

}  // namespace procpool::report
