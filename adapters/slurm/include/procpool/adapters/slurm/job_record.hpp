// The Slurm controller's record of a job, as `squeue --states=all` shows it for a while after
// the job ended (MinJobAge, 300 s by default). It is the evidence a task cannot forge of whether
// Slurm itself ended a job (srun_outcome.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace procpool::slurm {

struct JobRecord {
  std::string id;
  std::string state;   // squeue's %T: RUNNING, COMPLETING, COMPLETED, CANCELLED, TIMEOUT, ...
  std::string reason;  // squeue's %r: None, TimeLimit, NonZeroExitCode, ...

  // The job has its final state. COMPLETING hides it (squeue shows the flag, not the state
  // under it) until the node has cleaned up; a cancelled job shows COMPLETING for a moment.
  bool ended() const;
};

// The squeue arguments that list jobs named `name`, in any state, one "ID|STATE|REASON" each.
std::vector<std::string> job_record_query(const std::string& name);

// The newest job in that listing (names hold the run's pid, so an older job of the same name is
// another run's), or nothing when there is none or the text is not such a listing.
std::optional<JobRecord> parse_job_record(std::string_view squeue_output);

}  // namespace procpool::slurm
