#include "child_support.hpp"

#include <cxxabi.h>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <typeinfo>

#include "link.hpp"

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

void report_uncaught_exception(const std::exception* e) {
  if (e) {
    std::fprintf(stderr, "Process %d: uncaught %s: %s\n", this_process_id(),
                 current_exception_type().c_str(), e->what());
  } else {
    std::fprintf(stderr, "Process %d: uncaught %s\n", this_process_id(),
                 current_exception_type().c_str());
  }
}

namespace {

bool started_by_spawn() {
  return std::getenv(kPoolWorkerVariable) || std::getenv(kProcessChildVariable);
}

}  // namespace

void refuse_in_unguarded_worker(const char* what) {
  if (!started_by_spawn()) return;
  std::fprintf(stderr,
               "procpool: process %d was started by a Pool or Process (spawn start method) but is "
               "making a %s before serving any task: main() must begin with\n"
               "    if (auto code = procpool::run_worker_if_requested()) return *code;\n"
               "(without it every worker runs main() again and starts workers of its own)\n",
               this_process_id(), what);
  flush_standard_streams();
  std::_Exit(kWorkerWithoutGuardExit);
}

}  // namespace procpool::detail
