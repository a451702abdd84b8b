// --results DIR: each task that ran gets DIR/<seq>/stdout, DIR/<seq>/stderr and DIR/<seq>/cmd
// (seq = 1-based input position, as in the joblog), written atomically as the task finishes. A
// symbolic link planted at DIR/<seq> is refused, never written through.
#pragma once

#include <optional>
#include <string>

#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/report/file_reporter.hpp"

namespace procpool::report {

class ResultsDirReporter final : public FileReporter {
 public:
  explicit ResultsDirReporter(std::string dir) : dir_(std::move(dir)) {}
  void on_task_finished(const TaskFinished& event) override;

 private:
  std::string dir_;
};

}  // namespace procpool::report
