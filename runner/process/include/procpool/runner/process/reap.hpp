// Waiting for, stopping and reaping children outside an event loop: what the library's
// Process and Pool do with the processes they start. process::Child does the same on an
// io_context; both read wait statuses in one place and stop with the same StopPolicy data.
//
// Linux (posix/reap.cpp): a child's exit handle is a pidfd. Windows (windows/reap.cpp): it is
// the process handle, as an int (HandleToLong: Windows keeps handles within 32 bits); there is
// no signal to send, so every step that sends one ends the process (TerminateProcess), as
// CPython's terminate() does there, and its outcome is "killed by" that step's signal.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <vector>

#include "procpool/runner/core/outcome.hpp"
#include "procpool/runner/core/stop_policy.hpp"

namespace procpool::process {

// An ignored SIGCHLD (inherited from a caller: some CI agents and daemons run so) makes the
// kernel reap children itself, and every exit status is lost. Restores the default disposition
// (which ignores the signal too, but leaves children to be waited for) when it is so.
void make_children_waitable();

// What a wait status says: exited with a code, or killed by a signal (never folded together).
Outcome outcome_of_wait_status(int status);

// A pidfd for `pid`, or -1 where the kernel has none (callers then poll). Windows: a process
// handle, or -1.
int open_pidfd(int pid);

// Closes an exit handle (a pidfd, a process handle); -1 is none.
void release_exit_handle(int handle);

// Reaps `pid` if it has exited; nothing while it runs. A pid that is no longer our child
// (reaped elsewhere) comes back failed, with exit code -1 and a message saying its status was
// lost: never a pass, never a wait for ever.
std::optional<Outcome> try_reap(int pid);

// Waits up to `timeout` (negative: for ever) for `pid` to exit, asleep on its pidfd when there
// is one, and reaps it. Nothing if it is still running when the time is up.
std::optional<Outcome> wait_for_exit(int pid, int pidfd, std::chrono::milliseconds timeout);

struct OwnedChild {
  int pid = -1;
  int pidfd = -1;  // its exit handle; -1: none (Linux polls; Windows opens one by pid)
};

// Stops `children` together by `policy`: each step's signal to every one still running (signal
// 0 sends nothing: it only waits), then up to the step's wait for all of them to exit; SIGKILL
// after the last step. Reaps them all and returns their outcomes in order.
std::vector<Outcome> stop_and_reap(std::span<const OwnedChild> children, const StopPolicy& policy);

}  // namespace procpool::process
