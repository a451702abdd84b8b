#include "session.hpp"

#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <boost/asio/steady_timer.hpp>

#include "exit_codes.hpp"
#include "procpool/runner/process/orphans.hpp"
#include "stop_signals.hpp"

namespace procpool::cli {
namespace asio = boost::asio;

namespace {

void schedule_tick(asio::steady_timer& timer, const std::function<void()>& tick, const bool& done) {
  timer.expires_after(std::chrono::milliseconds(200));
  timer.async_wait([&timer, &tick, &done](boost::system::error_code ec) {
    if (ec || done) return;
    tick();
    schedule_tick(timer, tick, done);
  });
}

}  // namespace

SessionResult run_session(asio::io_context& io, schedule::Executor& executor,
                          const schedule::SchedulerConfig& config, std::vector<TaskSpec> tasks,
                          const SessionReporters& reporters, bool sweep) {
  return run_session(io, executor, config, std::make_unique<schedule::TaskVector>(std::move(tasks)),
                     reporters, sweep);
}

SessionResult run_session(asio::io_context& io, schedule::Executor& executor,
                          const schedule::SchedulerConfig& config,
                          std::unique_ptr<schedule::TaskList> tasks,
                          const SessionReporters& reporters, bool sweep,
                          std::function<void()>* abandon) {
  SessionResult result;
  schedule::Scheduler scheduler(executor, config, reporters.all);
  bool done = false;
  if (abandon) {
    *abandon = [&scheduler, &done] {
      if (!done) scheduler.cancel(CancelReason::terminated, /*immediate=*/true);
    };
  }

  StopSignals* signals = StopSignals::current();
  auto on_stop = [&](int signal, bool immediate) {
    result.signal = signal;
    scheduler.cancel(signal == SIGINT ? CancelReason::interrupted : CancelReason::terminated,
                     immediate);
  };
  if (signals) {
    // A signal that came before this phase (while tests were listed, say) stops the run before
    // it starts; the reports are still written.
    if (signals->first() != 0) on_stop(signals->first(), signals->immediate());
    signals->watch(io, on_stop);
  }

  asio::steady_timer tick_timer(io);
  if (reporters.tick) schedule_tick(tick_timer, reporters.tick, done);

  scheduler.start(std::move(tasks), [&](const RunSummary& summary) {
    done = true;
    result.summary = summary;
    if (signals) signals->unwatch();
    tick_timer.cancel();
  });
  io.run();
  if (abandon) *abandon = nullptr;

  if (sweep) sweep_orphans();
  for (report::FileReporter* file : reporters.files) {
    if (!file->error().empty()) result.report_errors.push_back(file->error());
  }
  return result;
}

void sweep_orphans() {
  // Everything a task started that left its session and its output (daemons) was reparented to
  // us, the subreaper, as its parents died: nothing may outlive the run.
  if (const std::size_t orphans = process::kill_and_reap_all_children(); orphans > 0) {
    std::fprintf(stderr,
                 "procpool: killed %zu process(es) that tasks left running outside their session\n",
                 orphans);
  }
}

int exit_code_for(const SessionResult& result) {
  // 130 for SIGINT, 143 for SIGTERM, 129 SIGHUP, 131 SIGQUIT, 137 when procpool was killed.
  if (result.signal != 0) return 128 + result.signal;
  if (!result.report_errors.empty()) return exit_usage;
  if (result.summary.failed > 0) return exit_task_failed;
  // Tasks stopped by a halt on success (--halt now,success=1) are not failures, as in parallel.
  const bool halted =
      result.summary.cancelled_run && result.summary.cancel_reason == CancelReason::halted;
  if (result.summary.cancelled > 0 && !halted) return exit_task_failed;
  return exit_ok;
}

bool want_color(const std::string& flag, int fd) {
  if (flag == "always") return true;
  if (flag == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");  // https://no-color.org: any non-empty value
  if (no_color && *no_color) return false;
  // gtest's own variable, as its users set it.
  if (const char* gtest = std::getenv("GTEST_COLOR")) {
    const std::string value = gtest;
    if (value == "yes" || value == "true" || value == "t" || value == "1") return true;
    if (value == "no" || value == "false" || value == "f" || value == "0") return false;
  }
  const char* term = std::getenv("TERM");
  return ::isatty(fd) && !(term && std::strcmp(term, "dumb") == 0);
}

bool want_progress(bool disabled_by_flag) {
  if (disabled_by_flag || !::isatty(STDERR_FILENO)) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  return !(term && std::strcmp(term, "dumb") == 0);
}

}  // namespace procpool::cli
