// What became of a task run through `srun`. srun's exit status alone is ambiguous: 139 is both
// "the task exited 139" and "the task died of SIGSEGV", and srun exits 0 after its step was
// cancelled when an escaped process still held the output (../shared/notes/slurm.md): a cancel
// is never a pass.
//
// srun's stderr carries the task's own stderr too, so nothing written there decides that Slurm
// ended a step (DESIGN.md rule 14): such words only make procpool ask the controller, whose
// record of the job decides (job_record.hpp). The words decide alone only where there is no
// record to ask: a step inside an allocation (a finished step's state is kept only by Slurm's
// accounting), or a job Slurm has already forgotten.
#pragma once

#include <string>
#include <string_view>

#include "procpool/adapters/slurm/job_record.hpp"
#include "procpool/runner/core/outcome.hpp"

namespace procpool::slurm {

// srun's exit read with its stderr.
struct SrunReading {
  // - stopped by procpool (timed out, cancelled) or not started: as the process layer says;
  // - "srun: error: NODE: task 0: Exited with exit code N": failed with N;
  // - "srun: error: NODE: task 0: <signal>" and an exit status 128+S: signalled with S;
  // - srun refused or could not get the step (no such partition, controller down, a bad
  //   option): failed_to_start with srun's own words.
  Outcome outcome;
  // A line saying Slurm ended the step ("*** STEP|JOB ... CANCELLED AT ... ***", srun's "Job
  // step aborted" or "Force Terminated", a node failure), or "": a reason to ask, never proof.
  std::string slurm_words;
  // srun ended by itself after a failure or after such words: the job's record must decide.
  bool ask_slurm = false;
};

// `srun`: the process layer's outcome for the srun process; `srun_stderr`: the end of its stderr.
SrunReading read_srun(const Outcome& srun, std::string_view srun_stderr);

// The verdict by the controller's record of the job: a job Slurm cancelled, timed out, preempted
// or lost with its node is aborted, saying so; any other ending keeps what srun's exit says.
Outcome judge_by_record(const SrunReading& reading, const JobRecord& record);

// The verdict where no record can be had: Slurm's words (see above) make it aborted.
Outcome judge_by_words(const SrunReading& reading);

}  // namespace procpool::slurm
