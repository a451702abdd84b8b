// A Pool worker's side (internal): the initializer once, then tasks from the socket until EOF or
// the worker's task limit, each reply sent back in order.
#pragma once

#include <sys/types.h>

#include "procpool/detail/pool_core.hpp"

namespace procpool::detail {

// A forked worker's whole life (`by_name`: false) or a spawned one's (true); ends with _exit.
[[noreturn]] void worker_main(int fd, const PoolConfig& config, bool by_name);

// A spawned worker (run_worker_if_requested): its configuration from the environment and the
// first message, then worker_main on `fd`.
[[noreturn]] void spawned_worker_main(int fd);

}  // namespace procpool::detail
