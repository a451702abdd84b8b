#include "worker_loop.hpp"

#include <unistd.h>
#include <cstdio>
#include <cstdlib>

#include "child_support.hpp"
#include "wire.hpp"

namespace procpool::detail {
namespace {

// Runs `call`; the reply carries its result or the exception it threw.
std::string run_call(const Invocation& call) {
  try {
    return wire::result_reply(call.invoker(call.fn, call.args));
  } catch (const std::exception& e) {
    return wire::error_reply(current_exception_type(), e.what());
  } catch (...) {
    return wire::error_reply(current_exception_type(), "");
  }
}

}  // namespace

void worker_main(int fd, const PoolConfig& config, bool by_name) {
  if (config.initializer) {
    const wire::Reply outcome = wire::decode_reply(run_call(*config.initializer));
    if (!outcome.ok) {
      std::fprintf(stderr, "procpool::Pool: worker %d: initializer failed: %s\n", ::getpid(),
                   (outcome.error_type + ": " + outcome.payload).c_str());
      flush_standard_streams();
      ::_exit(3);
    }
  }
  if (!wire::send_message(fd, wire::ready_reply())) ::_exit(0);
  unsigned done = 0;
  std::string inbox;  // prefetched tasks arrive together: read them with one call
  bool serving = true;
  while (serving && wire::read_available(fd, inbox, /*wait=*/true)) {
    wire::take_messages(inbox, [&](const std::string& message) {
      std::string reply;
      try {
        reply = run_call(by_name ? wire::decode_named(message) : wire::decode(message));
      } catch (const std::exception& e) {  // an unknown name: report it as the task's error
        reply = wire::error_reply("procpool::UsageError", e.what());
      }
      flush_standard_streams();  // the task's output, before its result is reported
      if (!wire::send_message(fd, reply)) return serving = false;
      if (config.max_tasks_per_child > 0 && ++done >= config.max_tasks_per_child)
        return serving = false;
      return true;
    });
  }
  flush_standard_streams();
  ::_exit(0);
}

void spawned_worker_main(int fd) {
  PoolConfig config;
  if (const char* max = std::getenv("PROCPOOL_POOL_MAX_TASKS"))
    config.max_tasks_per_child = std::atoi(max);
  const char* parent = std::getenv("PROCPOOL_POOL_PARENT");
  die_with_parent(parent ? std::atoi(parent) : ::getppid());
  std::string first;  // the initializer, by name, or nothing
  if (!wire::receive_message(fd, first)) ::_exit(0);
  if (!first.empty()) config.initializer = wire::decode_named(first);
  worker_main(fd, config, /*by_name=*/true);
}

}  // namespace procpool::detail

namespace procpool {

std::optional<int> run_worker_if_requested() {
  if (!std::getenv("PROCPOOL_POOL_WORKER")) return std::nullopt;
  ::unsetenv("PROCPOOL_POOL_WORKER");  // its own pools, if any, start real workers
  detail::spawned_worker_main(3);      // the pool's socket (see PoolCore::spawn_worker)
}

}  // namespace procpool
