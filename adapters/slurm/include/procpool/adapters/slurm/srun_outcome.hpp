// What became of a task run through `srun`, from srun's exit and the lines srun and slurmstepd
// add to its stderr. srun's exit status alone is ambiguous: 139 is both "the task exited 139"
// and "the task died of SIGSEGV", and srun exits 0 after its step was cancelled when an escaped
// process still held the output (../shared/notes/slurm.md): a cancel is never a pass.
#pragma once

#include <string_view>

#include "procpool/runner/core/outcome.hpp"

namespace procpool::slurm {

// `srun`: the process layer's outcome for the srun process; `srun_stderr`: the end of its stderr.
// - stopped by procpool (timed out, cancelled) or not started: as it is;
// - "*** STEP|JOB ... CANCELLED AT ... [DUE TO REASON] ***": aborted, saying Slurm's reason;
// - "srun: error: NODE: task 0: Exited with exit code N": failed with N;
// - "srun: error: NODE: task 0: <signal>" and an exit status 128+S: signalled with S;
// - srun refused or could not get the step (no such partition, controller down, a bad option):
//   failed_to_start with srun's own words.
Outcome read_srun_outcome(const Outcome& srun, std::string_view srun_stderr);

}  // namespace procpool::slurm
