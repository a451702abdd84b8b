#include "session.hpp"

#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "exit_codes.hpp"
#include "procpool/runner/process/orphans.hpp"

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
  SessionResult result;
  schedule::Scheduler scheduler(executor, config, reporters.all);
  bool done = false;

  asio::signal_set signals(io, SIGINT, SIGTERM);
  std::function<void()> wait_for_signal = [&] {
    signals.async_wait([&](boost::system::error_code ec, int signal) {
      if (ec) return;
      const bool second = result.signal != 0;
      if (!second) result.signal = signal;
      scheduler.cancel(signal == SIGINT ? CancelReason::interrupted : CancelReason::terminated,
                       /*immediate=*/second);
      wait_for_signal();
    });
  };
  wait_for_signal();

  asio::steady_timer tick_timer(io);
  if (reporters.tick) schedule_tick(tick_timer, reporters.tick, done);

  scheduler.start(std::move(tasks), [&](const RunSummary& summary) {
    done = true;
    result.summary = summary;
    boost::system::error_code ignored;
    signals.cancel(ignored);
    tick_timer.cancel();
  });
  io.run();

  if (sweep) sweep_orphans();
  for (report::FileReporter* file : reporters.files) {
    if (!file->error().empty()) result.report_errors.push_back(file->error());
  }
  return result;
}

void sweep_orphans() {
  // Everything a task started that escaped its process group (setsid daemons, double forks)
  // was reparented to us, the subreaper: nothing may outlive the run.
  if (const std::size_t orphans = process::kill_and_reap_all_children(); orphans > 0) {
    std::fprintf(
        stderr,
        "procpool: killed %zu process(es) that tasks left running outside their process group\n",
        orphans);
  }
}

int exit_code_for(const SessionResult& result) {
  if (result.signal == SIGINT) return exit_interrupted;
  if (result.signal == SIGTERM) return exit_terminated;
  if (!result.report_errors.empty()) return exit_usage;
  if (result.summary.failed > 0) return exit_task_failed;
  // Tasks stopped by a halt on success (--halt now,success=1) are not failures, as in parallel.
  const bool halted =
      result.summary.cancelled_run && result.summary.cancel_reason == CancelReason::halted;
  if (result.summary.cancelled > 0 && !halted) return exit_task_failed;
  return exit_ok;
}

bool want_progress(bool disabled_by_flag) {
  if (disabled_by_flag || !::isatty(STDERR_FILENO)) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  return !(term && std::strcmp(term, "dumb") == 0);
}

}  // namespace procpool::cli
