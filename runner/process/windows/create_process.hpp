// Windows: starting a process with CreateProcessW, suspended until it is in its job (internal to
// the process layer: child.cpp starts tasks with it, library_child.cpp the library's children).
#pragma once

#include <windows.h>

#include <mutex>

#include "procpool/runner/core/outcome.hpp"
#include "procpool/runner/core/result.hpp"
#include "procpool/runner/process/spawn_request.hpp"
#include "windows_handles.hpp"

namespace procpool::process {

// An exit status as an outcome: an exception code (NTSTATUS with error severity, 0xC0000000 and
// up) is a crash; anything else, abort()'s 3 included, an exit code.
Outcome outcome_of_exit_code(DWORD code);

// Only one thread at a time may have inheritable handles open around CreateProcessW: where the
// handle list is not honoured, another child started meanwhile would inherit this one's pipe
// and hold it open.
std::mutex& inheritance_lock();

// An inheritable copy of C runtime descriptor `fd` of ours; NUL when fd is -1 or we have no
// such stream (a GUI program, a closed stream).
Result<OwnedHandle> inheritable_handle(int fd, bool for_reading);

// A job that kills what is left in it when its last handle closes, from which nothing breaks away.
Result<OwnedHandle> make_job();

struct Started {
  OwnedHandle process;
  OwnedHandle job;  // empty when the process went into a job the caller gave
  DWORD pid = 0;
};

// Starts request.argv (looked up in the PATH the child will have, ".exe" tried) with `in`,
// `out` and `err` as its standard handles and only those inherited, in a new process group,
// with request.env/env_unset applied to our environment and request.working_dir. Suspended
// until it is in `shared_job`, or in a new job of its own when that is null, so nothing it
// starts escapes the job (a shared job that cannot take it, as when we run in a job that forbids
// nesting, is skipped). Call with inheritance_lock() held. A failure says "<reason>: argv[0]".
Result<Started> create_task_process(const SpawnRequest& request, HANDLE out, HANDLE err, HANDLE in,
                                    HANDLE shared_job = nullptr);

}  // namespace procpool::process
