// --json FILE: one record per task (command, outcome, exit code or signal, start, duration,
// attempts), plus the run's summary. Written once, atomically, when the run ends, interrupted
// or not.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "procpool/runner/report/file_reporter.hpp"

namespace procpool::report {

class JsonReporter final : public FileReporter {
 public:
  // `log_dir`: where --log-dir puts test logs, so records can point at them ("" for none).
  explicit JsonReporter(std::string path, std::string log_dir = {})
      : path_(std::move(path)), log_dir_(std::move(log_dir)) {}
  void on_task_finished(const TaskFinished& event) override;
  void on_run_finished(const RunFinished& event) override;

  static nlohmann::json record(const TaskFinished& event, const std::string& log_dir = {});

 private:
  std::string path_;
  std::string log_dir_;
  std::vector<nlohmann::json> records_;  // in completion order; sorted by index when written
};

}  // namespace procpool::report
