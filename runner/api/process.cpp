#include "procpool/process.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "child_support.hpp"
#include "link.hpp"
#include "procpool/runner/core/stop_policy.hpp"
#include "procpool/runner/process/reap.hpp"
#include "wire.hpp"

namespace procpool {
using detail::flush_standard_streams;

namespace {

// A forked child's whole life: run the target, report an exception as Python does (a message
// on stderr, exit code 1), flush its own output, and leave with _Exit so nothing of the parent's
// (atexit handlers, static destructors) runs twice.
[[noreturn]] void run_child(const std::function<void()>& target) {
  int code = 0;
  try {
    target();
  } catch (const std::exception& e) {
    detail::report_uncaught_exception(&e);
    code = 1;
  } catch (...) {
    detail::report_uncaught_exception(nullptr);
    code = 1;
  }
  flush_standard_streams();
  std::_Exit(code);
}

// Python's convention: the exit code, or -N for a process ended by signal N. A Windows crash
// (an exception code) is that code as an int.
int exitcode_of(const Outcome& ended) {
  if (ended.exception_code != 0) return static_cast<int>(ended.exception_code);
  return ended.kind == OutcomeKind::signalled ? -ended.signal : ended.exit_code;
}

}  // namespace

Process::Process(Process&& other) noexcept
    : method_(other.method_),
      spawn_call_(std::move(other.spawn_call_)),
      target_(std::move(other.target_)),
      pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::exchange(other.pidfd_, -1)),
      exitcode_(std::exchange(other.exitcode_, std::nullopt)) {}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    release();
    method_ = other.method_;
    spawn_call_ = std::move(other.spawn_call_);
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
  process::release_exit_handle(pidfd_);
  pidfd_ = -1;
}

void Process::start() {
  if (pid_ > 0) throw UsageError("procpool::Process: start() called twice");
  detail::refuse_in_unguarded_worker("procpool::Process");
  process::make_children_waitable();
  if (method_ == StartMethod::spawn) {
    spawn();
    return;
  }
  pid_ = detail::fork_child([this] { run_child(target_); });
  pidfd_ = process::open_pidfd(pid_);  // -1 on old kernels: we poll
}

void Process::spawn() {
  if (!spawn_call_ || !detail::find_registered_task(spawn_call_->fn)) {
    throw UsageError(
        "procpool::Process: with the spawn start method the target must be registered: "
        "PROCPOOL_TASK(function_name) at namespace scope");
  }
  const std::string call = detail::wire::encode_named(*spawn_call_);
  const detail::LinkedChild child =
      detail::start_program({},
                            {{detail::kProcessChildVariable, "1"},
                             {"PROCPOOL_POOL_PARENT", std::to_string(detail::this_process_id())}},
                            "procpool::Process");
  pid_ = child.pid;
  pidfd_ = child.exit_handle;
  // The target and its arguments; a child that is gone already (it had no guard) does not read
  // them, and its exit status says why.
  detail::wire::send_message(child.socket, call);
  detail::close_socket(child.socket);
}

bool Process::reap(int wait_ms) {
  if (exitcode_) return true;
  if (pid_ <= 0) throw UsageError("procpool::Process: not started");
  const auto ended = process::wait_for_exit(pid_, pidfd_, std::chrono::milliseconds(wait_ms));
  if (!ended) return false;
  exitcode_ = exitcode_of(*ended);
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
  exitcode_ = exitcode_of(process::stop_and_reap({&child, 1}, policy).front());
}

}  // namespace procpool
