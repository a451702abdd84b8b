#include "pipeline.hpp"

#include <cstdio>
#include <utility>

#include <boost/asio/post.hpp>

#include "executor_choice.hpp"
#include "exit_codes.hpp"
#include "held_reporters.hpp"
#include "procpool/runner/process/event_loop.hpp"
#include "procpool/runner/schedule/process_executor.hpp"

namespace procpool::cli {

PipelineResult run_pipeline(Pipeline pipeline, std::unique_ptr<schedule::TaskList> tasks) {
  PipelineResult result;
  process::EventLoop loop;  // not a plain io_context: see event_loop.hpp
  boost::asio::io_context& io = loop.io();
  schedule::ProcessExecutor local(io, process_options(*pipeline.common));
  auto cluster = cluster_executor(*pipeline.common, io, local);
  if (!cluster) {
    std::fprintf(stderr, "%s: %s\n", pipeline.name.c_str(), cluster.error().c_str());
    result.exit_code = exit_usage;
    return result;
  }
  schedule::Executor& processes = *cluster ? **cluster : local;
  std::unique_ptr<schedule::Executor> wrapped =
      pipeline.wrap ? pipeline.wrap(io, processes) : nullptr;
  schedule::Executor& executor = wrapped ? *wrapped : processes;

  if (pipeline.console) {
    pipeline.console->defer_writes(
        [&io](std::function<void()> write) { boost::asio::post(io, std::move(write)); });
  }
  Reporters reporters =
      build_reporters(pipeline.reports, std::move(pipeline.console), std::move(pipeline.recorders));
  if (!pipeline.check) {
    result.session =
        run_session(io, executor, pipeline.config, std::move(tasks), reporters.session);
  } else {
    HeldReporters held(reporters.session.all);
    SessionReporters session = reporters.session;
    session.all = {&held};
    if (reporters.session.tick) {
      session.tick = [&held, tick = reporters.session.tick] {
        if (!held.held()) tick();
      };
    }
    std::function<void()> abandon;
    bool answered = false;
    const RunCheckHandle check = pipeline.check(io, [&](bool confirmed) {
      if (std::exchange(answered, true)) return;
      if (confirmed) {
        held.release();
        return;
      }
      held.discard();
      result.abandoned = true;
      if (abandon) abandon();
    });
    // A run cancelled by the user (Ctrl-C) waits for no check: what it did is reported.
    held.on_cancelled = [&] {
      if (answered || !check.stop) return;
      answered = true;
      held.release();
      check.stop();
    };
    held.on_finished = [&] {
      if (!answered && check.run_ended) check.run_ended();
    };
    result.session = run_session(io, executor, pipeline.config, std::move(tasks), session,
                                 /*sweep_orphans=*/true, &abandon);
    if (result.abandoned) {
      result.ran = true;
      return result;
    }
  }
  for (const auto& message : result.session.report_errors) {
    std::fprintf(stderr, "%s: %s\n", pipeline.name.c_str(), message.c_str());
  }
  result.ran = true;
  result.exit_code = exit_code_for(result.session);
  return result;
}

}  // namespace procpool::cli
