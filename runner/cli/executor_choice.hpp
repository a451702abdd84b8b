// --executor local|slurm: where attempts run. Local is the process executor itself; slurm wraps
// it so each attempt's child is `srun ...` (adapters/slurm). Checked before the run starts.
#pragma once

#include <memory>

#include "common_options.hpp"
#include "procpool/runner/core/result.hpp"
#include "procpool/runner/schedule/executor.hpp"

namespace procpool::cli {

// Adds --executor and --slurm-args.
void add_executor_options(CLI::App* command, CommonOptions& options);

// The executor to run attempts on, over `processes`: null for local (use `processes`), the
// Slurm executor for slurm; fails naming the problem (srun missing, Slurm refusing the args).
Result<std::unique_ptr<schedule::Executor>> cluster_executor(const CommonOptions& options,
                                                             schedule::Executor& processes);

}  // namespace procpool::cli
