#include "worker_loop.hpp"

#include <cstdio>
#include <cstdlib>

#include "child_support.hpp"
#include "link.hpp"
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

// A spawned child's parent, from the environment, so it dies with it (Linux; see
// die_with_parent).
void die_with_spawning_parent() {
  const char* parent = std::getenv("PROCPOOL_POOL_PARENT");
  if (parent) die_with_parent(std::atoi(parent));
}

}  // namespace

void worker_main(int fd, const PoolConfig& config, bool by_name) {
  if (config.initializer) {
    const wire::Reply outcome = wire::decode_reply(run_call(*config.initializer));
    if (!outcome.ok) {
      std::fprintf(stderr, "procpool::Pool: worker %d: initializer failed: %s\n", this_process_id(),
                   (outcome.error_type + ": " + outcome.payload).c_str());
      flush_standard_streams();
      std::_Exit(3);
    }
  }
  if (!wire::send_message(fd, wire::ready_reply())) std::_Exit(0);
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
  std::_Exit(0);
}

void spawned_worker_main(int fd) {
  PoolConfig config;
  if (const char* max = std::getenv("PROCPOOL_POOL_MAX_TASKS"))
    config.max_tasks_per_child = std::atoi(max);
  die_with_spawning_parent();
  std::string first;  // the initializer, by name, or nothing
  if (!wire::receive_message(fd, first)) std::_Exit(0);
  if (!first.empty()) config.initializer = wire::decode_named(first);
  worker_main(fd, config, /*by_name=*/true);
}

void spawned_process_main(int fd) {
  die_with_spawning_parent();
  std::string message;  // the target, by name, and its arguments
  if (!wire::receive_message(fd, message)) std::_Exit(1);
  close_socket(fd);  // nothing more comes; the parent learns the end from the exit status
  int code = 0;
  try {
    const Invocation call = wire::decode_named(message);
    call.invoker(call.fn, call.args);
  } catch (const std::exception& e) {
    report_uncaught_exception(&e);
    code = 1;
  } catch (...) {
    report_uncaught_exception(nullptr);
    code = 1;
  }
  flush_standard_streams();
  std::_Exit(code);
}

}  // namespace procpool::detail

namespace procpool {

std::optional<int> run_worker_if_requested() {
  using namespace detail;
  const bool pool_worker = std::getenv(kPoolWorkerVariable) != nullptr;
  const bool process_child = std::getenv(kProcessChildVariable) != nullptr;
  if (!pool_worker && !process_child) return std::nullopt;
  // Its own pools and processes, if any, start real children.
  unset_environment_variable(kPoolWorkerVariable);
  unset_environment_variable(kProcessChildVariable);
  const int link = socket_from_parent();
  if (link == -1) {
    std::fprintf(stderr, "procpool: process %d was started as a %s but cannot reach its parent\n",
                 this_process_id(), pool_worker ? "Pool worker" : "Process child");
    std::_Exit(1);
  }
  if (pool_worker) spawned_worker_main(link);
  spawned_process_main(link);
}

}  // namespace procpool
