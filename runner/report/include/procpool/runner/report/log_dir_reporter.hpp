// --log-dir DIR: one log file per failed, crashed, timed-out or flaky test, at
// DIR/<binary>/<Suite.Name>.log (see test_log_path), holding every failed attempt's output.
// Output is streamed from the captures into the file, never held whole in memory, so a test
// printing gigabytes costs the runner little; a link planted in DIR is refused.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/report/file_reporter.hpp"

namespace procpool::report {

class LogDirReporter final : public FileReporter {
 public:
  explicit LogDirReporter(std::string dir) : dir_(std::move(dir)) {}
  void on_task_retried(const TaskRetried& event) override;
  void on_task_finished(const TaskFinished& event) override;

 private:
  struct Attempt {
    unsigned number = 0;
    AttemptResult result;  // its captures are shared, not copied
  };
  static void write_attempt(AtomicFile& file, const Attempt& attempt);
  std::string dir_;
  std::map<std::size_t, std::vector<Attempt>> earlier_attempts_;  // by task index
};

}  // namespace procpool::report
