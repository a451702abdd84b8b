// GNU parallel's --joblog: one tab-separated row per task that ran, in completion order, under
// the header Seq Host Starttime JobRuntime Send Receive Exitval Signal Command.
#pragma once

#include <string>

#include "procpool/runner/report/file_reporter.hpp"

namespace procpool::report {

class JoblogReporter final : public FileReporter {
 public:
  explicit JoblogReporter(std::string path) : path_(std::move(path)) {}
  void on_task_finished(const TaskFinished& event) override;
  void on_run_finished(const RunFinished& event) override;

  // One row (without the newline), exposed for tests.
  static std::string row(const TaskFinished& event);
  static const char* header();

 private:
  std::string path_;
  std::string rows_;
};

}  // namespace procpool::report
