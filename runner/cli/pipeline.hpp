// The execution half of every run, built in one place: the executor stack (the process
// executor, the cluster's when --executor asks, the subcommand's decorators on top), the
// reporters (the subcommand's console, its recorders, the report files), the session, and the
// exit status. `run`, `gtest` and `ctest` differ only in their sources and plan, which they
// build before calling run_pipeline; `merge` replays reports into the same reporters and exit
// status without executing anything.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common_options.hpp"
#include "reporters.hpp"
#include "session.hpp"

namespace procpool::cli {

// Wraps the processes' executor for the duration of the run (the gtest verdict reader, CTest's
// rules, --delay). Null: run on it as it is.
using ExecutorWrapper = std::function<std::unique_ptr<schedule::Executor>(
    boost::asio::io_context& io, schedule::Executor& processes)>;

// Checks, while the run goes on, that it runs the right tests (a listing remembered from an
// earlier run, against the run's own events or a fresh listing): calls `confirmed(true)` or
// `confirmed(false)` once, from the event loop. Until then the reporters hear nothing; on false
// the run is abandoned unreported. Returns how the run talks to the check.
struct RunCheckHandle {
  std::function<void()> stop;       // the run was cancelled: its reports stand as they are
  std::function<void()> run_ended;  // every task has its verdict: all the run's evidence is in
};
using RunCheck =
    std::function<RunCheckHandle(boost::asio::io_context& io, std::function<void(bool)> confirmed)>;

struct Pipeline {
  std::string name;  // "procpool run": prefixes messages
  const CommonOptions* common = nullptr;
  schedule::SchedulerConfig config;
  ExecutorWrapper wrap;
  ReportOptions reports;
  std::unique_ptr<report::LiveConsole> console;
  std::vector<Reporter*> recorders;  // not owned (the history recorder, the failed list)
  RunCheck check;                    // optional
};

struct PipelineResult {
  bool ran = false;  // false: the executor could not be made (said on stderr); nothing ran
  SessionResult session;
  int exit_code = 0;  // exit_code_for(session), or exit_usage when the executor could not be made
  bool abandoned = false;  // the check said no: nothing was reported, the caller starts again
};

// Runs `tasks` through the pipeline; report errors are printed, prefixed by the name.
PipelineResult run_pipeline(Pipeline pipeline, std::unique_ptr<schedule::TaskList> tasks);

}  // namespace procpool::cli
