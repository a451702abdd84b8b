// Starting one child process: a custom Boost.Process v2 launcher, vfork-style.
//
// Why not v2's default launcher (see shared/notes/boost-process-1.81.md): in Boost 1.81 it leaks
// descriptors into children (defect 1), calls exit() instead of _exit() after a failed exec
// (defect 2), ignores its error_code (3), does no PATH search (4) and replaces the whole
// environment (5); and fork+exec is the slowest way to start a process. This launcher clones
// with CLONE_VM|CLONE_VFORK (as glibc's posix_spawn does, minus its per-call getrlimit and
// stack mmap), closes every descriptor above 2 in the child, reports exec errors through shared
// memory, and ends a failed child with the exit system call, never exit(). Under TSan it forks
// instead (TSan cannot follow a child sharing the parent's memory); exec errors then come back
// through a close-on-exec pipe. The result is a v2 `process` (its owner: its destructor kills and
// reaps a child still running) and the child's pidfd. Waiting is not v2's: its async_wait makes
// a blocking waitpid after any readiness of the pidfd, so callers watch the pidfd themselves and
// reap with WNOHANG (child.cpp, reap.cpp). No SIGCHLD handler anywhere.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/process/v2/process.hpp>

#include "procpool/runner/core/result.hpp"
#include "procpool/runner/core/task.hpp"
#include "procpool/runner/process/spawn_request.hpp"

namespace procpool::process {

namespace bp2 = boost::process::v2;

struct SpawnedProcess {
  bp2::process process;  // the owner: kills and reaps the child if destroyed while it runs
  int exit_fd = -1;      // a pidfd of the child for the caller to watch (and close)
};

// Starts the child in a session (and so a process group) of its own, so stopping it reaches its
// grandchildren and no process of it can join another task's group or the runner's; with
// default signal dispositions, an empty signal mask, and only descriptors 0-2 (and fd3) open.
// argv[0] without a '/' is looked up in the PATH the child will have. A failure says
// "<OS reason>: <argv[0]>", e.g. "No such file or directory: ./nope", and keeps the errno (see
// resources_exhausted); no process is left behind.
Result<SpawnedProcess> spawn_process(boost::asio::any_io_executor executor,
                                     const SpawnRequest& request);

// Whether a failure with this errno is for want of something the run itself holds (descriptors,
// processes, memory): trying again once another task ended may work.
bool resources_exhausted(int os_error);

}  // namespace procpool::process
