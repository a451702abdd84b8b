#include "../supervisor.hpp"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "procpool/runner/process/orphans.hpp"
#include "procpool/runner/process/reap.hpp"

namespace procpool::cli {
namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// No signal handlers: the stopping signals stay blocked (as they were across the fork) and are
// read from a signalfd, the runner's end from its pidfd, both in one poll. (An asynchronous
// handler would be deferred by sanitizer runtimes while waitpid restarts, and never forward.)
[[noreturn]] void run_supervisor(pid_t runner) {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : kForwarded) sigaddset(&set, signal);
  const int signals = ::signalfd(-1, &set, SFD_CLOEXEC);
  const int exited = procpool::process::open_pidfd(runner);
  int status = 0;
  while (true) {
    pollfd fds[2] = {{signals, POLLIN, 0}, {exited, POLLIN, 0}};
    const int ready = (signals >= 0 && exited >= 0) ? ::poll(fds, 2, -1) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0 || (fds[1].revents & POLLIN)) break;  // the runner ended (or nothing to poll)
    signalfd_siginfo info{};
    if (::read(signals, &info, sizeof info) == static_cast<ssize_t>(sizeof info) &&
        info.ssi_code != SI_KERNEL) {
      // A terminal's signals (SI_KERNEL) went to the runner as well, since it is in the same
      // foreground group; forwarding them would make one Ctrl-C count twice.
      ::kill(runner, static_cast<int>(info.ssi_signo));
    }
  }
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
  // Blocked across the fork and after it, in both: each reads them from a signalfd.
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
