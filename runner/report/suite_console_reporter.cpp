#include "procpool/runner/report/suite_console_reporter.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "procpool/runner/report/report_names.hpp"

namespace procpool::report {
namespace {

std::string millis(std::chrono::nanoseconds d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

std::string plural(std::size_t n, const char* word, const char* words = nullptr) {
  if (n == 1) return "1 " + std::string(word);
  return std::to_string(n) + " " + (words ? std::string(words) : std::string(word) + "s");
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

std::string SuiteConsoleReporter::label(const TaskSpec& spec) const {
  std::string name = display_name(spec);
  if (spec.test && binaries_.size() > 1) {
    name += " (" + std::filesystem::path(spec.test->binary).filename().string() + ")";
  }
  return name;
}

namespace {

// gtest's colours for a line's "[ TAG ]": red for what failed, yellow for what needs a look,
// green for the rest; nullptr when the line has no tag.
const char* tag_color(const std::string& text) {
  if (text.size() < 12 || text[0] != '[' || text[11] != ']') return nullptr;
  const std::string tag = text.substr(1, 10);
  for (const char* red : {"FAILED", "CRASHED", "TIMEOUT", "ERROR", "NOT RUN", "ABORTED"}) {
    if (tag.find(red) != std::string::npos) return "\033[0;31m";
  }
  for (const char* yellow : {"SKIPPED", "FLAKY", "ORDERDEP", "DISABLED", "RETRY", "CONFIRM",
                             "RECHECK", "SLOW", "PENDING", "CANCELLED"}) {
    if (tag.find(yellow) != std::string::npos) return "\033[0;33m";
  }
  return "\033[0;32m";
}

}  // namespace

void SuiteConsoleReporter::defer_writes(std::function<void(std::function<void()>)> post) {
  if (!status_.enabled()) post_ = std::move(post);
}

void SuiteConsoleReporter::write_out(std::string text) {
  if (!post_) {
    write_all(options_.out_fd, text);
    return;
  }
  pending_ += text;
  constexpr std::size_t kMostPending = 64 * 1024;
  if (pending_.size() >= kMostPending) flush();
  if (pending_.empty() || flush_posted_) return;
  flush_posted_ = true;
  post_([this] {
    flush_posted_ = false;
    flush();
  });
}

void SuiteConsoleReporter::flush() {
  if (pending_.empty()) return;
  write_all(options_.out_fd, pending_);
  pending_.clear();
}

void SuiteConsoleReporter::line(const std::string& text) {
  status_.clear();
  const char* color = options_.color ? tag_color(text) : nullptr;
  if (!color) {
    write_out(text + "\n");
    return;
  }
  write_out(color + text.substr(0, 12) + "\033[m" + text.substr(12) + "\n");
}

void SuiteConsoleReporter::test_line(const std::string& text) {
  if (options_.merged_reports == 0) line(text);
}

void SuiteConsoleReporter::on_run_started(const RunStarted& event) {
  progress_.total = event.total_tasks;
  progress_.started = happened_at(event.at);
  jobs_ = event.jobs;
  if (options_.merged_reports > 0) {
    line("[==========] " + plural(progress_.total, "test") + " from " +
         plural(options_.merged_reports, "report") + ", merged.");
    return;
  }
  // As gtest's own header, disabled tests are not counted among those running.
  const std::size_t running = progress_.total - event.disabled_tasks;
  std::string how = "one process each";
  if (event.batches > 0) {
    const std::size_t alone = running - event.batched_tasks;
    how = "in " + plural(event.batches, "batch", "batches") +
          (alone > 0 ? " and " + plural(alone, "process", "processes") + " of one test" : "");
  }
  line("[==========] Running " + plural(running, "test") + ", " + std::to_string(jobs_) +
       " at a time, " + how + ".");
}

void SuiteConsoleReporter::on_task_started(const TaskStarted& event) {
  ++progress_.running;
  if (event.spec->test) binaries_.insert(event.spec->test->binary);
}

void SuiteConsoleReporter::on_task_slow(const TaskSlow& event) {
  line("[  SLOW    ] " + label(*event.spec) + " (running for " +
       std::to_string(event.elapsed.count() / 1000) + " s)");
}

void SuiteConsoleReporter::on_task_pending(const TaskPending& event) {
  test_line("[ PENDING  ] " + label(*event.spec) + " (" + event.reason + ")");
}

void SuiteConsoleReporter::on_task_retried(const TaskRetried& event) {
  --progress_.running;
  const Outcome& outcome = event.result->outcome;
  const std::string why = outcome.message.empty() ? describe(outcome) : headline(outcome.message);
  switch (event.why) {
    case TaskRetried::Why::confirm_alone:
      test_line("[ CONFIRM  ] " + label(*event.spec) + " (failed in a batch: " + why +
                "; running it alone)");
      return;
    case TaskRetried::Why::check_order:
      if (outcome.succeeded()) {
        test_line("[ RECHECK  ] " + label(*event.spec) +
                  " (failed in a batch, passed alone; running it again after the tests that "
                  "ran before it there)");
      }
      return;
    case TaskRetried::Why::rerun:
      return;  // its batch ended badly after it: the test to blame has its own line
    case TaskRetried::Why::retry:
      test_line("[  RETRY   ] " + label(*event.spec) + " (attempt " +
                std::to_string(event.failed_attempt) + ": " + why + ")");
      return;
  }
}

void SuiteConsoleReporter::show_output(ShowOutput when, const std::string& name,
                                       const AttemptResult& result) {
  if (options_.merged_reports > 0 || when == ShowOutput::never) return;
  if (when == ShowOutput::final) {
    held_.push_back({name, result.out, result.err});
    return;
  }
  status_.clear();
  flush();  // the lines before it first
  write_capture(options_.out_fd, *result.out);
  write_capture(options_.out_fd, *result.err);
}

void SuiteConsoleReporter::on_task_finished(const TaskFinished& event) {
  const AttemptResult& result = *event.result;
  const Outcome& outcome = result.outcome;
  const std::string name = label(*event.spec);
  const std::string time = " (" + millis(result.duration) + ")";
  const std::string leak = outcome.leaked ? " [LEAK: processes it left running were killed]" : "";
  const Verdict verdict = verdict_of(event);
  // Kept from starting by a halt: only the summary counts it.
  if (verdict == Verdict::not_run && outcome.kind != OutcomeKind::not_run) return;
  if (verdict == Verdict::disabled) {  // listed, as gtest's "YOU HAVE N DISABLED TESTS"
    disabled_.push_back({name, "", ""});
    test_line("[ DISABLED ] " + name);
    return;
  }
  if (event.attempts > 0) --progress_.running;
  ++progress_.done;
  times_.emplace_back(std::chrono::duration<double>(result.duration).count(), name);
  if (passing(verdict)) show_output(options_.success_output, name, result);

  switch (verdict) {
    case Verdict::flaky:
      flaky_.push_back({name, "", "passed on attempt " + std::to_string(event.attempts)});
      test_line("[  FLAKY   ] " + name + time + leak);
      return;
    case Verdict::passed:
      test_line("[       OK ] " + name + time + leak);
      return;
    case Verdict::order_dependent: {
      std::string after;
      for (const auto& before : *event.ran_before) after += (after.empty() ? "" : ", ") + before;
      const std::string detail = "failed in its batch" +
                                 (after.empty() ? std::string() : " after " + after) +
                                 ", passed alone, failed again after them";
      order_dependent_.push_back({name, "", detail});
      test_line("[ ORDERDEP ] " + name + time + leak + ": " + detail);
      return;
    }
    case Verdict::skipped:
      skipped_.push_back({name, "", ""});
      test_line("[  SKIPPED ] " + name + time);
      return;
    case Verdict::cancelled:  // stopped by Ctrl-C or a halt: no failure of its own
      cancelled_.push_back({name, "", ""});
      test_line("[ CANCELLED] " + name + time + leak);
      return;
    default:
      break;
  }
  // A failure: its whole output once, then why.
  ++progress_.failed;
  show_output(options_.failure_output, name, result);
  if (auto truncated = truncation_note(name, *result.out, *result.err); !truncated.empty()) {
    test_line(truncated);
  }
  std::string why;
  switch (verdict) {
    case Verdict::crashed:
      // The message says when (while the test ran, after it: in a tear-down?) when it is known.
      why = "crashed: " + (outcome.message.empty() ? describe(outcome) : outcome.message);
      break;
    case Verdict::timed_out:
      why = outcome.message.empty() ? "timed out" : outcome.message;
      break;
    case Verdict::aborted:
      why = describe(outcome);
      break;
    case Verdict::failed_to_start:
      why = outcome.error;
      break;
    case Verdict::not_run:
      why = "not run: " + outcome.message;
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
  if (!why.empty()) test_line("procpool: " + display_name(*event.spec) + ": " + why);
  const char* tag = verdict == Verdict::timed_out         ? "[  TIMEOUT ] "
                    : verdict == Verdict::aborted         ? "[  ABORTED ] "
                    : verdict == Verdict::crashed         ? "[  CRASHED ] "
                    : verdict == Verdict::failed_to_start ? "[  ERROR   ] "
                    : verdict == Verdict::not_run         ? "[  NOT RUN ] "
                                                          : "[  FAILED  ] ";
  test_line(tag + name + time + leak);
  failed_.push_back({name, "", why.empty() ? "" : first_line(why)});
}

void SuiteConsoleReporter::on_run_cancelled(const RunCancelled& event) {
  if (event.reason == CancelReason::halted)
    line("procpool: halting: no new tests will start");
  else if (event.immediate)
    line("procpool: killing running tests");
  else
    line("procpool: stopping running tests (signal again to kill them at once)");
}

void SuiteConsoleReporter::on_run_finished(const RunFinished& event) {
  const RunSummary& s = *event.summary;
  char wall[48];
  std::snprintf(wall, sizeof wall, "%.2f s total", std::chrono::duration<double>(s.wall).count());
  for (const auto& held : held_) {  // --failure-output/--success-output final
    line("[  OUTPUT  ] " + held.name);
    flush();
    write_capture(options_.out_fd, *held.out);
    write_capture(options_.out_fd, *held.err);
  }
  line("[==========] " + plural(progress_.done, "test") + " ran. (" + wall + ")");
  line("[  PASSED  ] " + plural(s.passed, "test") + ".");
  auto list = [&](const char* tag, const std::vector<Listed>& items) {
    if (items.empty()) return;
    line(std::string(tag) + plural(items.size(), "test") + ", listed below:");
    for (const auto& item : items) {
      line(tag + item.name + (item.detail.empty() ? "" : ": " + item.detail));
    }
  };
  list("[  SKIPPED ] ", skipped_);
  list("[ DISABLED ] ", disabled_);
  list("[  FLAKY   ] ", flaky_);
  list("[ ORDERDEP ] ", order_dependent_);
  list("[ CANCELLED] ", cancelled_);
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
  flush();  // the run's last words: no later turn of the loop is sure to come
}

}  // namespace procpool::report
