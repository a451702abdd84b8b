#include "executor_choice.hpp"

#include "procpool/adapters/slurm/slurm_executor.hpp"
#include "procpool/runner/core/host_name.hpp"

namespace procpool::cli {

void add_executor_options(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("--executor", o.executor,
                  "where attempts run: local processes, or slurm (each attempt a Slurm job step "
                  "via srun; inside the allocation when SLURM_JOB_ID is set)")
      ->check(CLI::IsMember({"local", "slurm"}))
      ->capture_default_str();
  cmd->add_option("--slurm-args", o.slurm_args,
                  "with --executor slurm: options for srun, e.g. \"--partition=debug "
                  "--time=10 --mem=1G\"")
      ->type_name("ARGS");
}

StreamEndpoint stream_endpoint(const CommonOptions& o) {
  if (o.executor != "slurm") return {"127.0.0.1", "127.0.0.1"};
  const std::string name = host_name();
  if (name.empty()) {
    return {"127.0.0.1", "127.0.0.1"};  // no name to be reached by: only this machine's nodes
  }
  return {"0.0.0.0", name};
}

Result<std::unique_ptr<schedule::Executor>> cluster_executor(const CommonOptions& o,
                                                             boost::asio::io_context& io,
                                                             schedule::Executor& processes) {
  if (o.executor != "slurm") {
    if (!o.slurm_args.empty()) return fail("--slurm-args needs --executor slurm");
    return std::unique_ptr<schedule::Executor>();
  }
  auto slurm = slurm::prepare_slurm(o.slurm_args);
  if (!slurm) return slurm.failure();
  return std::unique_ptr<schedule::Executor>(
      std::make_unique<slurm::SlurmExecutor>(io, processes, std::move(*slurm)));
}

}  // namespace procpool::cli
