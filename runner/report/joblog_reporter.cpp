#include "procpool/runner/report/joblog_reporter.hpp"

#include <cstdio>

#include "procpool/runner/core/atomic_file.hpp"

namespace procpool::report {

const char* JoblogReporter::header() {
  return "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand";
}

std::string JoblogReporter::row(const TaskFinished& event) {
  const AttemptResult& result = *event.result;
  const Outcome& outcome = result.outcome;
  // GNU parallel's conventions: a signal leaves Exitval 0; a command that could not run is 127
  // (as from a shell); a job it stopped for a timeout has Exitval -1.
  int exitval = outcome.exit_code;
  if (outcome.kind == OutcomeKind::signalled) exitval = 0;
  if (outcome.kind == OutcomeKind::failed_to_start) exitval = 127;
  if (outcome.kind == OutcomeKind::timed_out || outcome.kind == OutcomeKind::cancelled)
    exitval = -1;
  char numbers[160];
  const std::size_t seq = event.spec->seq != 0 ? event.spec->seq : event.index + 1;
  std::snprintf(numbers, sizeof numbers, "%zu\t:\t%.3f\t%.3f\t0\t%zu\t%d\t%d\t", seq,
                epoch_seconds(result.started_at), seconds(result.duration), result.out->size(),
                exitval, outcome.signal);
  return numbers + event.spec->name;
}

void JoblogReporter::on_task_finished(const TaskFinished& event) {
  if (event.attempts == 0) return;  // never ran: GNU parallel logs only jobs that ran
  rows_ += row(event);
  rows_ += '\n';
}

void JoblogReporter::on_run_finished(const RunFinished&) {
  std::string content = earlier_.empty() ? std::string(header()) + "\n" : earlier_;
  if (content.back() != '\n') content += '\n';
  record_error(write_file_atomically(path_, content + rows_));
}

}  // namespace procpool::report
