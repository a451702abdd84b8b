#include "procpool/report/console_reporter.hpp"

#include <cerrno>
#include <cstdio>
#include <unistd.h>

namespace procpool {
namespace {

// Output errors (a closed pipe, say) must not stop the run; the runner ignores SIGPIPE.
void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Writes `capture` to `fd`, with `prefix` before every line when it is non-empty.
void write_capture(int fd, const Capture& capture, const std::string& prefix) {
  if (prefix.empty()) {
    capture.for_each_chunk([fd](std::string_view chunk) { write_all(fd, chunk); });
    return;
  }
  bool at_line_start = true;
  std::string tagged;
  capture.for_each_chunk([&](std::string_view chunk) {
    tagged.clear();
    for (char c : chunk) {
      if (at_line_start) tagged += prefix;
      tagged += c;
      at_line_start = c == '\n';
    }
    write_all(fd, tagged);
  });
}

std::string failure_note(const TaskFinished& event) {
  return "procpool: FAILED (" + describe(event.result->outcome) + "): " + event.spec->name;
}

}  // namespace

void ConsoleReporter::on_run_started(const RunStarted& event) {
  total_ = event.total_tasks;
  started_ = std::chrono::steady_clock::now();
}

void ConsoleReporter::on_task_started(const TaskStarted&) { ++running_; }

void ConsoleReporter::on_task_slow(const TaskSlow& event) {
  note("procpool: SLOW (running for " + std::to_string(event.elapsed.count() / 1000) +
       " s): " + event.spec->name);
}

void ConsoleReporter::on_task_retried(const TaskRetried& event) {
  --running_;
  note("procpool: RETRY (attempt " + std::to_string(event.failed_attempt) + " " +
       describe(event.result->outcome) + "): " + event.spec->name);
}

void ConsoleReporter::on_task_finished(const TaskFinished& event) {
  Block block;
  block.ran = event.attempts > 0;
  if (block.ran) {
    --running_;
    ++done_;
    block.out = event.result->out;
    block.err = event.result->err;
    if (options_.tag) block.tag = event.spec->input + "\t";
    if (event.result->outcome.kind != OutcomeKind::passed) {
      ++failed_;
      block.note = failure_note(event);
    } else if (event.result->outcome.leaked) {
      block.note = "procpool: LEAK (processes it left running were killed): " + event.spec->name;
    }
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
  std::string line = "procpool: " + std::to_string(s.total) + " tasks: " +
                     std::to_string(s.passed) + " succeeded, " + std::to_string(s.failed) +
                     " failed";
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

void ConsoleReporter::note(const std::string& line) {
  clear_status();
  write_all(options_.err_fd, line + "\n");
}

void ConsoleReporter::clear_status() {
  if (!status_shown_) return;
  write_all(options_.err_fd, "\r\x1b[2K");
  status_shown_ = false;
}

void ConsoleReporter::draw_status() {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  char line[160];
  std::snprintf(line, sizeof line, "\r\x1b[2K[%zu/%zu] %u running, %zu failed, %.1f s", done_,
                total_, running_, failed_, elapsed);
  write_all(options_.err_fd, line);
  status_shown_ = true;
}

void ConsoleReporter::tick() {
  if (options_.progress) draw_status();
}

}  // namespace procpool
