#include "procpool/runner/schedule/process_executor.hpp"

#include <algorithm>

namespace procpool::schedule {

void ProcessExecutor::start(const Launch& launch, Observer observer) {
  const TaskSpec& spec = *launch.spec;
  if (!spec.preset_failure.empty()) {
    post_unstarted(io_, std::move(observer), Outcome::start_failure(spec.preset_failure));
    return;
  }
  auto attempt = std::make_shared<Attempt>(Attempt{{launch, std::move(observer)}});
  if (!waiting_.empty()) {
    waiting_.push_back(std::move(attempt));  // behind those already waiting for resources
    return;
  }
  this->launch(std::move(attempt));
}

void ProcessExecutor::launch(std::shared_ptr<Attempt> attempt) {
  const Launch& launch = attempt->launch;
  const Command& command = launch.command();
  process::SpawnRequest request;
  request.argv = command.slot_marks.empty() ? command.argv : argv_for_slot(command, launch.slot);
  request.working_dir = command.working_dir;
  request.env = command.env;
  request.env_unset = command.env_unset;
  request.env.push_back({"PROCPOOL_TASK_INDEX", std::to_string(launch.index)});
  request.env.push_back({"PROCPOOL_SLOT", std::to_string(launch.slot)});
  request.env.push_back({"PROCPOOL_ATTEMPT", std::to_string(launch.attempt)});

  process::ChildOptions child_options;
  child_options.timeout = launch.deadline;
  child_options.stop = StopPolicy::graceful(options_.grace);
  child_options.capture_memory_cap = options_.capture_memory_cap;
  child_options.slow_after = options_.slow_after;
  child_options.on_slow = [observer = attempt->observer](std::chrono::milliseconds running) {
    observer->slow(running);
  };
  child_options.on_output = [observer = attempt->observer](int stream, std::string_view bytes) {
    observer->output(stream, bytes);
  };
  child_options.one_pipe = launch.one_output_pipe;

  const std::uint64_t id = next_id_++;
  auto child = process::Child::start(
      io_, std::move(request), std::move(child_options), [this, id, attempt](AttemptResult result) {
        running_.erase(id);
        const Outcome& outcome = result.outcome;
        // Starved: an attempt already waited its whole patience with nothing running. Until one
        // starts again, waiting would only make the run hang: fail at once.
        const bool patient =
            !running_.empty() || (!starved_ && attempt->waited < options_.resource_patience);
        if (outcome.kind == OutcomeKind::failed_to_start && outcome.resources_exhausted &&
            patient) {
          waiting_.push_front(attempt);  // first in line when resources come back
          if (running_.empty()) retry_later();
          return;
        }
        if (outcome.kind == OutcomeKind::failed_to_start && outcome.resources_exhausted &&
            running_.empty()) {
          starved_ = true;
        }
        attempt->observer->done(std::move(result));
        start_waiting();  // it ended: what it held is free again
      });
  if (child->pid() > 0) {
    starved_ = false;  // it started: resources are there again
    std::weak_ptr<process::Child> weak = child;
    const auto grace = options_.grace;
    attempt->observer->started([weak, grace](OutcomeKind as) {
      if (auto running = weak.lock()) running->stop(StopPolicy::graceful(grace), as);
    });
  }
  running_.emplace(id, std::move(child));
}

void ProcessExecutor::start_waiting() {
  // One at a time: if it starts, the next may follow when it or another ends.
  if (waiting_.empty() || retry_.armed()) return;
  auto attempt = std::move(waiting_.front());
  waiting_.pop_front();
  launch(std::move(attempt));
}

void ProcessExecutor::retry_later() {
  if (retry_.armed() || waiting_.empty()) return;
  // Nothing of ours is running to free anything: back off (10 ms, doubling, up to 200 ms) and
  // try again, until the attempt has waited resource_patience.
  auto& front = waiting_.front();
  const auto delay =
      std::clamp(front->waited, std::chrono::milliseconds(10), std::chrono::milliseconds(200));
  front->waited += delay;
  retry_.ring_after(delay, [this] { start_waiting(); });
}

void ProcessExecutor::stop_all(StopMode mode) {
  const StopPolicy policy =
      mode == StopMode::immediate ? StopPolicy::immediate() : StopPolicy::graceful(options_.grace);
  for (auto& [id, child] : running_) child->stop(policy, OutcomeKind::cancelled);
  retry_.cancel();
  std::vector<Observer> never_started;  // waiting for resources
  for (auto& attempt : waiting_) never_started.push_back(std::move(attempt->observer));
  waiting_.clear();
  post_cancelled(io_, never_started);
}

}  // namespace procpool::schedule
