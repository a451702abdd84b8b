// reap.hpp on Windows: exit handles are process handles; stopping is TerminateProcess.
#include "procpool/runner/process/reap.hpp"

#include <windows.h>

#include <algorithm>

#include "create_process.hpp"

namespace procpool::process {
namespace {

HANDLE as_handle(int handle) { return LongToHandle(handle); }

// The exit of a process that has ended.
Outcome exit_of(HANDLE process) {
  DWORD code = 0;
  if (!::GetExitCodeProcess(process, &code)) {
    return Outcome::exited(-1);
  }
  return outcome_of_exit_code(code);
}

}  // namespace

void make_children_waitable() {}  // Windows keeps every exit code while a handle is open

Outcome outcome_of_wait_status(int status) { return outcome_of_exit_code(DWORD(status)); }

int open_pidfd(int pid) {
  HANDLE process = ::OpenProcess(
      SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE, FALSE, DWORD(pid));
  return process ? HandleToLong(process) : -1;
}

void release_exit_handle(int handle) {
  if (handle != -1) ::CloseHandle(as_handle(handle));
}

std::optional<Outcome> try_reap(int pid) {
  return wait_for_exit(pid, -1, std::chrono::milliseconds(0));
}

std::optional<Outcome> wait_for_exit(int pid, int handle, std::chrono::milliseconds timeout) {
  const bool opened_here = handle == -1;
  if (opened_here) handle = open_pidfd(pid);
  if (handle == -1) {
    Outcome lost = Outcome::exited(-1);
    lost.message = "process " + std::to_string(pid) + " is gone: its exit status is lost";
    return lost;
  }
  const DWORD wait = timeout.count() < 0 ? INFINITE : DWORD(timeout.count());
  std::optional<Outcome> ended;
  if (::WaitForSingleObject(as_handle(handle), wait) == WAIT_OBJECT_0)
    ended = exit_of(as_handle(handle));
  if (opened_here) release_exit_handle(handle);
  return ended;
}

std::vector<Outcome> stop_and_reap(std::span<const OwnedChild> children, const StopPolicy& policy) {
  std::vector<int> handles;
  std::vector<bool> opened_here;
  for (const OwnedChild& child : children) {
    opened_here.push_back(child.pidfd == -1);
    handles.push_back(child.pidfd == -1 ? open_pidfd(child.pid) : child.pidfd);
  }
  std::vector<std::optional<Outcome>> outcomes(children.size());
  auto look = [&](std::size_t i, DWORD wait_ms) {
    if (outcomes[i]) return;
    if (handles[i] == -1) {
      outcomes[i] = Outcome::exited(-1);
    } else if (::WaitForSingleObject(as_handle(handles[i]), wait_ms) == WAIT_OBJECT_0) {
      outcomes[i] = exit_of(as_handle(handles[i]));
    }
  };
  for (const StopStep& step : policy.steps) {
    for (std::size_t i = 0; i < children.size(); ++i) {
      look(i, 0);
      if (outcomes[i] || step.signal == 0) continue;
      // No signal reaches a process without a console of ours: every step that sends one ends it.
      ::TerminateProcess(as_handle(handles[i]), 1);
      ::WaitForSingleObject(as_handle(handles[i]), INFINITE);
      outcomes[i] = Outcome::killed_by(step.signal);
    }
    const auto deadline = std::chrono::steady_clock::now() + step.wait;
    for (std::size_t i = 0; i < children.size(); ++i) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      look(i, DWORD(std::max<long long>(0, left.count())));
    }
  }
  std::vector<Outcome> result;
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (!outcomes[i] && handles[i] != -1) {
      ::TerminateProcess(as_handle(handles[i]), 1);
      ::WaitForSingleObject(as_handle(handles[i]), INFINITE);
    }
    result.push_back(outcomes[i].value_or(Outcome::killed_by(SIGKILL)));
    if (opened_here[i]) release_exit_handle(handles[i]);
  }
  return result;
}

}  // namespace procpool::process
