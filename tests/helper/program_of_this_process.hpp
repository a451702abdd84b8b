// A pool task both api_test and pool_worker_program register under one name, so a Pool whose
// PoolOptions::executable names the other program can be asked which program served it.
#pragma once

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif
#include <string>

#include "procpool/spawn.hpp"

namespace procpool::testing_helper {

inline std::string program_of_this_process(int) {
  char path[4096];
#ifdef _WIN32
  const DWORD length = ::GetModuleFileNameA(nullptr, path, sizeof path);
#else
  const ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
#endif
  return length > 0 ? std::string(path, static_cast<std::size_t>(length)) : std::string();
}
PROCPOOL_TASK(program_of_this_process);

}  // namespace procpool::testing_helper
