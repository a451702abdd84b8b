#include "procpool/process.hpp"

#include "child_support.hpp"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace procpool {
using detail::current_exception_type;
using detail::flush_standard_streams;

namespace {

// The child's whole life after fork: run the target, report an exception as Python does
// (a message on stderr, exit code 1), flush its own output, and leave with _exit so nothing of
// the parent's (atexit handlers, static destructors) runs twice.
[[noreturn]] void run_child(const std::function<void()>& target, pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);  // the parent died before prctl took effect
  int code = 0;
  try {
    target();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "Process %d: uncaught %s: %s\n", ::getpid(),
                 current_exception_type().c_str(), e.what());
    code = 1;
  } catch (...) {
    std::fprintf(stderr, "Process %d: uncaught %s\n", ::getpid(), current_exception_type().c_str());
    code = 1;
  }
  flush_standard_streams();
  ::_exit(code);
}

}  // namespace

Process::Process(Process&& other) noexcept
    : target_(std::move(other.target_)),
      pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::exchange(other.pidfd_, -1)),
      exitcode_(std::exchange(other.exitcode_, std::nullopt)) {}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    release();
    target_ = std::move(other.target_);
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::exchange(other.pidfd_, -1);
    exitcode_ = std::exchange(other.exitcode_, std::nullopt);
  }
  return *this;
}

Process::~Process() { release(); }

void Process::release() {
  if (pid_ > 0 && !exitcode_) terminate(std::chrono::seconds(1));
  if (pidfd_ >= 0) ::close(pidfd_);
  pidfd_ = -1;
}

void Process::start() {
  if (pid_ > 0) throw UsageError("procpool::Process: start() called twice");
  flush_standard_streams();  // or the child inherits unflushed buffers and prints them again
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("procpool::Process: fork failed: ") + std::strerror(errno));
  if (pid == 0) run_child(target_, parent);
  pid_ = pid;
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // -1 on old kernels: we poll
}

bool Process::reap(int wait_ms) {
  if (exitcode_) return true;
  if (pid_ <= 0) throw UsageError("procpool::Process: not started");
  int status = 0;
  pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == 0 && wait_ms != 0) {
    if (pidfd_ >= 0) {
      // Sleep in poll on the pidfd until it exits or the deadline passes: no busy waiting.
      pollfd fd{pidfd_, POLLIN, 0};
      while (::poll(&fd, 1, wait_ms) < 0 && errno == EINTR) {
      }
    } else if (wait_ms < 0) {
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      done = pid_;
    } else {
      ::usleep(static_cast<useconds_t>(wait_ms) * 1000);
    }
    if (done == 0) done = ::waitpid(pid_, &status, WNOHANG);
  }
  if (done != pid_) return false;
  exitcode_ = WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
  return true;
}

void Process::join() { reap(-1); }

bool Process::join(std::chrono::milliseconds timeout) {
  return reap(static_cast<int>(std::max<long long>(0, timeout.count())));
}

bool Process::is_alive() { return pid_ > 0 && !reap(0); }

std::optional<int> Process::exitcode() {
  if (pid_ > 0) reap(0);
  return exitcode_;
}

void Process::terminate(std::chrono::milliseconds grace) {
  if (pid_ <= 0 || reap(0)) return;
  ::kill(pid_, SIGTERM);
  if (!join(grace)) kill();
}

void Process::kill() {
  if (pid_ <= 0 || reap(0)) return;
  ::kill(pid_, SIGKILL);
  join();
}

}  // namespace procpool
