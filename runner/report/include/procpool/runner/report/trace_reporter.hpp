// --trace FILE: where the time went, as Chrome's trace-event JSON (its "JSON Object Format"),
// which chrome://tracing, Perfetto (ui.perfetto.dev) and speedscope open. One track per slot
// ("slot 1" ... "slot N") holding a complete event ("ph": "X") per attempt: the test or task
// name, its verdict, the attempt number, its batch (and the command that ran the batch), and
// what kind of attempt it was (cat: "attempt", or "retry", "confirmation", "order-check",
// "rerun" after a TaskRetried). Track "run" holds the run itself and what came before it (the
// listing). A slot's idle time is the gap between its events; a process's start is inside its
// attempt's event, and for a batch in the gap before its first test. A batch's tests whose
// events arrive together are laid end to end, so a slot's events never overlap.
//
// Streamed: each event is written when its attempt ends (memory holds only the running ones),
// to a temporary file renamed into place when the run ends.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "procpool/runner/report/file_reporter.hpp"

namespace procpool::report {

// Something that happened before the run, shown on the "run" track (the listing).
struct TraceSpan {
  std::string name;
  SteadyTime start;
  SteadyTime end;
};

struct TraceOptions {
  std::string command;  // "procpool gtest", as the trace's process is named
  SteadyTime zero;      // time 0 of the trace: when the command began
  std::vector<TraceSpan> before;
};

class TraceReporter final : public FileReporter {
 public:
  TraceReporter(std::string path, TraceOptions options);
  ~TraceReporter() override;
  void on_run_started(const RunStarted& event) override;
  void on_task_started(const TaskStarted& event) override;
  void on_task_retried(const TaskRetried& event) override;
  void on_task_finished(const TaskFinished& event) override;
  void on_run_finished(const RunFinished& event) override;

 private:
  struct Running {
    SteadyTime start;
    unsigned slot = 0;
    unsigned attempt = 1;
    std::string kind = "attempt";  // what the previous attempt's retry made this one
  };
  void write_event(const std::string& json);
  void write_attempt(std::size_t index, const TaskSpec* spec, const Outcome& outcome,
                     const AttemptResult* result, SteadyTime end);
  long long micros(SteadyTime at) const;

  std::string path_;
  TraceOptions options_;
  std::unique_ptr<AtomicFile> file_;
  bool first_ = true;
  SteadyTime run_start_{};
  int run_track_ = 1;  // the tid of the run's own track: the one after the slots'
  std::map<std::size_t, Running> running_;
  std::map<std::size_t, std::string> next_kind_;  // set by a retry, for the next attempt
  std::map<unsigned, SteadyTime> slot_free_;      // where each slot's last event ended
};

}  // namespace procpool::report
