// Reading the process table from /proc: who is whose child, in which group and session. The
// runner uses it to find every process of a task wherever it moved (its session, its group, its
// descendants) and what it left behind; the orphan sweep uses it to find what was adopted.
#pragma once

#include <optional>
#include <vector>

namespace procpool::process {

struct ProcessInfo {
  int pid = 0;
  int ppid = 0;
  int pgid = 0;
  int sid = 0;
  char state = '?';  // 'Z' for a zombie
};

std::optional<ProcessInfo> read_process(int pid);

// Every process visible in /proc.
std::vector<ProcessInfo> list_processes();

// The live processes of the task whose leader is `leader` (it runs in a session of its own):
// members of its session or group, and descendants of the leader by parent links (which also
// finds those that left the session while their parents live). Without the leader, without
// zombies.
std::vector<int> task_processes(const std::vector<ProcessInfo>& table, int leader);

// The children of this process (of all its threads), from /proc/self/task/*/children: cheap,
// and the way a subreaper sees what was just reparented to it.
std::vector<int> own_children();

// The processes holding a descriptor of the pipe whose inode is `pipe_inode` (what keeps a task's
// output open after its leader exited), from /proc/*/fd: costly, for the rare leak path.
std::vector<int> pipe_holders(unsigned long pipe_inode);

}  // namespace procpool::process
