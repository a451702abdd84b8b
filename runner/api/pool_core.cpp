// The Pool's manager (see pool_core.hpp): takes tasks, hands each to the least loaded worker,
// reads results. Workers' lives (start, replacement, stop) are pool_workers.cpp; the wire format
// is wire.*, a worker's side worker_loop.*, task names task_registry.cpp.
#include "procpool/detail/pool_core.hpp"

#include <algorithm>
#include <cstdio>

#include "child_support.hpp"
#include "link.hpp"
#include "procpool/errors.hpp"
#include "procpool/runner/core/jobs.hpp"
#include "procpool/runner/process/reap.hpp"
#include "wire.hpp"

namespace procpool::detail {

PoolCore::PoolCore(PoolConfig config) : config_(std::move(config)) {
  refuse_in_unguarded_worker("procpool::Pool");
  if (!config_.executable.empty() && config_.start_method != StartMethod::spawn) {
    throw UsageError(
        "procpool::Pool: PoolOptions::executable names a program to start, so it needs the spawn "
        "start method (a forked worker is a copy of this program)");
  }
  config_.processes = effective_jobs(config_.processes);
  process::make_children_waitable();
  waker_ = std::make_unique<Waker>();
  flush_standard_streams();  // or every worker would print the parent's buffered output again
  // Forked before the manager thread exists: the children start from a single-threaded parent.
  for (unsigned i = 0; i < config_.processes; ++i) workers_.push_back(start_worker());
  manager_ = std::thread([this] { manage(); });
}

PoolCore::~PoolCore() {
  if (manager_.joinable()) terminate();
}

std::shared_ptr<TaskState> PoolCore::submit(Invocation invocation,
                                            std::function<void()> on_finish) {
  if (config_.start_method == StartMethod::spawn && !find_registered_task(invocation.fn)) {
    throw UsageError(
        "procpool::Pool: with the spawn start method a task must be registered: "
        "PROCPOOL_TASK(function_name) at namespace scope");
  }
  auto state = std::make_shared<TaskState>();
  state->on_finish = std::move(on_finish);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_ || terminating_) throw UsageError("procpool::Pool: the pool is closed");
    queue_.push_back({std::move(invocation), state});
  }
  wake();
  return state;
}

void PoolCore::wake() {
  // One write until the manager has looked: a burst of submits costs one wake-up.
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
  waker_->notify();
}

void PoolCore::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  wake();
}

void PoolCore::join() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!closed_ && !terminating_) {
      throw UsageError("procpool::Pool: join() on an open pool: call close() or terminate() first");
    }
    joining_ = true;
  }
  wake();
  if (manager_.joinable()) manager_.join();
}

void PoolCore::terminate() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    terminating_ = true;
    closed_ = true;
  }
  wake();
  if (manager_.joinable()) manager_.join();
}

std::vector<int> PoolCore::worker_pids() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<int> pids;
  for (const Worker& w : workers_) pids.push_back(w.pid);
  return pids;
}

void PoolCore::dispatch() {
  std::vector<std::shared_ptr<TaskState>> unrunnable;
  std::vector<Worker*> to_flush;
  std::string why;  // for the unrunnable
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const bool any_alive =
        std::any_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.pid > 0; });
    if ((!any_alive || !broken_.empty()) && !queue_.empty()) {
      // Every worker died and none could be replaced, or they cannot start: fail the queue
      // rather than hang.
      for (Queued& q : queue_) unrunnable.push_back(std::move(q.state));
      queue_.clear();
    }
    if (!unrunnable.empty()) why = broken_.empty() ? "no worker process could be started" : broken_;
    // Each task to the least loaded worker that can take it, so equal tasks split evenly
    // (strict round robin gave one worker 6 of 10 long tasks when the first came alone).
    while (!queue_.empty() && !terminating_) {
      std::string message = encode_for_worker(queue_.front().invocation);
      Worker* target = nullptr;
      for (Worker& worker : workers_) {
        const std::size_t assigned = worker.done + worker.in_flight.size();
        const bool retiring =
            config_.max_tasks_per_child > 0 && assigned >= config_.max_tasks_per_child;
        if (worker.pid <= 0 || retiring || worker.in_flight.size() >= config_.prefetch) continue;
        if (target && target->in_flight.size() <= worker.in_flight.size()) continue;
        // An idle worker takes a task of any size; a busy one only what will wait in its socket
        // buffer, so tasks queue here (for any worker) rather than behind a long one.
        std::size_t waiting = message.size();
        for (std::size_t i = 1; i < worker.in_flight.size(); ++i)
          waiting += worker.in_flight[i].wire_bytes;
        if (worker.in_flight.empty() || waiting <= wire::kPrefetchBytes) target = &worker;
      }
      if (!target) break;
      // Kept with the task until it is answered: if the worker dies first, it is sent again.
      target->in_flight.push_back(std::move(queue_.front()));
      target->in_flight.back().wire_bytes = message.size();
      queue_.pop_front();
      // Small messages share one buffer; a big one goes as it is, without a copy.
      auto& outbox = target->outbox;
      if (message.size() > wire::kPrefetchBytes) {
        const std::uint64_t size = message.size();
        outbox.emplace_back(reinterpret_cast<const char*>(&size), sizeof size);
        outbox.push_back(std::move(message));
      } else {
        if (outbox.size() < 2 || outbox.back().size() > wire::kPrefetchBytes) outbox.emplace_back();
        wire::append_message(outbox.back(), message);
      }
      if (std::find(to_flush.begin(), to_flush.end(), target) == to_flush.end())
        to_flush.push_back(target);
    }
  }
  // Outside the lock, and never blocking: what a worker cannot take now (it is stopped, or busy
  // and its socket full) waits in its outbox, sent as the socket drains (see manage()).
  for (Worker* worker : to_flush) flush_outbox(*worker);
  for (auto& state : unrunnable) state->finish(TaskState::Status::worker_crashed, why);
}

void PoolCore::flush_outbox(Worker& worker) {
  while (!worker.outbox.empty()) {
    const std::string& front = worker.outbox.front();
    std::size_t n = 0;
    const Io sent = send_some(worker.fd, front.data() + worker.outbox_sent,
                              front.size() - worker.outbox_sent, n);
    if (sent == Io::would_block) return;  // later, when it can be written
    if (sent == Io::closed) {  // the worker is gone: its EOF or exit is handled by manage()
      worker.outbox.clear();
      worker.outbox_sent = 0;
      return;
    }
    worker.outbox_sent += n;
    if (worker.outbox_sent == front.size()) {
      worker.outbox.pop_front();
      worker.outbox_sent = 0;
    }
  }
}

void PoolCore::on_result(Worker& worker) {
  // Everything the worker has sent so far: several results per wake-up when it is ahead of us.
  const bool alive = wire::read_available(worker.fd, worker.inbox, /*wait=*/false);
  wire::take_messages(worker.inbox, [&](const std::string& reply) {
    on_reply(worker, reply);
    return true;
  });
  if (!alive) on_worker_gone(worker);
}

void PoolCore::on_reply(Worker& worker, const std::string& reply) {
  std::shared_ptr<TaskState> state;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (wire::is_ready_reply(reply)) {
      worker.ready = true;
      failed_starts_ = 0;
      return;
    }
    if (!worker.in_flight.empty()) {
      state = std::move(worker.in_flight.front().state);
      worker.in_flight.pop_front();
    }
    ++worker.done;
  }
  if (!state) return;
  wire::Reply decoded = wire::decode_reply(reply);
  state->finish(decoded.ok ? TaskState::Status::done : TaskState::Status::remote_error,
                std::move(decoded.payload), std::move(decoded.error_type));
}

void PoolCore::manage() {
  std::vector<Watched> watched;
  const bool watch_exits = exit_handles_can_be_watched();
  while (true) {
    dispatch();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (terminating_) break;
      bool busy = !queue_.empty();
      for (const Worker& w : workers_) busy = busy || !w.in_flight.empty();
      if (joining_ && !busy) break;
    }
    // The waker; then each worker's link, and its exit where that can be watched (elsewhere a
    // worker's end shows as EOF on its link).
    watched.assign(1, Watched{.handle = waker_->handle()});
    for (const Worker& w : workers_) {
      watched.push_back({.handle = w.fd, .want_write = !w.outbox.empty()});
      watched.push_back({.handle = watch_exits ? w.pidfd : -1, .is_exit = true});
    }
    if (!wait_for_events(watched)) break;
    if (watched[0].readable) {
      waker_->drain();
      // Cleared after the read (else a write landing between the two would be consumed while
      // the flag stays set, and no submit would ever wake us again) and before the next
      // dispatch() looks at the queue: a submit before this point is seen by that dispatch(),
      // one after it writes again.
      wake_pending_.store(false, std::memory_order_release);
    }
    for (std::size_t i = 0; i < workers_.size(); ++i) {
      const Watched& link = watched[1 + 2 * i];
      const Watched& exited = watched[2 + 2 * i];
      if (link.writable) flush_outbox(workers_[i]);
      if (link.readable) {
        on_result(workers_[i]);  // a result, or EOF: the worker is gone
      } else if (exited.readable) {
        on_worker_gone(workers_[i]);  // died while something else holds its socket open
      }
    }
  }
  stop_workers();
}

}  // namespace procpool::detail
