// --executor local|slurm: where attempts run. Local is the process executor itself; slurm wraps
// it so each attempt's child is `srun ...` (adapters/slurm). Checked before the run starts.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>

#include "common_options.hpp"
#include "procpool/runner/core/result.hpp"
#include "procpool/runner/schedule/executor.hpp"

namespace procpool::cli {

// Adds --executor and --slurm-args.
void add_executor_options(CLI::App* command, CommonOptions& options);

// The executor to run attempts on, over `processes`: null for local (use `processes`), the
// Slurm executor for slurm; fails naming the problem (srun missing, Slurm refusing the args).
Result<std::unique_ptr<schedule::Executor>> cluster_executor(const CommonOptions& options,
                                                             boost::asio::io_context& io,
                                                             schedule::Executor& processes);

// Where a GoogleTest program's result stream reaches procpool: `listen` is the address procpool
// listens on, `host` what the program is told to connect to.
struct StreamEndpoint {
  std::string listen;
  std::string host;
};
// Local processes reach this machine's loopback. Slurm may run them on another node: procpool
// listens on every interface, and the program connects to this machine by its host name.
StreamEndpoint stream_endpoint(const CommonOptions& options);

}  // namespace procpool::cli
