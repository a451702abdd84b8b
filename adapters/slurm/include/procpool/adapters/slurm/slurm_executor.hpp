// `--executor slurm`: every attempt runs as a Slurm job step. Wraps the process executor, whose
// child becomes `srun ... ARGV`: so output capture, the environment (PROCPOOL_SLOT,
// TEST_TMPDIR, ...), deadlines and the stop policy stay as with local processes. Inside an
// allocation (SLURM_JOB_ID set, the sbatch/salloc way) srun makes a step of it (`--exact`, so -j
// steps share the allocation); otherwise each attempt is a job of its own.
//
// Stopping: SIGTERM to srun cancels its step (srun forwards it, "forcing job termination");
// when srun had to be killed, the step would outlive it, so it is cancelled by name with
// scancel (slurm_client.hpp: asynchronously, with a deadline). The outcome is read from srun's
// exit and its stderr; whether Slurm itself ended the job is the controller's record's to say
// (srun_outcome.hpp, job_record.hpp).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "procpool/adapters/slurm/job_record.hpp"
#include "procpool/runner/core/result.hpp"
#include "procpool/runner/schedule/executor.hpp"

namespace procpool::slurm {

struct SlurmOptions {
  std::vector<std::string> srun_args;  // --slurm-args, split like a shell would
  std::string allocation;              // SLURM_JOB_ID when inside an allocation, else ""
  std::string run_id;                  // makes step/job names unique to this run
};

// Splits --slurm-args and checks, before a long run, that Slurm answers and accepts them
// (`srun --test-only`): srun missing, the controller down, an unknown partition or option is
// one clear error instead of a failure per task.
Result<SlurmOptions> prepare_slurm(const std::string& slurm_args);

class SlurmExecutor final : public schedule::Executor {
 public:
  SlurmExecutor(boost::asio::io_context& io, schedule::Executor& inner, SlurmOptions options)
      : io_(io), inner_(inner), options_(std::move(options)) {}

  void start(const schedule::Launch& launch, schedule::Observer observer) override;
  void stop_all(schedule::StopMode mode) override { inner_.stop_all(mode); }

  // The srun command line for one attempt's argv.
  std::vector<std::string> srun_argv(const std::string& step_name,
                                     const std::vector<std::string>& argv) const;
  // Cancels the step (squeue finds its id inside an allocation), then calls `then`.
  void cancel_step(const std::string& step_name, std::function<void()> then);
  // Whether a job of its own is made for each attempt, whose record the controller keeps after
  // it ended; a step inside an allocation leaves none (without Slurm's accounting).
  bool jobs_have_records() const { return options_.allocation.empty(); }
  // The controller's record of the job named `name` once it has its final state (waiting while
  // it is COMPLETING, up to a few seconds), then `then`; nothing when Slurm has no such job or
  // does not answer.
  void ask_job_record(const std::string& name, std::function<void(std::optional<JobRecord>)> then);

 private:
  boost::asio::io_context& io_;
  schedule::Executor& inner_;
  SlurmOptions options_;
};

}  // namespace procpool::slurm
