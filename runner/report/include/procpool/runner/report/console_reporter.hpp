// What a person sees: each task's output as one unbroken block (stdout to stdout, stderr to
// stderr) in completion or input order, failure notes and a closing summary on stderr, and on a
// terminal a one-line live status that the blocks scroll past.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/report/status_line.hpp"

namespace procpool::report {

struct ConsoleOptions {
  bool keep_order = false;        // blocks in input order instead of completion order
  bool tag = false;               // prefix each output line with the task's input and a tab
  bool progress = false;          // live status line on stderr (only on a terminal)
  bool progress_in_place = true;  // redraw one line (a terminal); else a line per change
  Progress::Style progress_style = Progress::Style::counts;
  int out_fd = 1;
  int err_fd = 2;
};

class ConsoleReporter final : public LiveConsole {
 public:
  explicit ConsoleReporter(ConsoleOptions options)
      : LiveConsole(options.err_fd, options.progress, options.progress_in_place,
                    options.progress_style),
        options_(options) {}

  void on_run_started(const RunStarted& event) override;
  void on_task_started(const TaskStarted& event) override;
  void on_task_slow(const TaskSlow& event) override;
  void on_task_pending(const TaskPending& event) override;
  void on_task_retried(const TaskRetried& event) override;
  void on_task_finished(const TaskFinished& event) override;
  void on_run_cancelled(const RunCancelled& event) override;
  void on_run_finished(const RunFinished& event) override;

 private:
  struct Block {
    std::shared_ptr<const Capture> out;
    std::shared_ptr<const Capture> err;
    std::string tag;
    std::string note;  // failure note printed after the block, empty for a success
    bool ran = false;
  };

  void print_block(const Block& block);
  void note(const std::string& line);  // one line on stderr, around the status line
  void clear_status();

  ConsoleOptions options_;
  std::map<std::size_t, Block> waiting_;  // --keep-order: finished, waiting for earlier tasks
  std::size_t next_in_order_ = 0;
};

}  // namespace procpool::report
