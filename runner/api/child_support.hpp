// What every child the library forks does alike (internal: not an installed header).
#pragma once

#include <exception>
#include <functional>
#include <string>

namespace procpool::detail {

// C and C++ standard streams, so a fork does not copy unflushed output and a child's output is
// out before it leaves with _exit.
void flush_standard_streams();

// The demangled type of the exception being handled ("std::invalid_argument").
std::string current_exception_type();

// What a Process's child prints when its target throws, as Python does: "Process <pid>: uncaught
// <type>: <what>" (`e` null: a non-standard exception, no message). Call inside the handler.
void report_uncaught_exception(const std::exception* e);

// Asks the kernel to SIGKILL this process when its parent goes, and leaves at once if `parent`
// is already gone (it died before the request took effect). Windows: nothing to do, the
// library's job object does it (see library_child.hpp).
void die_with_parent(int parent);

// Runs `job` on the starter thread and waits for it: one long-lived thread that makes every
// child the library forks or spawns. The kernel's "kill the child when its parent dies"
// (PR_SET_PDEATHSIG) fires when the *thread* that made the child ends; made by a thread that
// lives as long as the process, a worker dies with the process, not with the thread that
// happened to create the pool. Called on the starter thread itself, runs `job` there at once.
// Windows: runs `job` at once (a job object, not a thread, ties children to us).
void on_starter_thread(const std::function<void()>& job);

// Forks, on the starter thread, a child that runs `child` (which must end with _exit) after
// die_with_parent; the standard streams are flushed first, or the child would print the
// parent's buffered output again. Returns the child's pid; throws procpool::Error when fork
// fails. Windows has no fork: throws procpool::UsageError saying to use spawn.
int fork_child(const std::function<void()>& child);

// Set in the environment of a child started by the spawn start method: a Pool's worker, a
// Process's child. run_worker_if_requested() serves it and removes it (so that the child's own
// pools and processes start real children).
inline constexpr const char* kPoolWorkerVariable = "PROCPOOL_POOL_WORKER";
inline constexpr const char* kProcessChildVariable = "PROCPOOL_PROCESS_CHILD";

// The exit status of a spawned worker that reached a Pool or a Process before the guard.
inline constexpr int kWorkerWithoutGuardExit = 87;

// Called where a Pool or Process starts (`what` names it). In a copy of the program started as
// a spawned worker that has not run run_worker_if_requested() yet — main() lacks the guard —
// it says so on stderr and leaves with kWorkerWithoutGuardExit: going on would make that
// worker's own pool, whose workers would do the same, an exponential process storm (CPython
// refuses the same mistake: "An attempt has been made to start a new process before the
// current process has finished its bootstrapping phase").
void refuse_in_unguarded_worker(const char* what);

}  // namespace procpool::detail
