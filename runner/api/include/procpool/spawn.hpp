// What a program whose Pools or Processes use the spawn start method needs (the default on
// Windows): the guard at the top of main() and the registration of its task functions.
#pragma once

#include <optional>

#include "procpool/detail/invocation.hpp"

namespace procpool {

// The C++ twin of `if __name__ == "__main__":`. A program whose pools or processes use the
// spawn start method must begin main() with
//     if (auto code = procpool::run_worker_if_requested()) return *code;
// so that a copy of it started as a worker (or a Process's child) serves its task instead of
// running the program; elsewhere it returns nothing at once. A copy
// that reaches a Pool or a Process without it says so on stderr and exits with status 87.
std::optional<int> run_worker_if_requested();

}  // namespace procpool

// Registers a function for the spawn start method (a Pool's task, a Process's target):
// PROCPOOL_TASK(square); at namespace scope, for a function named by a plain identifier.
#define PROCPOOL_TASK(fn)                                            \
  [[maybe_unused]] static const bool procpool_task_registered_##fn = \
      ::procpool::detail::register_task(#fn, &fn)
