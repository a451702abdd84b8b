#include "procpool/runner/report/console_reporter.hpp"

#include <cstdio>

namespace procpool::report {
namespace {

std::string failure_note(const TaskFinished& event) {
  return "procpool: FAILED (" + describe(event.result->outcome) + "): " + event.spec->name;
}

}  // namespace

void ConsoleReporter::on_run_started(const RunStarted& event) {
  progress_.total = event.total_tasks;
  progress_.started = happened_at(event.at);
}

void ConsoleReporter::on_task_started(const TaskStarted&) { ++progress_.running; }

void ConsoleReporter::on_task_slow(const TaskSlow& event) {
  note("procpool: SLOW (running for " + std::to_string(event.elapsed.count() / 1000) +
       " s): " + event.spec->name);
}

void ConsoleReporter::on_task_pending(const TaskPending& event) {
  note("procpool: PENDING (" + event.reason + "): " + event.spec->name);
}

void ConsoleReporter::on_task_retried(const TaskRetried& event) {
  --progress_.running;
  note("procpool: RETRY (attempt " + std::to_string(event.failed_attempt) + " " +
       describe(event.result->outcome) + "): " + event.spec->name);
}

void ConsoleReporter::on_task_finished(const TaskFinished& event) {
  Block block;
  block.ran = event.attempts > 0;
  if (block.ran) {
    --progress_.running;
    ++progress_.done;
    block.out = event.result->out;
    block.err = event.result->err;
    if (options_.tag) {
      block.tag = (event.spec->tag.empty() ? event.spec->input : event.spec->tag) + "\t";
    }
    if (event.result->outcome.kind != OutcomeKind::passed) {
      ++progress_.failed;
      block.note = failure_note(event);
    } else if (event.result->outcome.leaked) {
      block.note = "procpool: LEAK (processes it left running were killed): " + event.spec->name;
    }
    const std::string truncated = truncation_note(event.spec->name, *block.out, *block.err);
    if (!truncated.empty()) block.note += (block.note.empty() ? "" : "\n") + truncated;
  }
  if (!options_.keep_order) {
    if (block.ran) print_block(block);
    return;
  }
  waiting_.emplace(event.index, std::move(block));
  for (auto it = waiting_.find(next_in_order_); it != waiting_.end();
       it = waiting_.find(next_in_order_)) {
    if (it->second.ran) print_block(it->second);
    waiting_.erase(it);
    ++next_in_order_;
  }
}

void ConsoleReporter::on_run_cancelled(const RunCancelled& event) {
  if (event.reason == CancelReason::halted) {
    note("procpool: halting: no new tasks will start");
  } else if (event.immediate) {
    note("procpool: killing running tasks");
  } else {
    note("procpool: stopping running tasks (signal again to kill them at once)");
  }
}

void ConsoleReporter::on_run_finished(const RunFinished& event) {
  for (auto& [index, block] : waiting_) {
    if (block.ran) print_block(block);
  }
  waiting_.clear();
  clear_status();
  const RunSummary& s = *event.summary;
  if (s.failed == 0 && s.cancelled == 0 && s.not_run == 0 && s.flaky == 0) return;
  char wall[32];
  std::snprintf(wall, sizeof wall, "%.2f s", std::chrono::duration<double>(s.wall).count());
  std::string line = "procpool: " + std::to_string(s.total) +
                     " tasks: " + std::to_string(s.passed) + " succeeded, " +
                     std::to_string(s.failed) + " failed";
  if (s.flaky) line += " (" + std::to_string(s.flaky) + " flaky among the succeeded)";
  if (s.cancelled) line += ", " + std::to_string(s.cancelled) + " cancelled";
  if (s.not_run) line += ", " + std::to_string(s.not_run) + " not run";
  line += " in " + std::string(wall);
  note(line);
}

void ConsoleReporter::print_block(const Block& block) {
  clear_status();
  write_capture(options_.out_fd, *block.out, block.tag);
  write_capture(options_.err_fd, *block.err, block.tag);
  if (!block.note.empty()) write_all(options_.err_fd, block.note + "\n");
}

void ConsoleReporter::note(const std::string& line) { status_.note(line); }

void ConsoleReporter::clear_status() { status_.clear(); }

}  // namespace procpool::report
