// What to start: the same request on every platform (spawn.hpp starts it on Linux; Child
// starts it and owns it everywhere).
#pragma once

#include <string>
#include <vector>

#include "procpool/runner/core/task.hpp"

namespace procpool::process {

struct SpawnRequest {
  std::vector<std::string> argv;       // argv[0] is searched in PATH when it has no '/'
                                       // (on Windows: no '/' or '\\', and .exe added)
  std::vector<EnvVar> env;             // set on top of this process's environment
  std::vector<std::string> env_unset;  // removed from this process's environment
  std::string working_dir;             // empty: this process's
  int stdin_fd = -1;                   // -1: /dev/null
  int stdout_fd = -1;                  // -1: /dev/null
  int stderr_fd = -1;                  // -1: /dev/null
  int fd3 = -1;  // becomes descriptor 3 in the child (a control socket); -1: none
};

}  // namespace procpool::process
