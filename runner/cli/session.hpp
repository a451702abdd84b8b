// One run as every subcommand performs it: the scheduler on an executor, the stop signals
// (SIGINT, SIGTERM, SIGHUP, SIGQUIT, and SIGUSR2 from the supervisor; read from a signalfd by
// StopSignals, stop_signals.hpp, never by a handler) turned into cancellation (the second one
// kills at once), the live status tick, and at the end the sweep that kills and reaps anything
// tasks left behind. What the process does to signals at start (SIGPIPE ignored, SIGCHLD back to
// its default, the signalfd's mask) is app.cpp's and stop_signals.cpp's.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/report/file_reporter.hpp"
#include "procpool/runner/schedule/executor.hpp"
#include "procpool/runner/schedule/scheduler.hpp"

namespace procpool::cli {

struct SessionReporters {
  std::vector<Reporter*> all;                // every consumer of events, in call order
  std::vector<report::FileReporter*> files;  // those whose write errors must fail the run
  std::function<void()> tick;                // redraws a live status line; may be empty
};

struct SessionResult {
  RunSummary summary;
  int signal = 0;  // the signal that cancelled the run (SIGINT, SIGTERM, SIGHUP, SIGQUIT), or 0
  std::vector<std::string> report_errors;
};

// `sweep_orphans`: kill and reap whatever children remain when the run ends. A caller whose
// executor keeps child processes of its own (a Pool's workers) passes false and sweeps after
// shutting the executor down, or the sweep would kill workers the pool then replaces.
// `abandon`, when given, is set to a function that stops the run at once (its tasks killed), for
// a run found to be the wrong one while it goes on; it is valid while the session runs.
SessionResult run_session(boost::asio::io_context& io, schedule::Executor& executor,
                          const schedule::SchedulerConfig& config,
                          std::unique_ptr<schedule::TaskList> tasks,
                          const SessionReporters& reporters, bool sweep_orphans = true,
                          std::function<void()>* abandon = nullptr);
SessionResult run_session(boost::asio::io_context& io, schedule::Executor& executor,
                          const schedule::SchedulerConfig& config, std::vector<TaskSpec> tasks,
                          const SessionReporters& reporters, bool sweep_orphans = true);

// The sweep: kills and reaps every child left, saying so on stderr when there were any.
void sweep_orphans();

// 0, 1, 2 (a report could not be written), or 128 + the stopping signal: see exit_codes.hpp.
int exit_code_for(const SessionResult& result);

// Colour on the console: --color always|never, or auto: never with NO_COLOR set; else gtest's
// GTEST_COLOR (yes/no) when set; else when `fd` is a terminal that is not TERM=dumb.
bool want_color(const std::string& flag, int fd);

// True when stderr is a terminal that should get the live status line.
bool want_progress(bool disabled_by_flag);

}  // namespace procpool::cli
