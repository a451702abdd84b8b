#include "child_support.hpp"

#include <cxxabi.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <typeinfo>

#include "procpool/errors.hpp"

namespace procpool::detail {

void flush_standard_streams() {
  std::cout.flush();
  std::cerr.flush();
  std::clog.flush();
  std::fflush(nullptr);
}

std::string current_exception_type() {
  const std::type_info* type = abi::__cxa_current_exception_type();
  if (!type) return "unknown exception";
  int status = 0;
  char* name = abi::__cxa_demangle(type->name(), nullptr, nullptr, &status);
  std::string result = status == 0 && name ? name : type->name();
  std::free(name);
  return result;
}

void die_with_parent(pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);
}

pid_t fork_child(const std::function<void()>& child) {
  flush_standard_streams();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("procpool: fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    die_with_parent(parent);
    // The stop policy's signals must reach it even if the parent blocks them (procpool's CLI
    // reads them through a signalfd, with them blocked).
    sigset_t stopping;
    sigemptyset(&stopping);
    for (int signal : {SIGTERM, SIGINT, SIGHUP, SIGQUIT}) sigaddset(&stopping, signal);
    ::sigprocmask(SIG_UNBLOCK, &stopping, nullptr);
    child();
    ::_exit(0);  // `child` should not return; if it does, leave without running atexit handlers
  }
  return pid;
}

}  // namespace procpool::detail
