// GtestExecutor::start_batch: several tests of one binary in one process.
#include <boost/asio/steady_timer.hpp>

#include "procpool/adapters/gtest/batch_stream.hpp"
#include "procpool/adapters/gtest/gtest_executor.hpp"
#include "procpool/adapters/gtest/verdict.hpp"
#include "small_files.hpp"

namespace procpool::gtest {
namespace {

// The process's own deadline is off in a batch: time is kept per test here.
constexpr std::chrono::milliseconds kNoProcessDeadline = std::chrono::hours(24 * 365);
constexpr std::size_t kMessageTail = 4000;

std::string member_name(const schedule::Launch& member) { return member.spec->batch_member; }

// The batch's command: the first member's, with one filter naming every member (prepare() adds
// --gtest_color=no: the stream is read for gtest's markers).
TaskSpec batch_spec(const schedule::BatchLaunch& launch) {
  TaskSpec spec = *launch.members.front().spec;
  std::string filter = "--gtest_filter=";
  for (std::size_t i = 0; i < launch.members.size(); ++i) {
    if (i > 0) filter += ':';
    filter += member_name(launch.members[i]);
  }
  bool replaced = false;
  for (auto& arg : spec.argv) {
    if (arg.rfind("--gtest_filter=", 0) == 0) {
      arg = filter;
      replaced = true;
      break;
    }
  }
  if (!replaced) spec.argv.insert(spec.argv.begin() + 1, filter);
  spec.timeout = kNoProcessDeadline;
  spec.name = shell_join(spec.argv);
  return spec;
}

// A failed test's message when gtest's report is not there (the process died later): what it
// printed, without its own RUN and end lines.
std::string failure_text(const Capture& capture) {
  std::string text = capture.tail(kMessageTail);
  if (capture.size() > kMessageTail) text = "..." + text;
  std::string kept;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::string_view line(text.data() + at, end - at);
    if (line.rfind("[ RUN      ] ", 0) != 0 && line.rfind("[  FAILED  ] ", 0) != 0) kept += line;
    at = end;
  }
  return kept.empty() ? "failed (its output shows no reason)" : kept;
}

}  // namespace

// One running batch: its stream, its per-test timer, and what to tell the scheduler.
struct BatchRun {
  BatchRun(boost::asio::io_context& io, std::vector<std::string> names,
           schedule::BatchCallbacks callbacks)
      : names(std::move(names)),
        stream(this->names),
        timer(io),
        callbacks(std::move(callbacks)),
        began_wall(this->names.size()) {}

  std::vector<std::string> names;  // the members' names, as the program knows them
  BatchStream stream;
  boost::asio::steady_timer timer;
  schedule::BatchCallbacks callbacks;
  schedule::StopAttempt stop;
  std::vector<WallTime> began_wall;  // when each member's RUN line came
};

void GtestExecutor::start_batch(const schedule::BatchLaunch& launch,
                                schedule::BatchCallbacks callbacks) {
  std::vector<std::string> names;
  for (const auto& member : launch.members) names.push_back(member_name(member));
  auto run = std::make_shared<BatchRun>(io_, std::move(names), std::move(callbacks));

  const schedule::Launch& first = launch.members.front();
  const Files files = files_for(first.index, first.attempt, launch.slot);
  auto spec = std::make_unique<TaskSpec>(batch_spec(launch));
  prepare(*spec, files);
  // A batch's report names every member's failures when the process ends normally.
  spec->argv.insert(spec->argv.begin() + 1, "--gtest_output=json:" + files.result.string());
  const std::uint64_t id = next_id_++;
  schedule::Launch inner_launch = first;
  inner_launch.spec = spec.get();
  running_specs_.emplace(id, std::move(spec));

  const std::chrono::milliseconds timeout =
      first.spec->timeout.count() > 0 ? first.spec->timeout : options_.test_timeout;
  // Each test has `timeout` from its RUN line; the time before the first test and between tests
  // (global and suite set-up) has as much, so a hang there ends too.
  auto arm = [run, timeout] {
    if (timeout.count() <= 0) return;
    run->timer.expires_after(timeout);
    run->timer.async_wait([run](boost::system::error_code ec) {
      if (!ec && run->stop) run->stop(OutcomeKind::timed_out);
    });
  };

  schedule::AttemptCallbacks inner;
  inner.pending = run->callbacks.pending;
  inner.started = [run, arm](schedule::StopAttempt stop) {
    run->stop = std::move(stop);
    arm();
  };
  inner.output = [run, arm](int stream, std::string_view bytes) {
    if (stream == 2) {
      run->stream.feed_stderr(bytes);
      return;
    }
    for (const auto& event : run->stream.feed_stdout(bytes)) {
      arm();
      if (event.kind == BatchStream::Event::Kind::started) {
        run->began_wall[event.member] = std::chrono::system_clock::now();
        run->callbacks.member_started(event.member);
      }
    }
  };
  inner.done = [this, run, id, files](AttemptResult process) {
    running_specs_.erase(id);
    run->timer.cancel();
    run->stop = nullptr;
    const auto json = read_file_if_present(files.result);
    const bool premature = file_exists(files.premature);
    // Emptied before the scheduler hears of the end: it may start the next batch in this slot
    // (and so in this TEST_TMPDIR) at once. (Found on leveldb: the next batch's databases were
    // deleted under it.)
    clean_up(files);
    finish_batch(*run, process, json, premature);
  };
  inner_.start(inner_launch, std::move(inner));
}

void GtestExecutor::finish_batch(BatchRun& run, const AttemptResult& process,
                                 const std::optional<std::string>& json, bool premature_exit) {
  const auto now = BatchStream::Clock::now();
  run.stream.finish(now);
  const std::optional<std::size_t> running = run.stream.running();
  const Outcome& ended = process.outcome;
  // A normal end: the process exited by itself (not a signal, a timeout or a stop).
  const bool exited = ended.kind == OutcomeKind::passed || ended.kind == OutcomeKind::failed;
  std::optional<GtestReport> report;
  if (exited && json) report = GtestReport::parse(*json);
  const std::string code = "exit code " + std::to_string(ended.exit_code);

  std::vector<std::size_t> not_started;
  bool any_failed = false;
  std::vector<std::pair<std::size_t, AttemptResult>> results;
  for (std::size_t i = 0; i < run.names.size(); ++i) {
    std::optional<Outcome> from_report = report ? report->verdict(run.names[i]) : std::nullopt;
    if (!run.stream.started(i) && !from_report) {
      not_started.push_back(i);
      continue;
    }
    if (!run.stream.started(i)) {
      // It ran, says gtest's report, but its RUN line never showed (mangled by other output).
      run.began_wall[i] = process.started_at;
      run.callbacks.member_started(i);
    }
    AttemptResult result;
    result.pid = process.pid;
    result.started_at = run.began_wall[i];
    result.duration = run.stream.duration(i, now);
    result.out = run.stream.take_out(i);
    result.err = run.stream.take_err(i);
    Outcome& outcome = result.outcome;
    if (from_report) {
      outcome = *from_report;
      outcome.exit_code = outcome.kind == OutcomeKind::failed ? 1 : 0;
    } else if (run.stream.ended(i)) {
      outcome.kind = run.stream.verdict(i);
      if (outcome.kind == OutcomeKind::failed) {
        outcome.exit_code = 1;
        outcome.message = failure_text(*result.out);
      }
    } else if (!exited) {
      outcome = ended;  // crashed, timed out or stopped while it ran
      if (ended.kind == OutcomeKind::timed_out) outcome.message = "timed out (in a batch)";
    } else if (options_.exit_code_decides && ended.exit_code == 0) {
      outcome = ended;  // exit(0) inside the test: CTest calls that a pass
    } else {
      outcome = ended;
      outcome.kind = OutcomeKind::failed;
      outcome.message = premature_exit ? "exited early (" + code +
                                             ") before the test finished: did it call exit()?"
                                       : "the program ended (" + code + ") while the test ran";
    }
    add_skip_message(outcome, *result.out);
    if (report) result.properties = report->properties(run.names[i]);
    any_failed = any_failed || outcome.kind == OutcomeKind::failed;
    results.emplace_back(i, std::move(result));
  }
  // Every test passed, yet the program failed: a global set-up or tear-down failure, which alone
  // each of them would show too.
  const bool whole_batch_failed = exited && ended.exit_code != 0 && !any_failed;
  if (whole_batch_failed) {
    for (auto& [i, result] : results) {
      if (result.outcome.kind != OutcomeKind::passed) continue;
      result.outcome.kind = OutcomeKind::failed;
      result.outcome.exit_code = ended.exit_code;
      result.outcome.message = "the test passed but the program then failed (" + code +
                               "): a global set-up or tear-down failure?";
    }
  }
  for (auto& [i, result] : results) {
    run.callbacks.member_done(i, std::move(result), whole_batch_failed);
  }
  // The rest go back: as a batch again when a test took the blame for the end (crash split);
  // alone when nothing did (the batch died before or between tests, or the program skipped
  // them), so no batch can fail the same way for ever. A stopped run does not start them again.
  const bool blamed = running.has_value();
  const bool stopped = ended.kind == OutcomeKind::cancelled;
  run.callbacks.done(std::move(not_started), !blamed && !stopped);
}

}  // namespace procpool::gtest
