// procpool runs as two processes: the one the user started (the supervisor) and its child, the
// runner, which does all the work. The supervisor is tiny: a subreaper above everything the
// runner starts, it forwards the signals sent to it (not those a terminal sends to the whole
// foreground group: the runner hears those itself) and exits with the runner's status.
//   - The supervisor killed, even by SIGKILL: the kernel tells the runner (PR_SET_PDEATHSIG,
//     SIGUSR2), which stops every task at once, writes its reports and leaves.
//   - The runner killed (the OOM killer): its tasks are reparented to the supervisor, which kills
//     and reaps them all.
// Either way no task outlives procpool by more than a moment.
#pragma once

namespace procpool::cli {

// Returns in the runner, which carries on with the run; the supervisor never returns (it exits
// with the runner's status). PROCPOOL_SUPERVISOR=0 runs without one (for debuggers).
void supervise();

}  // namespace procpool::cli
