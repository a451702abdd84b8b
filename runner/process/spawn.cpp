#include "procpool/process/spawn.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/v2/environment.hpp>

extern char** environ;

namespace procpool::process {
namespace {

// RAII for the posix_spawn attribute objects, so every early return destroys them.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// The parent's environment with the request's variables replacing or joining it.
std::vector<std::string> merged_environment(const std::vector<EnvVar>& overrides) {
  std::vector<std::string> entries;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& var : overrides) {
      if (var.name == name) {
        overridden = true;
        break;
      }
    }
    if (!overridden) entries.emplace_back(entry);
  }
  for (const auto& var : overrides) entries.push_back(var.name + "=" + var.value);
  return entries;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

int dev_null() {
  // Opened once and kept: it is close-on-exec here and dup2'ed into each child.
  static const int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  return fd;
}

}  // namespace

std::optional<bp2::process> spawn_process(boost::asio::any_io_executor executor,
                                          const SpawnRequest& request, std::string& error) {
  if (request.argv.empty() || request.argv[0].empty()) {
    error = "empty command";
    return std::nullopt;
  }
  std::string program = request.argv[0];
  if (program.find('/') == std::string::npos) {
    // posix_spawnp would search the PATH of the *child's* environment at exec time; resolving
    // here gives a clear error before anything is forked.
    auto found = bp2::environment::find_executable(program);
    if (found.empty()) {
      error = "command not found in PATH: " + program;
      return std::nullopt;
    }
    program = found.string();
  }

  SpawnSetup setup;
  const int null_fd = dev_null();
  auto fd_or_null = [&](int fd) { return fd >= 0 ? fd : null_fd; };
  posix_spawn_file_actions_adddup2(&setup.actions, fd_or_null(request.stdin_fd), 0);
  posix_spawn_file_actions_adddup2(&setup.actions, fd_or_null(request.stdout_fd), 1);
  posix_spawn_file_actions_adddup2(&setup.actions, fd_or_null(request.stderr_fd), 2);
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, 3);
  if (!request.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&setup.actions, request.working_dir.c_str());
  }

  sigset_t all_signals;
  sigset_t no_signals;
  sigfillset(&all_signals);
  sigdelset(&all_signals, SIGKILL);
  sigdelset(&all_signals, SIGSTOP);
  sigemptyset(&no_signals);
  posix_spawnattr_setflags(&setup.attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&setup.attributes, 0);  // a new group led by the child
  posix_spawnattr_setsigmask(&setup.attributes, &no_signals);
  posix_spawnattr_setsigdefault(&setup.attributes, &all_signals);

  std::vector<std::string> argv_strings = request.argv;
  std::vector<std::string> env_strings = merged_environment(request.env);
  auto argv = c_strings(argv_strings);
  auto envp = c_strings(env_strings);

  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attributes, argv.data(),
                         envp.data());
  if (rc != 0) {
    error = std::string(std::strerror(rc)) + ": " + request.argv[0];
    if (!request.working_dir.empty()) error += " (working directory " + request.working_dir + ")";
    return std::nullopt;
  }

  // v2 would call pidfd_open itself and throw on failure after the fork (defect 13); doing it
  // here lets us stop and reap the child we just made instead of leaving it untracked.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    error = std::string("pidfd_open failed (kernel too old or blocked): ") + std::strerror(errno);
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return std::nullopt;
  }
  return bp2::process(std::move(executor), pid, pidfd);
}

}  // namespace procpool::process
