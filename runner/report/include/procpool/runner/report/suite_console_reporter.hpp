// What a GoogleTest user expects to read: a line per finished test ([       OK ], [  FAILED  ],
// ...), a failing test's whole output printed once, and gtest's closing summary with the
// failed, flaky and skipped lists (and, on request, the slowest tests).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "procpool/runner/report/status_line.hpp"

namespace procpool::report {

// When a test's output is shown (nextest's --failure-output / --success-output): as the test
// ends, all together at the end of the run, or not at all.
enum class ShowOutput { immediate, final, never };

struct SuiteConsoleOptions {
  bool progress = false;    // live status line (terminals only)
  std::size_t slowest = 0;  // --print-test-times: list this many slowest tests
  // `procpool merge`: the run is replayed from this many reports; say so, and print only the
  // summary (the shards' own logs have each test's lines).
  std::size_t merged_reports = 0;
  bool color = false;  // gtest's colours on the [ TAG ]s: green, red, yellow (--color)
  ShowOutput failure_output = ShowOutput::immediate;
  ShowOutput success_output = ShowOutput::never;
  int out_fd = 1;
  int err_fd = 2;
};

class SuiteConsoleReporter final : public LiveConsole {
 public:
  explicit SuiteConsoleReporter(SuiteConsoleOptions options)
      : LiveConsole(options.err_fd, options.progress), options_(options) {}

  void on_run_started(const RunStarted& event) override;
  void on_task_started(const TaskStarted& event) override;
  void on_task_slow(const TaskSlow& event) override;
  void on_task_pending(const TaskPending& event) override;
  void on_task_retried(const TaskRetried& event) override;
  void on_task_finished(const TaskFinished& event) override;
  void on_run_cancelled(const RunCancelled& event) override;
  void on_run_finished(const RunFinished& event) override;
  void defer_writes(std::function<void(std::function<void()>)> post) override;
  ~SuiteConsoleReporter() override { flush(); }
  SuiteConsoleReporter(const SuiteConsoleReporter&) = delete;
  SuiteConsoleReporter& operator=(const SuiteConsoleReporter&) = delete;

 private:
  struct Listed {
    std::string name;
    std::string binary;
    std::string detail;
  };
  void line(const std::string& text);       // to stdout, around the status line
  void test_line(const std::string& text);  // a line about one test: not in a merge's summary
  std::string label(const TaskSpec& spec) const;

  SuiteConsoleOptions options_;
  unsigned jobs_ = 0;
  std::vector<Listed> failed_, flaky_, skipped_, order_dependent_, disabled_, cancelled_;
  std::vector<std::pair<double, std::string>> times_;
  std::set<std::string> binaries_;
  // Output held for the end of the run (ShowOutput::final), in the order the tests ended.
  struct HeldOutput {
    std::string name;
    std::shared_ptr<const Capture> out, err;
  };
  std::vector<HeldOutput> held_;
  // Shows a finished test's output now, at the end or never, as `when` says.
  void show_output(ShowOutput when, const std::string& name, const AttemptResult& result);
  // Lines waiting for the end of the event loop's turn (defer_writes), and writing them. Each
  // line cost its own system call: 450 of them, a few ms, where a held run's console is released.
  void write_out(std::string text);
  void flush();
  std::function<void(std::function<void()>)> post_;
  std::string pending_;
  bool flush_posted_ = false;
};

}  // namespace procpool::report
