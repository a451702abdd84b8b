#include "procpool/process.hpp"

#include <unistd.h>
#include <cstdio>

#include "child_support.hpp"
#include "procpool/runner/core/stop_policy.hpp"
#include "procpool/runner/process/reap.hpp"

namespace procpool {
using detail::current_exception_type;
using detail::flush_standard_streams;

namespace {

// The child's whole life after fork: run the target, report an exception as Python does
// (a message on stderr, exit code 1), flush its own output, and leave with _exit so nothing of
// the parent's (atexit handlers, static destructors) runs twice.
[[noreturn]] void run_child(const std::function<void()>& target) {
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
  detail::refuse_in_unguarded_worker("procpool::Process");
  process::make_children_waitable();
  pid_ = detail::fork_child([this] { run_child(target_); });
  pidfd_ = process::open_pidfd(pid_);  // -1 on old kernels: we poll
}

bool Process::reap(int wait_ms) {
  if (exitcode_) return true;
  if (pid_ <= 0) throw UsageError("procpool::Process: not started");
  const auto ended = process::wait_for_exit(pid_, pidfd_, std::chrono::milliseconds(wait_ms));
  if (!ended) return false;
  // Python's convention: the exit code, or -N for a process killed by signal N.
  exitcode_ = ended->kind == OutcomeKind::signalled ? -ended->signal : ended->exit_code;
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

void Process::terminate(std::chrono::milliseconds grace) { stop(StopPolicy::graceful(grace)); }

void Process::kill() { stop(StopPolicy::immediate()); }

void Process::stop(const StopPolicy& policy) {
  if (pid_ <= 0 || reap(0)) return;
  const process::OwnedChild child{pid_, pidfd_};
  const Outcome ended = process::stop_and_reap({&child, 1}, policy).front();
  exitcode_ = ended.kind == OutcomeKind::signalled ? -ended.signal : ended.exit_code;
}

}  // namespace procpool
