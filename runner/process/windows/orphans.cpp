#include "procpool/runner/process/orphans.hpp"

// Windows has no orphans to adopt: each task runs in a Job Object that kills what is left in it
// when the task ends (windows/child.cpp) and, with kill-on-close, when the runner itself goes.
// What Linux needs a subreaper for is already done, so these have nothing to do.
namespace procpool::process {

bool become_subreaper() { return true; }

std::size_t kill_and_reap_all_children() { return 0; }

}  // namespace procpool::process
