#include "../supervisor.hpp"

// Windows needs no second process: what the Linux supervisor guarantees (no task outlives a
// runner that is killed) each task's Job Object already does. Its handle closes when the runner
// dies, however it dies, and JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE then kills every process in it
// (process/windows/child.cpp).
namespace procpool::cli {

void supervise() {}

}  // namespace procpool::cli
