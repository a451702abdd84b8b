#include "procpool/runner/report/gtest_console_reporter.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "procpool/runner/report/test_names.hpp"

namespace procpool::report {
namespace {

std::string millis(std::chrono::nanoseconds d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

std::string GtestConsoleReporter::label(const TaskSpec& spec) const {
  std::string name = display_name(spec);
  if (spec.test && binaries_.size() > 1) {
    name += " (" + std::filesystem::path(spec.test->binary).filename().string() + ")";
  }
  return name;
}

void GtestConsoleReporter::line(const std::string& text) {
  status_.clear();
  write_all(options_.out_fd, text + "\n");
}

void GtestConsoleReporter::on_run_started(const RunStarted& event) {
  total_ = event.total_tasks;
  jobs_ = event.jobs;
  started_ = std::chrono::steady_clock::now();
  line("[==========] Running " + plural(total_, "test") + ", " + std::to_string(jobs_) +
       " at a time, one process each.");
}

void GtestConsoleReporter::on_task_started(const TaskStarted& event) {
  ++running_;
  if (event.spec->test) binaries_.insert(event.spec->test->binary);
}

void GtestConsoleReporter::on_task_slow(const TaskSlow& event) {
  line("[  SLOW    ] " + label(*event.spec) + " (running for " +
       std::to_string(event.elapsed.count() / 1000) + " s)");
}

void GtestConsoleReporter::on_task_retried(const TaskRetried& event) {
  --running_;
  const Outcome& outcome = event.result->outcome;
  line("[  RETRY   ] " + label(*event.spec) + " (attempt " + std::to_string(event.failed_attempt) +
       ": " + (outcome.message.empty() ? describe(outcome) : headline(outcome.message)) + ")");
}

void GtestConsoleReporter::on_task_finished(const TaskFinished& event) {
  const AttemptResult& result = *event.result;
  const Outcome& outcome = result.outcome;
  const std::string name = label(*event.spec);
  const std::string time = " (" + millis(result.duration) + ")";
  const std::string leak = outcome.leaked ? " [LEAK: processes it left running were killed]" : "";
  if (event.attempts == 0) return;  // never ran: only the summary counts it
  --running_;
  ++done_;
  times_.emplace_back(std::chrono::duration<double>(result.duration).count(), name);

  if (event.flaky) {
    flaky_.push_back({name, "", "passed on attempt " + std::to_string(event.attempts)});
    line("[  FLAKY   ] " + name + time + leak);
    return;
  }
  switch (outcome.kind) {
    case OutcomeKind::passed:
      line("[       OK ] " + name + time + leak);
      return;
    case OutcomeKind::skipped:
      skipped_.push_back({name, "", ""});
      line("[  SKIPPED ] " + name + time);
      return;
    default:
      break;
  }
  // A failure: its whole output once, then why.
  ++failed_count_;
  status_.clear();
  write_capture(options_.out_fd, *result.out);
  write_capture(options_.out_fd, *result.err);
  if (auto truncated = truncation_note(name, *result.out, *result.err); !truncated.empty()) {
    line(truncated);
  }
  std::string why;
  switch (outcome.kind) {
    case OutcomeKind::signalled:
      why = "crashed: " + describe(outcome);
      break;
    case OutcomeKind::timed_out:
      why = "timed out";
      break;
    case OutcomeKind::failed_to_start:
      why = outcome.error;
      break;
    case OutcomeKind::cancelled:
      why = "cancelled";
      break;
    default: {
      // gtest already printed assertion failures; say only what its output cannot.
      const std::string output = result.out->tail(1 << 16);
      if (!outcome.message.empty() &&
          output.find(first_line(outcome.message)) == std::string::npos) {
        why = outcome.message;
      }
    }
  }
  if (!why.empty()) line("procpool: " + display_name(*event.spec) + ": " + why);
  const char* tag = outcome.kind == OutcomeKind::timed_out         ? "[  TIMEOUT ] "
                    : outcome.kind == OutcomeKind::signalled       ? "[  CRASHED ] "
                    : outcome.kind == OutcomeKind::failed_to_start ? "[  ERROR   ] "
                                                                   : "[  FAILED  ] ";
  line(tag + name + time + leak);
  failed_.push_back({name, "", why.empty() ? "" : first_line(why)});
}

void GtestConsoleReporter::on_run_cancelled(const RunCancelled& event) {
  if (event.reason == CancelReason::halted)
    line("procpool: halting: no new tests will start");
  else if (event.immediate)
    line("procpool: killing running tests");
  else
    line("procpool: stopping running tests (signal again to kill them at once)");
}

void GtestConsoleReporter::on_run_finished(const RunFinished& event) {
  const RunSummary& s = *event.summary;
  char wall[48];
  std::snprintf(wall, sizeof wall, "%.2f s total", std::chrono::duration<double>(s.wall).count());
  line("[==========] " + plural(done_, "test") + " ran. (" + wall + ")");
  line("[  PASSED  ] " + plural(s.passed, "test") + ".");
  auto list = [&](const char* tag, const std::vector<Listed>& items) {
    if (items.empty()) return;
    line(std::string(tag) + plural(items.size(), "test") + ", listed below:");
    for (const auto& item : items) {
      line(tag + item.name + (item.detail.empty() ? "" : ": " + item.detail));
    }
  };
  list("[  SKIPPED ] ", skipped_);
  list("[  FLAKY   ] ", flaky_);
  list("[  FAILED  ] ", failed_);
  if (s.not_run > 0) line("[  NOT RUN ] " + plural(s.not_run, "test") + " (the run was stopped)");
  if (options_.slowest > 0 && !times_.empty()) {
    std::sort(times_.begin(), times_.end(), [](auto& a, auto& b) { return a.first > b.first; });
    line("[  SLOWEST ] " + std::to_string(std::min(options_.slowest, times_.size())) +
         " slowest tests:");
    for (std::size_t i = 0; i < times_.size() && i < options_.slowest; ++i) {
      char text[64];
      std::snprintf(text, sizeof text, "[  SLOWEST ] %9.3f s  ", times_[i].first);
      line(text + times_[i].second);
    }
  }
  if (!failed_.empty())
    line("\n " + std::to_string(failed_.size()) + " FAILED TEST" +
         (failed_.size() == 1 ? "" : "S"));
}

void GtestConsoleReporter::tick() {
  status_.draw(progress_text(done_, total_, running_, failed_count_, started_));
}

}  // namespace procpool::report
