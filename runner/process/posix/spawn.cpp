#include "procpool/runner/process/spawn.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

#include "procpool/runner/process/reap.hpp"

extern char** environ;

namespace procpool::process {
namespace {

// The parent's environment with the request's variables replacing or joining it.
std::vector<std::string> merged_environment(const std::vector<EnvVar>& overrides,
                                            const std::vector<std::string>& removals) {
  std::vector<std::string> entries;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    bool overridden = std::find(removals.begin(), removals.end(), name) != removals.end();
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

// The PATH entry of `environment`, or the POSIX default when it has none.
std::string path_of(const std::vector<std::string>& environment) {
  for (const auto& entry : environment) {
    if (entry.rfind("PATH=", 0) == 0) return entry.substr(5);
  }
  return "/usr/local/bin:/usr/bin:/bin";
}

// The first executable `program` along the PATH the child will have.
Result<std::string> find_in_path(const std::string& program,
                                 const std::vector<std::string>& environment) {
  const std::string path = path_of(environment);
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const std::size_t end = std::min(path.find(':', begin), path.size());
    std::string dir = path.substr(begin, end - begin);
    if (dir.empty()) dir = ".";  // an empty entry is the current directory
    const std::string candidate = dir + "/" + program;
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    begin = end + 1;
  }
  return fail("command not found in PATH: " + program);
}

// Everything the child needs, prepared by the parent: between clone and exec the child may
// only make system calls (no allocation, no locks), since it shares the parent's memory.
struct ChildSetup {
  const char* program = nullptr;
  char** argv = nullptr;
  char** envp = nullptr;
  const char* working_dir = nullptr;
  int fds[4] = {-1, -1, -1, -1};  // for 0, 1, 2 and (when >= 0) 3
  // Written by the child when a step fails; the parent reads it once clone returns, which
  // CLONE_VFORK guarantees happens only after the child exec'd or exited.
  volatile int error_errno = 0;
  int keep_fd = -1;  // a descriptor above 2 to keep open in the child (TSan builds only)
  const char* volatile error_step = nullptr;  // nullptr: exec failed; else "chdir"
};

// The kernel's struct sigaction (not libc's), for rt_sigaction with SIG_DFL.
struct KernelSigaction {
  void (*handler)(int) = SIG_DFL;
  unsigned long flags = 0;
  void (*restorer)() = nullptr;
  unsigned long mask = 0;
};

// Runs in the child, on its own stack, sharing the parent's memory until execve. Only raw
// system calls: libc wrappers may be intercepted by sanitizer runtimes (ASan's _exit runs a leak
// check, TSan's sigaction touches per-thread state), which must not run here.
__attribute__((no_sanitize("address", "undefined", "thread"))) int child_main(void* arg) {
  auto* setup = static_cast<ChildSetup*>(arg);
  // Default dispositions for every signal: the runner ignores SIGPIPE and catches SIGINT and
  // SIGTERM, and a child must not inherit either.
  const KernelSigaction default_action;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) {
      ::syscall(SYS_rt_sigaction, sig, &default_action, nullptr, sizeof default_action.mask);
    }
  }
  // A session of its own (and so a group): stopping the task reaches its grandchildren, and none
  // of its processes can move into another task's group or the runner's (setpgid works only
  // within a session).
  ::syscall(SYS_setsid);
  // The sources are all above the targets (the parent made sure), so dup3 never sees equal
  // descriptors and never overwrites a source still to be copied.
  const unsigned count = setup->fds[3] >= 0 ? 4u : 3u;
  for (unsigned target = 0; target < count; ++target)
    ::syscall(SYS_dup3, setup->fds[target], target, 0);
  // Only 0-2 (and 3) survive: fixes v2's descriptor leak (defect 1) without relying on CLOEXEC.
  if (setup->keep_fd < 0) {
    ::syscall(SYS_close_range, count, ~0u, 0u);
  } else {  // the TSan build's error pipe (see clone_and_exec)
    if (setup->keep_fd > static_cast<int>(count))
      ::syscall(SYS_close_range, count, setup->keep_fd - 1u, 0u);
    ::syscall(SYS_close_range, setup->keep_fd + 1u, ~0u, 0u);
  }
  if (setup->working_dir) {
    const long rc = ::syscall(SYS_chdir, setup->working_dir);
    if (rc != 0) {
      setup->error_step = "chdir";
      setup->error_errno = errno;
      return 127;  // the caller leaves with _exit / the clone's own exit, never exit()
    }
  }
  const unsigned long no_signals = 0;
  ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &no_signals, nullptr, sizeof no_signals);
  ::syscall(SYS_execve, setup->program, setup->argv, setup->envp);
  setup->error_errno = errno;
  // Returning ends a clone()d child with the exit system call, never exit(): the parent's stdio
  // buffers are not flushed twice (defect 2).
  return 127;
}

// clone(CLONE_VM | CLONE_VFORK) like glibc's posix_spawn, but with one stack per thread kept
// for reuse and no per-spawn getrlimit calls: the parent is suspended until the child execs,
// so a thread never needs two stacks at once.
pid_t clone_and_exec(ChildSetup& setup) {
  constexpr std::size_t stack_size = 64 * 1024;
  thread_local void* stack = nullptr;
  if (!stack) {
    stack = ::mmap(nullptr, stack_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
      stack = nullptr;
      return -1;
    }
  }
  // No signal handler may run in the child while it shares our memory.
  sigset_t all, previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer cannot follow a child that shares our memory: its shadow state gets out of
  // step and it then reports false races between this process's threads (seen in the Pool
  // tests). Under TSan only, the same child code runs after a plain fork, and an exec failure
  // comes back through a close-on-exec pipe instead of shared memory.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return -1;
  setup.keep_fd = report[1];
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(report[0]);
    child_main(&setup);  // returns only if exec failed; setup holds why
    const int why[2] = {setup.error_errno, setup.error_step ? 1 : 0};
    [[maybe_unused]] ssize_t n = ::write(report[1], why, sizeof why);
    ::_exit(127);
  }
  const int clone_errno = errno;
  ::close(report[1]);
  int why[2] = {0, 0};
  if (pid > 0 && ::read(report[0], why, sizeof why) == static_cast<ssize_t>(sizeof why)) {
    setup.error_errno = why[0];
    setup.error_step = why[1] ? "chdir" : nullptr;
  }
  ::close(report[0]);
#else
  const pid_t pid = ::clone(child_main, static_cast<char*>(stack) + stack_size,
                            CLONE_VM | CLONE_VFORK | SIGCHLD, &setup);
  const int clone_errno = errno;
#endif
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  errno = clone_errno;
  return pid;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

int dev_null() {
  // Opened once and kept: it is close-on-exec here and dup2'ed into each child. Opened again
  // after a failure (out of descriptors for a moment), never given up on for good.
  static std::mutex mutex;
  static int fd = -1;
  std::lock_guard<std::mutex> lock(mutex);
  if (fd < 0) fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  return fd;
}

}  // namespace

bool resources_exhausted(int os_error) {
  return os_error == EMFILE || os_error == ENFILE || os_error == EAGAIN || os_error == ENOMEM;
}

Result<SpawnedProcess> spawn_process(boost::asio::any_io_executor executor,
                                     const SpawnRequest& request) {
  make_children_waitable();
  if (request.argv.empty() || request.argv[0].empty()) {
    return fail("empty command");
  }
  std::vector<std::string> argv_strings = request.argv;
  std::vector<std::string> env_strings = merged_environment(request.env, request.env_unset);
  std::string program = request.argv[0];
  if (program.find('/') == std::string::npos) {
    // Resolved here, in the parent, so a missing command is a clear error before any clone, and
    // in the PATH the task gets (a task's own PATH may differ from ours).
    auto found = find_in_path(program, env_strings);
    if (!found) return found.failure();
    program = *found;
  }

  auto argv = c_strings(argv_strings);
  auto envp = c_strings(env_strings);

  ChildSetup setup;
  setup.program = program.c_str();
  setup.argv = argv.data();
  setup.envp = envp.data();
  setup.working_dir = request.working_dir.empty() ? nullptr : request.working_dir.c_str();
  const int null_fd = dev_null();
  if (null_fd < 0)
    return fail_os(errno, std::string("cannot open /dev/null: ") + std::strerror(errno));
  const int wanted[4] = {request.stdin_fd, request.stdout_fd, request.stderr_fd, request.fd3};
  const int count = request.fd3 >= 0 ? 4 : 3;
  int moved[4] = {-1, -1, -1, -1};
  auto close_moved = [&] {
    for (int fd : moved) {
      if (fd >= 0) ::close(fd);
    }
  };
  for (int i = 0; i < count; ++i) {
    setup.fds[i] = wanted[i] >= 0 ? wanted[i] : null_fd;
    // A source among the targets could be overwritten by an earlier dup3 in the child: move it
    // above them.
    if (setup.fds[i] < count) {
      setup.fds[i] = moved[i] = ::fcntl(setup.fds[i], F_DUPFD_CLOEXEC, count);
      if (moved[i] < 0) {
        const int why = errno;
        close_moved();
        return fail_os(why, std::string(std::strerror(why)) + ": " + request.argv[0]);
      }
    }
  }

  const pid_t pid = clone_and_exec(setup);
  const int spawn_errno = errno;
  close_moved();
  if (pid < 0 || setup.error_errno != 0) {
    const int why = pid < 0 ? spawn_errno : setup.error_errno;
    if (pid > 0) ::waitpid(pid, nullptr, 0);  // it already called _exit(127)
    if (setup.error_step) {
      return fail_os(
          why, "cannot enter working directory " + request.working_dir + ": " + std::strerror(why));
    }
    return fail_os(why, std::string(std::strerror(why)) + ": " + request.argv[0]);
  }

  // v2 would call pidfd_open itself and throw on failure after the fork (defect 13); doing it
  // here lets us stop and reap the child we just made instead of leaving it untracked.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  // bp2::process registers its pidfd with the reactor, and 1.81 gives no access to it
  // (basic_process::native_handle() does not compile), so the caller gets its own copy.
  const int exit_fd = pidfd < 0 ? -1 : ::fcntl(pidfd, F_DUPFD_CLOEXEC, 3);
  if (pidfd < 0 || exit_fd < 0) {
    // Out of descriptors (or no pidfd in this kernel): stop and reap the child we just made
    // rather than leave it untracked.
    const int why = errno;
    if (pidfd >= 0) ::close(pidfd);
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return fail_os(why, std::string("cannot watch the started process (pidfd): ") +
                            std::strerror(why) + ": " + request.argv[0]);
  }
  return SpawnedProcess{bp2::process(std::move(executor), pid, pidfd), exit_fd};
}

}  // namespace procpool::process
