// --log-dir DIR: one log file per failed, crashed, timed-out or flaky test, at
// DIR/<binary>/<Suite.Name>.log (see test_log_path), holding every failed attempt's output.
#pragma once

#include <map>
#include <string>

#include "procpool/runner/report/file_reporter.hpp"

namespace procpool::report {

class LogDirReporter final : public FileReporter {
 public:
  explicit LogDirReporter(std::string dir) : dir_(std::move(dir)) {}
  void on_task_retried(const TaskRetried& event) override;
  void on_task_finished(const TaskFinished& event) override;

 private:
  static std::string attempt_text(unsigned attempt, const AttemptResult& result);
  std::string dir_;
  std::map<std::size_t, std::string> earlier_attempts_;  // by task index
};

}  // namespace procpool::report
