#include "supervisor.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "procpool/runner/process/orphans.hpp"

namespace procpool::cli {
namespace {

volatile sig_atomic_t runner_pid = 0;

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// Async-signal-safe: one kill(2). A terminal's signals (SI_KERNEL) went to the runner as well,
// since it is in the same foreground group; forwarding them would make one Ctrl-C count twice.
void forward(int signal, siginfo_t* info, void*) {
  if (info && info->si_code == SI_KERNEL) return;
  if (runner_pid > 0) ::kill(runner_pid, signal);
}

[[noreturn]] void run_supervisor(pid_t runner) {
  runner_pid = runner;
  struct sigaction action {};
  action.sa_sigaction = forward;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigset_t set;
  sigemptyset(&set);
  for (int signal : kForwarded) {
    ::sigaction(signal, &action, nullptr);
    sigaddset(&set, signal);
  }
  ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
  int status = 0;
  while (::waitpid(runner, &status, 0) < 0 && errno == EINTR) {
  }
  // Whatever the runner's tasks left, should it have died first, is ours now.
  procpool::process::kill_and_reap_all_children();
  std::fflush(nullptr);
  if (WIFSIGNALED(status)) ::_exit(128 + WTERMSIG(status));
  ::_exit(WEXITSTATUS(status));
}

}  // namespace

void supervise() {
  if (const char* wanted = std::getenv("PROCPOOL_SUPERVISOR");
      wanted && std::strcmp(wanted, "0") == 0)
    return;
  // Blocked across the fork: the runner keeps them blocked (its StopSignals read them), the
  // supervisor unblocks them once its handlers are in place.
  sigset_t set, previous;
  sigemptyset(&set);
  for (int signal : kForwarded) sigaddset(&set, signal);
  sigaddset(&set, SIGUSR2);
  ::sigprocmask(SIG_BLOCK, &set, &previous);
  procpool::process::become_subreaper();
  std::fflush(nullptr);
  const pid_t supervisor = ::getpid();
  const pid_t runner = ::fork();
  if (runner < 0) {  // no second process: run without a supervisor
    ::sigprocmask(SIG_SETMASK, &previous, nullptr);
    return;
  }
  if (runner > 0) run_supervisor(runner);
  // The runner: told by SIGUSR2 when the supervisor goes, however it goes.
  ::prctl(PR_SET_PDEATHSIG, SIGUSR2);
  if (::getppid() != supervisor) ::raise(SIGUSR2);  // gone before prctl took effect
}

}  // namespace procpool::cli
