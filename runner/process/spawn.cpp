#include "procpool/runner/process/spawn.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <boost/process/v2/environment.hpp>

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

// Everything the child needs, prepared by the parent: between clone and exec the child may
// only make system calls (no allocation, no locks), since it shares the parent's memory.
struct ChildSetup {
  const char* program = nullptr;
  char** argv = nullptr;
  char** envp = nullptr;
  const char* working_dir = nullptr;
  int fds[3] = {-1, -1, -1};
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
  ::syscall(SYS_setpgid, 0, 0);  // a group of its own: stopping the task reaches its grandchildren
  // The sources are all >= 3 (the parent made sure), so dup3 never sees equal descriptors.
  for (int target = 0; target < 3; ++target) ::syscall(SYS_dup3, setup->fds[target], target, 0);
  // Only 0-2 survive: fixes v2's descriptor leak (defect 1) without relying on CLOEXEC.
  if (setup->keep_fd < 0) {
    ::syscall(SYS_close_range, 3u, ~0u, 0u);
  } else {  // the TSan build's error pipe (see clone_and_exec)
    if (setup->keep_fd > 3) ::syscall(SYS_close_range, 3u, setup->keep_fd - 1u, 0u);
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
  // Opened once and kept: it is close-on-exec here and dup2'ed into each child.
  static const int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  return fd;
}

}  // namespace

Result<SpawnedProcess> spawn_process(boost::asio::any_io_executor executor,
                                     const SpawnRequest& request) {
  if (request.argv.empty() || request.argv[0].empty()) {
    return fail("empty command");
  }
  std::string program = request.argv[0];
  if (program.find('/') == std::string::npos) {
    // Resolved here, in the parent, so a missing command is a clear error before any clone.
    auto found = bp2::environment::find_executable(program);
    if (found.empty()) {
      return fail("command not found in PATH: " + program);
    }
    program = found.string();
  }

  std::vector<std::string> argv_strings = request.argv;
  std::vector<std::string> env_strings = merged_environment(request.env, request.env_unset);
  auto argv = c_strings(argv_strings);
  auto envp = c_strings(env_strings);

  ChildSetup setup;
  setup.program = program.c_str();
  setup.argv = argv.data();
  setup.envp = envp.data();
  setup.working_dir = request.working_dir.empty() ? nullptr : request.working_dir.c_str();
  const int null_fd = dev_null();
  const int wanted[3] = {request.stdin_fd, request.stdout_fd, request.stderr_fd};
  int moved[3] = {-1, -1, -1};
  for (int i = 0; i < 3; ++i) {
    setup.fds[i] = wanted[i] >= 0 ? wanted[i] : null_fd;
    // A source among 0-2 could be overwritten by an earlier dup2 in the child: move it up.
    if (setup.fds[i] < 3) setup.fds[i] = moved[i] = ::fcntl(setup.fds[i], F_DUPFD_CLOEXEC, 3);
  }

  const pid_t pid = clone_and_exec(setup);
  for (int fd : moved) {
    if (fd >= 0) ::close(fd);
  }
  if (pid < 0 || setup.error_errno != 0) {
    const int why = pid < 0 ? errno : setup.error_errno;
    if (pid > 0) ::waitpid(pid, nullptr, 0);  // it already called _exit(127)
    if (setup.error_step) {
      return fail("cannot enter working directory " + request.working_dir + ": " +
                  std::strerror(why));
    }
    return fail(std::string(std::strerror(why)) + ": " + request.argv[0]);
  }

  // v2 would call pidfd_open itself and throw on failure after the fork (defect 13); doing it
  // here lets us stop and reap the child we just made instead of leaving it untracked.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    const int why = errno;
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return fail(std::string("pidfd_open failed (kernel too old or blocked): ") +
                std::strerror(why));
  }
  // bp2::process registers its pidfd with the reactor, and 1.81 gives no access to it
  // (basic_process::native_handle() does not compile), so the caller gets its own copy.
  const int exit_fd = ::fcntl(pidfd, F_DUPFD_CLOEXEC, 3);
  return SpawnedProcess{bp2::process(std::move(executor), pid, pidfd), exit_fd};
}

}  // namespace procpool::process
