#include "procpool/runner/schedule/process_executor.hpp"

#include <boost/asio/post.hpp>

namespace procpool::schedule {

void ProcessExecutor::start(const Launch& launch, AttemptCallbacks callbacks) {
  const TaskSpec& spec = *launch.spec;
  if (!spec.preset_failure.empty()) {
    boost::asio::post(io_, [message = spec.preset_failure, done = std::move(callbacks.done)] {
      AttemptResult result;
      result.outcome = Outcome::start_failure(message);
      result.started_at = std::chrono::system_clock::now();
      done(std::move(result));
    });
    return;
  }
  process::SpawnRequest request;
  request.argv = spec.argv;
  request.working_dir = spec.working_dir;
  request.env = spec.env;
  request.env_unset = spec.env_unset;
  request.env.push_back({"PROCPOOL_TASK_INDEX", std::to_string(launch.index)});
  request.env.push_back({"PROCPOOL_SLOT", std::to_string(launch.slot)});
  request.env.push_back({"PROCPOOL_ATTEMPT", std::to_string(launch.attempt)});

  process::ChildOptions child_options;
  child_options.timeout = spec.timeout.count() > 0 ? spec.timeout : options_.default_timeout;
  child_options.stop = StopPolicy::graceful(options_.grace);
  child_options.capture_memory_cap = options_.capture_memory_cap;
  child_options.slow_after = options_.slow_after;
  child_options.on_slow = std::move(callbacks.slow);

  const std::uint64_t id = next_id_++;
  auto child =
      process::Child::start(io_, std::move(request), std::move(child_options),
                            [this, id, done = std::move(callbacks.done)](AttemptResult result) {
                              running_.erase(id);
                              done(std::move(result));
                            });
  running_.emplace(id, std::move(child));
}

void ProcessExecutor::stop_all(StopMode mode) {
  const StopPolicy policy =
      mode == StopMode::immediate ? StopPolicy::immediate() : StopPolicy::graceful(options_.grace);
  for (auto& [id, child] : running_) child->stop(policy, OutcomeKind::cancelled);
}

}  // namespace procpool::schedule
