#include "procpool/runner/process/orphans.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <set>

#include "procpool/runner/process/proc_table.hpp"

namespace procpool::process {

bool become_subreaper() { return ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }

std::size_t kill_and_reap_all_children() {
  std::set<int> killed;
  for (int round = 0; round < 2000; ++round) {
    // Again every 20 ms: a killed orphan's own children are reparented to us only as it dies.
    if (round % 20 == 0) {
      for (int pid : own_children()) {
        const auto info = read_process(pid);
        if (info && info->state != 'Z' && ::kill(pid, SIGKILL) == 0) killed.insert(pid);
      }
    }
    const pid_t reaped = ::waitpid(-1, nullptr, WNOHANG);
    if (reaped < 0) break;            // ECHILD: none left
    if (reaped == 0) ::usleep(1000);  // killed but not dead yet
  }
  return killed.size();
}

}  // namespace procpool::process
