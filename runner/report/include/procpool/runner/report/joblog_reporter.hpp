// GNU parallel's --joblog: one tab-separated row per task that ran, in completion order, under
// the header Seq Host Starttime JobRuntime Send Receive Exitval Signal Command.
#pragma once

#include <string>

#include "procpool/runner/report/file_reporter.hpp"

namespace procpool::report {

class JoblogReporter final : public FileReporter {
 public:
  // `earlier`: a joblog's content to keep, header included, and add rows to (--resume runs).
  explicit JoblogReporter(std::string path, std::string earlier = {})
      : path_(std::move(path)), earlier_(std::move(earlier)) {}
  void on_task_finished(const TaskFinished& event) override;
  void on_run_finished(const RunFinished& event) override;

  // One row (without the newline), exposed for tests.
  static std::string row(const TaskFinished& event);
  static const char* header();

 private:
  std::string path_;
  std::string earlier_;
  std::string rows_;
};

}  // namespace procpool::report
