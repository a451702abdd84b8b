// The Pool's workers (see pool_core.hpp): started (forked, or this program spawned again: see
// link.hpp),
// replaced when one dies (its tasks fail with WorkerCrashed), and stopped with the process
// layer's stop policy when the pool ends.
#include "procpool/detail/pool_core.hpp"

#include <algorithm>
#include <cstdio>

#include "child_support.hpp"
#include "link.hpp"
#include "procpool/errors.hpp"
#include "procpool/runner/process/reap.hpp"
#include "wire.hpp"
#include "worker_loop.hpp"

namespace procpool::detail {
namespace {

// Why the pool gave up: its last worker, like the one before it, died before it was ready.
std::string why_workers_cannot_start(int pid, const std::optional<Outcome>& ended, bool killed) {
  const std::string last =
      "worker " + std::to_string(pid) + ": " +
      (killed ? "closed its connection before it was ready (killed)" : describe(*ended));
  if (!killed && ended->kind == OutcomeKind::failed && ended->exit_code == kWorkerWithoutGuardExit)
    return "procpool::Pool: the workers run main() instead of serving tasks (" + last +
           "): with the spawn start method main() must begin with "
           "`if (auto code = procpool::run_worker_if_requested()) return *code;`";
  return "procpool::Pool: two workers in a row died before they were ready to serve (the last, " +
         last + "; a failing initializer ends a worker so): the pool starts no more workers";
}

}  // namespace

std::string PoolCore::encode_for_worker(const Invocation& call) const {
  return config_.start_method == StartMethod::spawn ? wire::encode_named(call) : wire::encode(call);
}

PoolCore::Worker PoolCore::spawn_worker() {
  const LinkedChild child =
      start_program(config_.executable,
                    {{kPoolWorkerVariable, "1"},
                     {"PROCPOOL_POOL_PARENT", std::to_string(this_process_id())},
                     {"PROCPOOL_POOL_MAX_TASKS", std::to_string(config_.max_tasks_per_child)}},
                    "procpool::Pool");
  Worker worker;
  worker.pid = child.pid;
  worker.pidfd = child.exit_handle;
  worker.fd = child.socket;
  wire::send_message(
      worker.fd, config_.initializer ? wire::encode_named(*config_.initializer) : std::string());
  return worker;
}

PoolCore::Worker PoolCore::start_worker() {
  if (config_.start_method == StartMethod::spawn) return spawn_worker();
  // Plain ints, not a structured binding: the fork lambda captures them (clang before 16 cannot).
  const std::pair<int, int> sockets = connected_sockets();
  const int ours = sockets.first;
  const int theirs = sockets.second;
  int pid;
  try {
    pid = fork_child([&] {
      // Only this worker's own socket: another worker's would hide that worker's EOF.
      close_socket(ours);
      waker_->close_in_forked_child();
      for (const Worker& other : workers_) {
        if (other.fd != theirs) close_socket(other.fd);
        if (other.pidfd != theirs) process::release_exit_handle(other.pidfd);
      }
      worker_main(theirs, config_, /*by_name=*/false);
    });
  } catch (const Error&) {
    close_socket(ours);
    close_socket(theirs);
    throw;
  }
  close_socket(theirs);
  make_manager_end(ours);
  Worker worker;
  worker.pid = pid;
  worker.fd = ours;
  worker.pidfd = process::open_pidfd(pid);
  return worker;
}

void PoolCore::on_worker_gone(Worker& worker) {
  if (worker.pid <= 0) return;
  // Its connection ended. A dying process closes its descriptors a moment before it is a
  // zombie, so give it that moment; if it still runs after it, a task cut the line (closed the
  // socket): the worker can never report again, so it is killed, not waited for.
  std::optional<Outcome> ended =
      process::wait_for_exit(worker.pid, worker.pidfd, std::chrono::milliseconds(200));
  const bool killed = !ended;
  if (killed) {  // SIGKILL also ends a stopped process
    const process::OwnedChild child{worker.pid, worker.pidfd};
    ended = process::stop_and_reap({&child, 1}, StopPolicy::immediate()).front();
  }
  worker.outbox.clear();
  worker.outbox_sent = 0;
  close_socket(worker.fd);
  process::release_exit_handle(worker.pidfd);
  // Forget them before forking a replacement: the new socketpair may reuse these numbers, and
  // the new child closes every descriptor still listed here.
  worker.fd = worker.pidfd = -1;
  std::shared_ptr<TaskState> lost;
  bool replace = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!worker.ready && !terminating_ && ++failed_starts_ >= 2 && broken_.empty())
      broken_ = why_workers_cannot_start(worker.pid, ended, killed);
    // The front task was running when it died; the others never started: they go back to the
    // front of the queue, in order, for another worker. A worker that was not ready yet ran
    // none of them.
    if (!worker.in_flight.empty() && worker.ready) {
      lost = std::move(worker.in_flight.front().state);
      worker.in_flight.pop_front();
    }
    while (!worker.in_flight.empty()) {
      queue_.push_front(std::move(worker.in_flight.back()));
      worker.in_flight.pop_back();
    }
    replace = !terminating_ && broken_.empty();
  }
  if (lost) {
    lost->finish(TaskState::Status::worker_crashed,
                 "worker " + std::to_string(worker.pid) +
                     (killed ? " closed its connection to the pool while running the task (killed)"
                             : " died while running the task: " + describe(*ended)));
  }
  Worker replacement;
  if (replace) {
    try {
      replacement = start_worker();  // forked from this thread: see the header note
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());  // the slot stays empty; dispatch() copes
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  worker = replacement;
}

void PoolCore::stop_workers() {
  bool terminating;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    terminating = terminating_;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);  // worker_pids() may be reading
    std::erase_if(workers_, [](const Worker& w) { return w.pid <= 0; });
  }
  std::vector<process::OwnedChild> children;
  for (Worker& w : workers_) {
    shut_down_socket(w.fd);  // EOF: an idle worker leaves its loop
    children.push_back({w.pid, w.pidfd});
  }
  // terminate(): the stop policy (SIGTERM, grace, SIGKILL). join(): they leave at EOF; the grace
  // period, then SIGKILL, only for one that does not.
  process::stop_and_reap(children, terminating
                                       ? StopPolicy::graceful(config_.terminate_grace)
                                       : StopPolicy::wait_then_kill(config_.terminate_grace));
  for (Worker& w : workers_) {
    close_socket(w.fd);
    process::release_exit_handle(w.pidfd);
  }
  std::vector<std::shared_ptr<TaskState>> abandoned;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Worker& w : workers_) {
      for (Queued& q : w.in_flight) abandoned.push_back(std::move(q.state));
    }
    for (Queued& q : queue_) abandoned.push_back(std::move(q.state));
    queue_.clear();
    workers_.clear();
  }
  for (auto& state : abandoned) {
    state->finish(TaskState::Status::terminated,
                  "the pool was terminated before the task finished");
  }
}

}  // namespace procpool::detail
