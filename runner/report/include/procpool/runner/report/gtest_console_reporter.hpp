// What a GoogleTest user expects to read: a line per finished test ([       OK ], [  FAILED  ],
// ...), a failing test's whole output printed once, and gtest's closing summary with the
// failed, flaky and skipped lists (and, on request, the slowest tests).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "procpool/runner/report/status_line.hpp"

namespace procpool::report {

struct GtestConsoleOptions {
  bool progress = false;    // live status line (terminals only)
  std::size_t slowest = 0;  // --print-test-times: list this many slowest tests
  int out_fd = 1;
  int err_fd = 2;
};

class GtestConsoleReporter final : public Reporter {
 public:
  explicit GtestConsoleReporter(GtestConsoleOptions options)
      : options_(options), status_(options.err_fd, options.progress) {}

  void on_run_started(const RunStarted& event) override;
  void on_task_started(const TaskStarted& event) override;
  void on_task_slow(const TaskSlow& event) override;
  void on_task_retried(const TaskRetried& event) override;
  void on_task_finished(const TaskFinished& event) override;
  void on_run_cancelled(const RunCancelled& event) override;
  void on_run_finished(const RunFinished& event) override;
  void tick();

 private:
  struct Listed {
    std::string name;
    std::string binary;
    std::string detail;
  };
  void line(const std::string& text);  // to stdout, around the status line
  std::string label(const TaskSpec& spec) const;

  GtestConsoleOptions options_;
  StatusLine status_;
  std::size_t total_ = 0, done_ = 0, failed_count_ = 0;
  unsigned jobs_ = 0, running_ = 0;
  SteadyTime started_{};
  std::vector<Listed> failed_, flaky_, skipped_;
  std::vector<std::pair<double, std::string>> times_;
  std::set<std::string> binaries_;
};

}  // namespace procpool::report
