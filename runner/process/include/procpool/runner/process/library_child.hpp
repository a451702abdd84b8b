// Windows only (windows/library_child.cpp): starting a process for the library (Process and
// Pool with the spawn start method) outside process::Child, which captures output and owns the
// process; the library's children share our standard output and error and are reaped with
// reap.hpp. (On Linux the library starts them with spawn.hpp.)
#pragma once

#include "procpool/runner/core/result.hpp"
#include "procpool/runner/process/spawn_request.hpp"

namespace procpool::process {

struct LibraryChild {
  int pid = -1;
  int exit_handle = -1;  // its process handle, for reap.hpp; release_exit_handle() closes it
};

// Starts `request` with standard input, output and error from its stdin_fd, stdout_fd and
// stderr_fd (our C runtime descriptors; -1: NUL), nothing else inherited, in one job that every
// child the library starts shares and that kills them all when this process ends (the job's last
// handle is ours: Windows' counterpart of Linux's "die with the parent"). Where the job cannot
// take it (a process already in a job that forbids nesting), the child still runs, without that
// guarantee. A failure says "<reason>: argv[0]".
Result<LibraryChild> start_library_child(const SpawnRequest& request);

}  // namespace procpool::process
