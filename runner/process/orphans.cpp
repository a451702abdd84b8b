#include "procpool/runner/process/orphans.hpp"

#include <dirent.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <fstream>
#include <set>
#include <string>

namespace procpool::process {
namespace {

struct ProcStat {
  int ppid = 0;
  char state = '?';
};

// /proc/PID/stat is "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so
// parse from the last ')'.
bool read_stat(int pid, ProcStat& stat) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(file, text)) return false;
  const auto close = text.rfind(')');
  if (close == std::string::npos || close + 4 > text.size()) return false;
  stat.state = text[close + 2];
  stat.ppid = std::stoi(text.substr(close + 4));
  return true;
}

}  // namespace

bool become_subreaper() { return ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }

std::vector<int> child_pids() {
  std::vector<int> pids;
  const int self = ::getpid();
  DIR* dir = ::opendir("/proc");
  if (!dir) return pids;
  while (dirent* entry = ::readdir(dir)) {
    const char* name = entry->d_name;
    if (*name < '1' || *name > '9') continue;
    const int pid = std::atoi(name);
    ProcStat stat;
    if (read_stat(pid, stat) && stat.ppid == self) pids.push_back(pid);
  }
  ::closedir(dir);
  return pids;
}

std::size_t kill_and_reap_all_children() {
  std::set<int> killed;
  for (int round = 0; round < 2000; ++round) {
    // Again every 20 ms: a killed orphan's own children are reparented to us only as it dies.
    if (round % 20 == 0) {
      for (int pid : child_pids()) {
        ProcStat stat;
        if (read_stat(pid, stat) && stat.state != 'Z' && ::kill(pid, SIGKILL) == 0) {
          killed.insert(pid);
        }
      }
    }
    const pid_t reaped = ::waitpid(-1, nullptr, WNOHANG);
    if (reaped < 0) break;            // ECHILD: none left
    if (reaped == 0) ::usleep(1000);  // killed but not dead yet
  }
  return killed.size();
}

}  // namespace procpool::process
