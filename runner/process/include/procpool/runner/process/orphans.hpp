// Catching what escapes a task's process group. A runner that is a child subreaper gets every
// orphaned descendant reparented to itself (instead of to init, which in containers often never
// reaps), so at the end of a run it can kill and reap whatever is left: no orphans, no zombies.
#pragma once

#include <cstddef>
#include <vector>

namespace procpool::process {

// Makes this process the subreaper for its descendants. Returns false if the kernel refused.
bool become_subreaper();

// SIGKILLs every child of this process and reaps them all (waits up to ~2 s for stragglers).
// Only call when no child is owned by anything else: it reaps with waitpid(-1).
// Returns how many were still running (zombies already dead are reaped but not counted).
std::size_t kill_and_reap_all_children();

}  // namespace procpool::process
