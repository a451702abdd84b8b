#include "procpool/runner/process/reap.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>

namespace procpool::process {
namespace {

using Clock = std::chrono::steady_clock;

// Sleeps until `pidfd` says its process exited or `timeout` passes (negative: for ever). Without
// a pidfd, sleeps a little: the caller polls.
void sleep_on(int pidfd, std::chrono::milliseconds timeout) {
  if (pidfd < 0) {
    ::usleep(static_cast<useconds_t>(
        std::clamp<long long>(timeout.count() < 0 ? 10 : timeout.count(), 0, 10) * 1000));
    return;
  }
  pollfd fd{pidfd, POLLIN, 0};
  const int ms =
      timeout.count() < 0 ? -1 : static_cast<int>(std::min<long long>(timeout.count(), 1 << 30));
  while (::poll(&fd, 1, ms) < 0 && errno == EINTR) {
  }
}

}  // namespace

void make_children_waitable() {
  struct sigaction current {};
  if (::sigaction(SIGCHLD, nullptr, &current) != 0) return;
  if (current.sa_handler == SIG_IGN || (current.sa_flags & SA_NOCLDWAIT) != 0) {
    struct sigaction standard {};
    standard.sa_handler = SIG_DFL;
    sigemptyset(&standard.sa_mask);
    ::sigaction(SIGCHLD, &standard, nullptr);
  }
}

Outcome outcome_of_wait_status(int status) {
  // Kept apart: exit(9) and SIGKILL are different things (Boost.Process 1.81 defect 7).
  if (WIFSIGNALED(status)) return Outcome::killed_by(WTERMSIG(status));
  return Outcome::exited(WEXITSTATUS(status));
}

int open_pidfd(int pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

void release_exit_handle(int handle) {
  if (handle >= 0) ::close(handle);
}

std::optional<Outcome> try_reap(int pid) {
  int status = 0;
  pid_t reaped;
  while ((reaped = ::waitpid(pid, &status, WNOHANG)) < 0 && errno == EINTR) {
  }
  if (reaped < 0 && errno == ECHILD) {
    // Not our child any more (someone else reaped it): it is gone and its status with it. Never
    // a pass: nothing says it succeeded.
    Outcome lost = Outcome::exited(-1);
    lost.message = "its exit status was lost: the process was reaped by someone else";
    return lost;
  }
  if (reaped != pid) return std::nullopt;
  return outcome_of_wait_status(status);
}

std::optional<Outcome> wait_for_exit(int pid, int pidfd, std::chrono::milliseconds timeout) {
  const bool forever = timeout.count() < 0;
  const auto deadline = Clock::now() + (forever ? std::chrono::milliseconds(0) : timeout);
  while (true) {
    if (auto outcome = try_reap(pid)) return outcome;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (!forever && left.count() <= 0) return std::nullopt;
    sleep_on(pidfd, forever ? std::chrono::milliseconds(-1) : left);
  }
}

std::vector<Outcome> stop_and_reap(std::span<const OwnedChild> children, const StopPolicy& policy) {
  std::vector<std::optional<Outcome>> outcomes(children.size());
  auto reap_all = [&] {
    bool all = true;
    for (std::size_t i = 0; i < children.size(); ++i) {
      if (!outcomes[i]) outcomes[i] = try_reap(children[i].pid);
      all = all && outcomes[i].has_value();
    }
    return all;
  };
  std::vector<StopStep> steps = policy.steps;
  if (steps.empty() || steps.back().signal != SIGKILL) steps.push_back({SIGKILL, {}});
  for (std::size_t s = 0; s < steps.size() && !reap_all(); ++s) {
    const StopStep& step = steps[s];
    for (std::size_t i = 0; i < children.size(); ++i) {
      if (!outcomes[i] && step.signal != 0) ::kill(children[i].pid, step.signal);
    }
    const bool last = s + 1 == steps.size();
    const auto deadline = Clock::now() + step.wait;
    for (std::size_t i = 0; i < children.size(); ++i) {
      if (outcomes[i]) continue;
      if (last) {  // SIGKILL was sent: it ends, so wait as long as that takes
        outcomes[i] =
            wait_for_exit(children[i].pid, children[i].pidfd, std::chrono::milliseconds(-1));
        continue;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      outcomes[i] = wait_for_exit(children[i].pid, children[i].pidfd,
                                  std::max(left, std::chrono::milliseconds(0)));
    }
  }
  std::vector<Outcome> result;
  for (auto& outcome : outcomes) result.push_back(outcome.value_or(Outcome::killed_by(SIGKILL)));
  return result;
}

}  // namespace procpool::process
