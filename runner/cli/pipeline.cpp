#include "pipeline.hpp"

#include <cstdio>

#include "executor_choice.hpp"
#include "exit_codes.hpp"
#include "procpool/runner/schedule/process_executor.hpp"

namespace procpool::cli {

PipelineResult run_pipeline(Pipeline pipeline, std::unique_ptr<schedule::TaskList> tasks) {
  PipelineResult result;
  boost::asio::io_context io(1);
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

  Reporters reporters =
      build_reporters(pipeline.reports, std::move(pipeline.console), std::move(pipeline.recorders));
  result.session = run_session(io, executor, pipeline.config, std::move(tasks), reporters.session);
  for (const auto& message : result.session.report_errors) {
    std::fprintf(stderr, "%s: %s\n", pipeline.name.c_str(), message.c_str());
  }
  result.ran = true;
  result.exit_code = exit_code_for(result.session);
  return result;
}

}  // namespace procpool::cli
