// A child's side (internal). A Pool worker: the initializer once, then tasks from the socket
// until EOF or the worker's task limit, each reply sent back in order. A spawned Process's
// child: one target, then its exit.
#pragma once

#include "procpool/detail/pool_core.hpp"

namespace procpool::detail {

// A forked worker's whole life (`by_name`: false) or a spawned one's (true); ends with _exit.
[[noreturn]] void worker_main(int fd, const PoolConfig& config, bool by_name);

// A spawned worker (run_worker_if_requested): its configuration from the environment and the
// first message, then worker_main on `fd`.
[[noreturn]] void spawned_worker_main(int fd);

// A spawned Process's child (run_worker_if_requested): the target and its arguments from `fd`,
// run as a forked child runs them (process.cpp): exit 0, or 1 after an uncaught exception.
[[noreturn]] void spawned_process_main(int fd);

}  // namespace procpool::detail
