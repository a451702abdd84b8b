#include "posix_child.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <boost/asio/post.hpp>

#include "procpool/runner/process/proc_table.hpp"
#include "procpool/runner/process/reap.hpp"

namespace procpool::process {
namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

// How a child ended, from waitid's report (which, with WNOWAIT, leaves it unreaped).
Outcome outcome_of_siginfo(const siginfo_t& info) {
  if (info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED) {
    return Outcome::killed_by(info.si_status);
  }
  return Outcome::exited(info.si_status);
}

// Its exit status is gone: someone else reaped it (SIGCHLD ignored in this process makes the
// kernel do that). Never a pass: nothing says it succeeded.
Outcome lost_status() {
  Outcome lost = Outcome::exited(-1);
  lost.message =
      "its exit status was lost: the process was reaped by someone else (is SIGCHLD ignored?)";
  return lost;
}

bool is_subreaper() {
  int flag = 0;
  return ::prctl(PR_GET_CHILD_SUBREAPER, &flag) == 0 && flag != 0;
}

unsigned long inode_of(int fd) {
  struct stat info {};
  return ::fstat(fd, &info) == 0 ? static_cast<unsigned long>(info.st_ino) : 0;
}

}  // namespace

PosixChild::PosixChild(asio::io_context& io, ChildOptions options, Done done)
    : ChildCommon(io, std::move(options), std::move(done)), exit_watch_(io), reap_timer_(io) {}

std::shared_ptr<Child> Child::start(asio::io_context& io, SpawnRequest request,
                                    ChildOptions options, Done done) {
  return PosixChild::start(io, std::move(request), std::move(options), std::move(done));
}

std::shared_ptr<PosixChild> PosixChild::start(asio::io_context& io, SpawnRequest request,
                                              ChildOptions options, Done done) {
  std::shared_ptr<PosixChild> child(new PosixChild(io, std::move(options), std::move(done)));
  child->launch(std::move(request));
  return child;
}

void PosixChild::launch(SpawnRequest request) {
  started_ = std::chrono::steady_clock::now();
  started_wall_ = std::chrono::system_clock::now();

  int out_fds[2] = {-1, -1};
  int err_fds[2] = {-1, -1};
  std::string error;
  int os_error = 0;
  if (::pipe2(out_fds, O_CLOEXEC) != 0 ||
      (!options_.one_pipe && ::pipe2(err_fds, O_CLOEXEC) != 0)) {
    // v2's own stdio initializer would ignore this (defect 11); we report it.
    os_error = errno;
    error = std::string("cannot create pipes: ") + std::strerror(errno);
  } else {
    request.stdout_fd = out_fds[1];
    request.stderr_fd = options_.one_pipe ? out_fds[1] : err_fds[1];
    const SteadyTime asked = std::chrono::steady_clock::now();
    if (auto spawned = spawn_process(io_.get_executor(), request)) {
      start_cost_ = std::chrono::steady_clock::now() - asked;  // returns once it has exec'd
      process_.emplace(std::move(spawned->process));
      exit_watch_.assign(spawned->exit_fd);
    } else {
      error = spawned.error();
      os_error = spawned.failure().os_error;
    }
  }
  for (int fd : {out_fds[1], err_fds[1]}) {
    if (fd >= 0) ::close(fd);  // only the child holds the write ends now, so EOF means "closed"
  }

  if (!process_) {
    for (int fd : {out_fds[0], err_fds[0]}) {
      if (fd >= 0) ::close(fd);
    }
    start_failure_ = Outcome::start_failure(error);
    start_failure_->resources_exhausted = resources_exhausted(os_error);
    leader_exited_ = true;
    leader_reaped_ = true;
    // Deliver from the io_context, never from inside start(): callers may hold locks or be
    // iterating their own state.
    asio::post(io_, [self = shared_as<PosixChild>()] { self->finish(); });
    return;
  }
  pid_ = process_->id();
  if (options_.background) {
    // The lowest priority, set from here, after exec (it stays with the process). Nice 19 rather
    // than SCHED_IDLE: it still gets a sliver of a busy machine (~1.5 % of a core against one
    // busy process), so its deadline holds. Best effort: at normal priority it only checks slower.
    (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(pid_), 19);
  }

  pipe_inodes_[0] = inode_of(out_fds[0]);
  out_.pipe.assign(out_fds[0]);
  out_.open = true;
  read_more(out_);
  if (!options_.one_pipe) {
    pipe_inodes_[1] = inode_of(err_fds[0]);
    err_.pipe.assign(err_fds[0]);
    err_.open = true;
    read_more(err_);
  }

  // bp2::process::async_wait is not used: in 1.81 it calls a *blocking* waitpid after any
  // readiness of the pidfd, and asio can report stale readiness when it recycles descriptor
  // state for a reused fd number, which froze the whole loop until that child exited (seen in
  // traces under load). We watch our own pidfd and read the exit with WNOHANG instead.
  wait_for_leader();
  arm_timers();
}

void PosixChild::wait_for_leader() {
  exit_watch_.async_wait(asio::posix::descriptor_base::wait_read,
                         [self = shared_as<PosixChild>()](boost::system::error_code ec) {
                           if (ec == asio::error::operation_aborted) return;
                           // WNOWAIT: learn how it ended but leave it a zombie, so its pid, group
                           // and session ids stay ours until everything it left is stopped
                           // (reap_leader).
                           siginfo_t info{};
                           if (::waitid(P_PID, static_cast<id_t>(self->pid_), &info,
                                        WEXITED | WNOHANG | WNOWAIT) != 0) {
                             if (errno == EINTR) {
                               self->wait_for_leader();
                               return;
                             }
                             self->leader_outcome_ = lost_status();  // ECHILD: reaped elsewhere
                             self->leader_reaped_ = true;
                           } else if (info.si_pid == 0) {
                             self->wait_for_leader();  // spurious readiness: still running
                             return;
                           } else {
                             self->leader_outcome_ = outcome_of_siginfo(info);
                           }
                           boost::system::error_code ignored;
                           self->exit_watch_.close(ignored);
                           self->after_leader_exit();
                         });
}

void PosixChild::stop(const StopPolicy& policy, OutcomeKind as) {
  if (finished_ || pid_ <= 0 || policy.steps.empty()) return;
  if (leader_exited_) {
    // Its verdict is already known; only what it left behind holds the task open.
    for (int pid : leftover_processes(/*search_everywhere=*/true)) ::kill(pid, SIGKILL);
    return;
  }
  if (accept_stop(policy, as)) run_stop_step(0);
}

void PosixChild::signal_task(int signal) const {
  if (signal == 0) return;
  // The group, then every process of the task found in /proc: those that moved to another group
  // of its session, and descendants that left the session while their parents live.
  ::kill(-pid_, signal);
  for (int pid : task_processes(list_processes(), pid_)) ::kill(pid, signal);
}

void PosixChild::run_stop_step(std::size_t step) {
  if (finished_) return;
  signal_task(active_stop_.steps[step].signal);
  if (step + 1 < active_stop_.steps.size()) next_stop_step_after_wait(step);
}

std::vector<int> PosixChild::leftover_processes(bool search_everywhere) const {
  if (search_everywhere || !is_subreaper()) {
    std::vector<int> found = task_processes(list_processes(), pid_);
    for (unsigned long inode : pipe_inodes_) {
      if (inode == 0) continue;
      for (int pid : pipe_holders(inode)) {
        if (pid != ::getpid() && std::find(found.begin(), found.end(), pid) == found.end())
          found.push_back(pid);
      }
    }
    return found;
  }
  // The common case, cheaply: as a subreaper we adopt what the leader left (its orphans), so
  // anything left of the task has an ancestor among our children in its session or group.
  std::vector<int> found;
  for (int pid : own_children()) {
    if (pid == pid_) continue;
    const auto info = read_process(pid);
    if (info && info->state != 'Z' && (info->sid == pid_ || info->pgid == pid_)) {
      found = task_processes(list_processes(), pid_);  // it has company: find it all
      break;
    }
  }
  return found;
}

void PosixChild::finish() {
  finished_ = true;
  cancel_timers();
  if (start_failure_) {
    deliver(pid_);
    return;
  }
  // Searching everywhere costs a /proc walk: only when we stopped it or its output was held.
  std::vector<int> leftovers = leftover_processes(stopping_ || output_held_);
  if (!leftovers.empty()) {
    // The leader is gone but processes it started live on: a leak unless we were stopping the
    // task anyway. Kill them now; nothing may outlive the task.
    if (!stopping_) leaked_ = true;
    ::kill(-pid_, SIGKILL);
    for (int pid : leftovers) ::kill(pid, SIGKILL);
    kill_leftovers_then_deliver(std::move(leftovers), milliseconds(0));
    return;
  }
  if (output_held_ && !stopping_) leaked_ = true;  // a holder that is gone by now
  reap_leader();
  deliver(pid_);
}

// Killed processes die asynchronously: poll briefly (only in this rare case) until they are gone
// so the report is not delivered while any of them still exists; reap those adopted by us.
void PosixChild::kill_leftovers_then_deliver(std::vector<int> leftovers, milliseconds waited) {
  std::erase_if(leftovers, [](int pid) {
    ::waitpid(pid, nullptr, WNOHANG);  // ours (adopted): reap it; others: no effect
    const auto info = read_process(pid);
    return !info || info->state == 'Z';
  });
  constexpr milliseconds give_up_after{2000};
  if (!leftovers.empty() && waited < give_up_after) {
    const milliseconds step{waited.count() < 10 ? 1 : 10};
    reap_timer_.expires_after(step);
    reap_timer_.async_wait([self = shared_as<PosixChild>(), leftovers = std::move(leftovers),
                            waited, step](boost::system::error_code) mutable {
      self->kill_leftovers_then_deliver(std::move(leftovers), waited + step);
    });
    return;
  }
  reap_leader();
  deliver(pid_);
}

void PosixChild::reap_leader() {
  if (leader_reaped_ || !process_) return;
  leader_reaped_ = true;
  ::waitpid(pid_, nullptr, 0);  // a zombie by now: returns at once
  // Reaped: disarm bp2::process's destructor, which would otherwise waitpid/kill a pid that may
  // already belong to someone else.
  process_->detach();
}

PosixChild::~PosixChild() {
  if (pid_ <= 0 || (finished_ && leader_reaped_)) return;
  // Destroyed while running (the io_context went away, or the owner gave up): kill all of the
  // task, then reap the leader and what we adopted of it.
  std::vector<int> leftovers = task_processes(list_processes(), pid_);
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  for (int pid : leftovers) ::kill(pid, SIGKILL);
  if (!leader_reaped_) {
    ::waitpid(pid_, nullptr, 0);
    if (process_) process_->detach();
  }
  for (int i = 0; i < 100 && !leftovers.empty(); ++i) {
    std::erase_if(leftovers, [](int pid) {
      ::waitpid(pid, nullptr, WNOHANG);
      const auto info = read_process(pid);
      return !info || info->state == 'Z';
    });
    if (!leftovers.empty()) ::usleep(1000);
  }
}

}  // namespace procpool::process
