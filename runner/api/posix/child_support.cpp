// child_support.hpp's Linux half: the starter thread, PR_SET_PDEATHSIG and fork.
#include <pthread.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

#include "child_support.hpp"
#include "procpool/errors.hpp"

namespace procpool::detail {

void die_with_parent(int parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);
}

namespace {

// The starter thread and its queue, made on first use and never destroyed: it must outlive
// every pool and process, up to the process's own exit.
struct Starter {
  std::mutex mutex;
  std::condition_variable changed;
  const std::function<void()>* job = nullptr;  // the one waiting to run, or null
  bool done = false;
  std::thread::id id;

  Starter() {
    std::thread thread([this] { serve(); });
    id = thread.get_id();
    thread.detach();
  }
  void serve() {
    // The starter thread never handles the runner's stop signals.
    sigset_t all;
    sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, nullptr);
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      changed.wait(lock, [&] { return job != nullptr && !done; });
      (*job)();
      done = true;
      changed.notify_all();
    }
  }
};

Starter& starter() {
  static Starter* instance = new Starter;  // never deleted: see above
  return *instance;
}

std::mutex& one_job_at_a_time() {
  static std::mutex* mutex = new std::mutex;
  return *mutex;
}

}  // namespace

void on_starter_thread(const std::function<void()>& job) {
  Starter& s = starter();
  if (std::this_thread::get_id() == s.id) {
    job();
    return;
  }
  std::lock_guard<std::mutex> turn(one_job_at_a_time());
  std::unique_lock<std::mutex> lock(s.mutex);
  s.job = &job;
  s.done = false;
  s.changed.notify_all();
  s.changed.wait(lock, [&] { return s.done; });
  s.job = nullptr;
}

int fork_child(const std::function<void()>& child) {
  flush_standard_streams();
  const pid_t parent = ::getpid();
  pid_t pid = -1;
  int fork_errno = 0;
  on_starter_thread([&] {
    pid = ::fork();
    fork_errno = errno;
    if (pid == 0) {
      die_with_parent(parent);
      // The stop policy's signals must reach it even if the parent blocks them (procpool's CLI
      // reads them through a signalfd, with them blocked), and the starter thread blocks all.
      sigset_t none;
      sigemptyset(&none);
      ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
      child();
      ::_exit(0);  // `child` should not return; if it does, leave without running atexit handlers
    }
  });
  if (pid < 0) throw Error(std::string("procpool: fork failed: ") + std::strerror(fork_errno));
  return pid;
}

}  // namespace procpool::detail
