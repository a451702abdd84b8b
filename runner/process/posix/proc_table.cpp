#include "procpool/runner/process/proc_table.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>

namespace procpool::process {
namespace {

// A whole small /proc file (stat, children lists), without stdio or iostreams.
std::string read_small_file(const std::string& path) {
  std::string text;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  ::close(fd);
  return text;
}

bool all_digits(const char* name) {
  if (*name < '1' || *name > '9') return false;
  for (const char* c = name; *c; ++c) {
    if (*c < '0' || *c > '9') return false;
  }
  return true;
}

template <typename Visit>
void for_each_pid(const char* dir_path, Visit visit) {
  DIR* dir = ::opendir(dir_path);
  if (!dir) return;
  while (dirent* entry = ::readdir(dir)) {
    if (all_digits(entry->d_name)) visit(std::atoi(entry->d_name));
  }
  ::closedir(dir);
}

}  // namespace

std::optional<ProcessInfo> read_process(int pid) {
  // "pid (comm) state ppid pgrp session ..."; comm may hold spaces and parentheses, so parse
  // from the last ')'.
  const std::string text = read_small_file("/proc/" + std::to_string(pid) + "/stat");
  const auto close = text.rfind(')');
  if (close == std::string::npos || close + 2 >= text.size()) return std::nullopt;
  ProcessInfo info;
  info.pid = pid;
  info.state = text[close + 2];
  char* at = const_cast<char*>(text.c_str()) + close + 3;
  info.ppid = static_cast<int>(std::strtol(at, &at, 10));
  info.pgid = static_cast<int>(std::strtol(at, &at, 10));
  info.sid = static_cast<int>(std::strtol(at, &at, 10));
  return info;
}

std::vector<ProcessInfo> list_processes() {
  std::vector<ProcessInfo> table;
  for_each_pid("/proc", [&](int pid) {
    if (auto info = read_process(pid)) table.push_back(*info);
  });
  return table;
}

std::vector<int> task_processes(const std::vector<ProcessInfo>& table, int leader) {
  std::multimap<int, int> children;  // ppid -> pid
  for (const auto& p : table) children.emplace(p.ppid, p.pid);
  std::set<int> found;
  for (const auto& p : table) {
    if (p.pid != leader && (p.sid == leader || p.pgid == leader)) found.insert(p.pid);
  }
  std::vector<int> frontier{leader};
  while (!frontier.empty()) {
    const int parent = frontier.back();
    frontier.pop_back();
    for (auto [it, end] = children.equal_range(parent); it != end; ++it) {
      found.insert(it->second);
      frontier.push_back(it->second);  // a pid has one parent: each is visited once
    }
  }
  std::vector<int> live;
  for (const auto& p : table) {
    if (found.count(p.pid) && p.state != 'Z' && p.pid != leader) live.push_back(p.pid);
  }
  return live;
}

std::vector<int> own_children() {
  std::vector<int> pids;
  const std::string self = "/proc/" + std::to_string(::getpid()) + "/task";
  for_each_pid(self.c_str(), [&](int tid) {
    const std::string text = read_small_file(self + "/" + std::to_string(tid) + "/children");
    const char* at = text.c_str();
    while (true) {
      char* end = nullptr;
      const long pid = std::strtol(at, &end, 10);
      if (end == at) break;
      pids.push_back(static_cast<int>(pid));
      at = end;
    }
  });
  return pids;
}

std::vector<int> pipe_holders(unsigned long pipe_inode) {
  const std::string wanted = "pipe:[" + std::to_string(pipe_inode) + "]";
  std::vector<int> holders;
  for_each_pid("/proc", [&](int pid) {
    const std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
    DIR* dir = ::opendir(fd_dir.c_str());
    if (!dir) return;
    char link[64];
    while (dirent* entry = ::readdir(dir)) {
      if (entry->d_name[0] == '.') continue;
      const ssize_t n = ::readlinkat(::dirfd(dir), entry->d_name, link, sizeof link - 1);
      if (n > 0 && wanted.compare(0, std::string::npos, link, static_cast<std::size_t>(n)) == 0) {
        holders.push_back(pid);
        break;
      }
    }
    ::closedir(dir);
  });
  return holders;
}

}  // namespace procpool::process
