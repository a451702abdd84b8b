#include "procpool/detail/pool_core.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <map>

#include "child_support.hpp"
#include "procpool/errors.hpp"
#include "procpool/runner/core/fd_io.hpp"
#include "procpool/runner/process/spawn.hpp"

namespace procpool::detail {
namespace {

// Far below Linux's default Unix-socket buffer (~208 KiB): prefetched tasks never block a send.
constexpr std::size_t kPrefetchBytes = 64 * 1024;

// Messages are a 64-bit length and that many bytes, over a Unix stream socket (send_all uses
// MSG_NOSIGNAL: a dead peer is an error value, never a SIGPIPE).
bool send_all(int fd, const char* data, std::size_t size) {
  return procpool::send_all(fd, std::string_view(data, size));
}

// One message as it goes on the wire; batches of them are sent with one system call.
void append_message(std::string& wire, const std::string& body) {
  const std::uint64_t size = body.size();
  wire.append(reinterpret_cast<const char*>(&size), sizeof size);
  wire += body;
}

bool send_message(int fd, const std::string& body) {
  if (body.size() > kPrefetchBytes) {  // big: no copy, two sends
    const std::uint64_t size = body.size();
    return send_all(fd, reinterpret_cast<const char*>(&size), sizeof size) &&
           send_all(fd, body.data(), body.size());
  }
  std::string wire;
  append_message(wire, body);
  return send_all(fd, wire.data(), wire.size());
}

bool receive_all(int fd, char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::recv(fd, data, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Reads exactly one message. False on EOF or error: the peer is gone.
bool receive_message(int fd, std::string& body) {
  std::uint64_t size = 0;
  if (!receive_all(fd, reinterpret_cast<char*>(&size), sizeof size)) return false;
  body.resize(size);
  return receive_all(fd, body.data(), size);
}

// Hands the complete messages at the front of `inbox` to `take` in order while it returns true,
// then drops what was taken with one erase (erasing message by message would move the rest of
// a full buffer each time).
template <typename Take>
void take_messages(std::string& inbox, Take take) {
  std::size_t at = 0;
  std::string body;
  for (bool more = true; more;) {
    std::uint64_t size = 0;
    if (inbox.size() - at < sizeof size) break;
    std::memcpy(&size, inbox.data() + at, sizeof size);
    if (inbox.size() - at - sizeof size < size) break;
    body.assign(inbox, at + sizeof size, size);
    at += sizeof size + size;
    more = take(body);
  }
  inbox.erase(0, at);
}

// Appends whatever `fd` has ready to `inbox` (blocking for some only when `wait`). False when
// the peer is gone (EOF or error); what arrived before that stays in `inbox`.
bool read_available(int fd, std::string& inbox, bool wait) {
  constexpr std::size_t kChunk = 64 * 1024;
  char chunk[kChunk];  // not inbox.resize(+64 KiB): that zero-fills 64 KiB per read
  for (;;) {
    const ssize_t n = ::recv(fd, chunk, kChunk, wait ? 0 : MSG_DONTWAIT);
    if (n > 0) {
      inbox.append(chunk, static_cast<std::size_t>(n));
      if (wait) return true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
}

template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
T take(const std::string& in, std::size_t& at) {
  T value;
  std::memcpy(&value, in.data() + at, sizeof value);
  at += sizeof value;
  return value;
}

std::string encode(const Invocation& call) {
  std::string out;
  put(out, reinterpret_cast<std::uintptr_t>(call.invoker));
  put(out, reinterpret_cast<std::uintptr_t>(call.fn));
  out += call.args;
  return out;
}

// Spawned workers get tasks by name: [kind 'c'/'m'][u32 name length][name][arguments].
std::string encode_named(const Invocation& call) {
  const RegisteredTask* task = find_registered_task(call.fn);
  if (!task) throw UsageError("procpool::Pool: function is not registered (PROCPOOL_TASK)");
  std::string out(1, call.invoker == task->map ? 'm' : 'c');
  put(out, static_cast<std::uint32_t>(task->name.size()));
  out += task->name;
  out += call.args;
  return out;
}

Invocation decode_named(const std::string& in) {
  std::size_t at = 1;
  const auto size = take<std::uint32_t>(in, at);
  const std::string name = in.substr(at, size);
  const RegisteredTask* task = find_registered_task(name);
  if (!task) throw std::runtime_error("no task registered as '" + name + "' in the worker");
  return Invocation{in[0] == 'm' ? task->map : task->call, task->fn, in.substr(at + size)};
}

Invocation decode(const std::string& in) {
  std::size_t at = 0;
  Invocation call;
  call.invoker = reinterpret_cast<Invoker>(take<std::uintptr_t>(in, at));
  call.fn = reinterpret_cast<AnyFunction>(take<std::uintptr_t>(in, at));
  call.args = in.substr(at);
  return call;
}

// Runs `call`; on success returns "\0" + result, on an exception "\1" + type + "\0" + message.
std::string run_call(const Invocation& call) {
  try {
    return std::string(1, '\0') + call.invoker(call.fn, call.args);
  } catch (const std::exception& e) {
    return std::string(1, '\1') + current_exception_type() + '\0' + e.what();
  } catch (...) {
    return std::string(1, '\1') + current_exception_type() + '\0';
  }
}

// A worker's whole life: the initializer once, then tasks until EOF or its task limit.
[[noreturn]] void worker_main(int fd, const PoolConfig& config, pid_t parent, bool by_name) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);
  if (config.initializer) {
    const std::string outcome = run_call(*config.initializer);
    if (outcome[0] != '\0') {
      std::fprintf(stderr, "procpool::Pool: worker %d: initializer failed: %s\n", ::getpid(),
                   outcome.c_str() + 1);
      flush_standard_streams();
      ::_exit(3);
    }
  }
  unsigned done = 0;
  std::string inbox;  // prefetched tasks arrive together: read them with one call
  bool serving = true;
  while (serving && read_available(fd, inbox, /*wait=*/true)) {
    take_messages(inbox, [&](const std::string& message) {
      std::string reply;
      try {
        reply = run_call(by_name ? decode_named(message) : decode(message));
      } catch (const std::exception& e) {  // an unknown name: report it as the task's error
        reply = std::string(1, '\1') + "procpool::UsageError" + '\0' + e.what();
      }
      flush_standard_streams();  // the task's output, before its result is reported
      if (!send_message(fd, reply)) return serving = false;
      if (config.max_tasks_per_child > 0 && ++done >= config.max_tasks_per_child)
        return serving = false;
      return true;
    });
  }
  flush_standard_streams();
  ::_exit(0);
}

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* abbrev = sigabbrev_np(sig);
    return "killed by " + (abbrev ? "SIG" + std::string(abbrev) : "signal " + std::to_string(sig));
  }
  return "exited with code " + std::to_string(WEXITSTATUS(status));
}

void finish(const std::shared_ptr<TaskState>& state, TaskState::Status status, std::string payload,
            std::string type = {}) {
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    state->status = status;
    state->payload = std::move(payload);
    state->error_type = std::move(type);
  }
  state->changed.notify_all();
  if (state->on_finish) state->on_finish();
}

}  // namespace

namespace {
struct Registry {
  std::mutex mutex;
  std::map<std::string, RegisteredTask> by_name;
  std::map<AnyFunction, std::string> names;
};
Registry& registry() {
  static Registry instance;  // built on first use: registrations run during static init
  return instance;
}
}  // namespace

bool add_registered_task(RegisteredTask task) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.names[task.fn] = task.name;
  r.by_name[task.name] = std::move(task);
  return true;
}

const RegisteredTask* find_registered_task(const std::string& name) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  const auto it = r.by_name.find(name);
  return it == r.by_name.end() ? nullptr : &it->second;
}

const RegisteredTask* find_registered_task(AnyFunction fn) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  const auto name = r.names.find(fn);
  return name == r.names.end() ? nullptr : &r.by_name.at(name->second);
}

std::string PoolCore::encode_for_worker(const Invocation& call) const {
  return config_.start_method == StartMethod::spawn ? encode_named(call) : encode(call);
}

void spawned_worker_main(int fd) {
  PoolConfig config;
  if (const char* max = std::getenv("PROCPOOL_POOL_MAX_TASKS"))
    config.max_tasks_per_child = std::atoi(max);
  const char* parent = std::getenv("PROCPOOL_POOL_PARENT");
  std::string first;  // the initializer, by name, or nothing
  if (!receive_message(fd, first)) ::_exit(0);
  if (!first.empty()) config.initializer = decode_named(first);
  worker_main(fd, config, parent ? std::atoi(parent) : ::getppid(), /*by_name=*/true);
}

PoolCore::Worker PoolCore::spawn_worker() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    throw Error(std::string("procpool::Pool: socketpair failed: ") + std::strerror(errno));
  }
  char self[4096];
  const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (length <= 0) throw Error("procpool::Pool: cannot find this program (/proc/self/exe)");
  process::SpawnRequest request;
  request.argv = {std::string(self, static_cast<std::size_t>(length))};
  request.env = {{"PROCPOOL_POOL_WORKER", "1"},
                 {"PROCPOOL_POOL_PARENT", std::to_string(::getpid())},
                 {"PROCPOOL_POOL_MAX_TASKS", std::to_string(config_.max_tasks_per_child)}};
  request.stdin_fd = fds[1];  // the worker's end of the socket becomes its standard input
  request.stdout_fd = 1;
  request.stderr_fd = 2;
  boost::asio::io_context io;
  auto spawned = process::spawn_process(io.get_executor(), request);
  ::close(fds[1]);
  if (!spawned) {
    ::close(fds[0]);
    throw Error("procpool::Pool: cannot start a worker: " + spawned.error());
  }
  Worker worker;
  worker.pid = spawned->process.id();
  worker.pidfd = spawned->exit_fd;
  worker.fd = fds[0];
  spawned->process.detach();  // reaped by this pool, not by bp2::process's destructor
  send_message(worker.fd, config_.initializer ? encode_named(*config_.initializer) : std::string());
  return worker;
}

PoolCore::PoolCore(PoolConfig config) : config_(std::move(config)) {
  if (config_.processes == 0) config_.processes = std::max(1u, std::thread::hardware_concurrency());
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0)
    throw Error(std::string("procpool::Pool: eventfd failed: ") + std::strerror(errno));
  flush_standard_streams();  // or every worker would print the parent's buffered output again
  // Forked before the manager thread exists: the children start from a single-threaded parent.
  for (unsigned i = 0; i < config_.processes; ++i) workers_.push_back(start_worker());
  manager_ = std::thread([this] { manage(); });
}

PoolCore::~PoolCore() {
  if (manager_.joinable()) terminate();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

PoolCore::Worker PoolCore::start_worker() {
  if (config_.start_method == StartMethod::spawn) return spawn_worker();
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    throw Error(std::string("procpool::Pool: socketpair failed: ") + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error(std::string("procpool::Pool: fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // Only this worker's own socket: another worker's would hide that worker's EOF.
    ::close(fds[0]);
    ::close(wake_fd_);
    for (const Worker& other : workers_) {
      for (int fd : {other.fd, other.pidfd}) {
        if (fd >= 0 && fd != fds[1]) ::close(fd);
      }
    }
    worker_main(fds[1], config_, parent, /*by_name=*/false);
  }
  ::close(fds[1]);
  Worker worker;
  worker.pid = pid;
  worker.fd = fds[0];
  worker.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  return worker;
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
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
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
  struct Send {
    int fd;
    std::string bytes;
    bool framed;  // bytes are framed messages; else one big message body, sent without a copy
  };
  std::vector<Send> sends;  // in order: a worker reads its tasks in the order of in_flight
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const bool any_alive =
        std::any_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.pid > 0; });
    if (!any_alive && !queue_.empty()) {
      // Every worker died and none could be replaced: fail the queue rather than hang.
      for (Queued& q : queue_) {
        finish(q.state, TaskState::Status::worker_crashed, "no worker process could be started");
      }
      queue_.clear();
    }
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
        // An idle worker is blocked reading, so a task of any size goes through. A busy one may
        // be blocked writing a big result we are not reading while we send: only what surely
        // fits in the socket buffer may wait there, or both sides would block for good.
        std::size_t waiting = message.size();
        for (std::size_t i = 1; i < worker.in_flight.size(); ++i)
          waiting += worker.in_flight[i].wire_bytes;
        if (worker.in_flight.empty() || waiting <= kPrefetchBytes) target = &worker;
      }
      if (!target) break;
      // Kept with the task until it is answered: if the worker dies first, it is sent again.
      target->in_flight.push_back(std::move(queue_.front()));
      target->in_flight.back().wire_bytes = message.size();
      queue_.pop_front();
      auto last = std::find_if(sends.rbegin(), sends.rend(),
                               [&](const Send& send) { return send.fd == target->fd; });
      if (message.size() > kPrefetchBytes) {
        sends.push_back({target->fd, std::move(message), false});
      } else if (last != sends.rend() && last->framed) {
        append_message(last->bytes, message);
      } else {
        sends.push_back({target->fd, std::string(), true});
        append_message(sends.back().bytes, message);
      }
    }
  }
  // Outside the lock: a 100 MB argument may take a while, and submitters must not wait for it.
  // A worker that died meanwhile fails the send; its EOF is handled by manage().
  for (const Send& send : sends) {
    if (send.framed) {
      send_all(send.fd, send.bytes.data(), send.bytes.size());
    } else {
      send_message(send.fd, send.bytes);
    }
  }
}

void PoolCore::on_result(Worker& worker) {
  // Everything the worker has sent so far: several results per wake-up when it is ahead of us.
  const bool alive = read_available(worker.fd, worker.inbox, /*wait=*/false);
  take_messages(worker.inbox, [&](const std::string& reply) {
    on_reply(worker, reply);
    return true;
  });
  if (!alive) on_worker_gone(worker);
}

void PoolCore::on_reply(Worker& worker, const std::string& reply) {
  std::shared_ptr<TaskState> state;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!worker.in_flight.empty()) {
      state = std::move(worker.in_flight.front().state);
      worker.in_flight.pop_front();
    }
    ++worker.done;
  }
  if (!state) return;
  if (!reply.empty() && reply[0] == '\0') {
    finish(state, TaskState::Status::done, reply.substr(1));
  } else {
    const std::string body = reply.substr(1);
    const auto nul = body.find('\0');
    finish(state, TaskState::Status::remote_error,
           nul == std::string::npos ? "" : body.substr(nul + 1), body.substr(0, nul));
  }
}

void PoolCore::on_worker_gone(Worker& worker) {
  if (worker.pid <= 0) return;
  int status = 0;
  while (::waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::close(worker.fd);
  if (worker.pidfd >= 0) ::close(worker.pidfd);
  // Forget them before forking a replacement: the new socketpair may reuse these numbers, and
  // the new child closes every descriptor still listed here.
  worker.fd = worker.pidfd = -1;
  std::shared_ptr<TaskState> lost;
  bool replace = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The front task was running when it died; the others never started: they go back to the
    // front of the queue, in order, for another worker.
    if (!worker.in_flight.empty()) {
      lost = std::move(worker.in_flight.front().state);
      worker.in_flight.pop_front();
    }
    while (!worker.in_flight.empty()) {
      queue_.push_front(std::move(worker.in_flight.back()));
      worker.in_flight.pop_back();
    }
    replace = !terminating_;
  }
  if (lost) {
    finish(lost, TaskState::Status::worker_crashed,
           "worker " + std::to_string(worker.pid) + " " + describe_exit(status) +
               " while running the task");
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

void PoolCore::manage() {
  std::vector<pollfd> fds;
  while (true) {
    dispatch();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (terminating_) break;
      bool busy = !queue_.empty();
      for (const Worker& w : workers_) busy = busy || !w.in_flight.empty();
      if (joining_ && !busy) break;
    }
    fds.assign(1, pollfd{wake_fd_, POLLIN, 0});
    for (const Worker& w : workers_) {
      fds.push_back({w.fd, POLLIN, 0});
      fds.push_back({w.pidfd, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) break;
    if (fds[0].revents) {
      std::uint64_t count;
      [[maybe_unused]] ssize_t n = ::read(wake_fd_, &count, sizeof count);
      // Cleared after the read (else a write landing between the two would be consumed while
      // the flag stays set, and no submit would ever wake us again) and before the next
      // dispatch() looks at the queue: a submit before this point is seen by that dispatch(),
      // one after it writes again.
      wake_pending_.store(false, std::memory_order_release);
    }
    for (std::size_t i = 0; i < workers_.size(); ++i) {
      const pollfd& result = fds[1 + 2 * i];
      const pollfd& exited = fds[2 + 2 * i];
      if (result.revents) {
        on_result(workers_[i]);  // a result, or EOF: the worker is gone
      } else if (exited.revents) {
        on_worker_gone(workers_[i]);  // died while something else holds its socket open
      }
    }
  }
  stop_workers();
}

void PoolCore::stop_workers() {
  bool terminating;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    terminating = terminating_;
  }
  std::erase_if(workers_, [](const Worker& w) { return w.pid <= 0; });
  for (Worker& w : workers_) {
    if (terminating) ::kill(w.pid, SIGTERM);
    ::shutdown(w.fd, SHUT_RDWR);  // EOF: an idle worker leaves its loop
  }
  // Wait out the grace period, then SIGKILL whatever still runs; reap everything.
  const auto deadline = std::chrono::steady_clock::now() + config_.terminate_grace;
  for (Worker& w : workers_) {
    int status = 0;
    while (::waitpid(w.pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(w.pid, SIGKILL);
        ::waitpid(w.pid, &status, 0);
        break;
      }
      pollfd fd{w.pidfd, POLLIN, 0};
      ::poll(&fd, 1, 10);
    }
    ::close(w.fd);
    if (w.pidfd >= 0) ::close(w.pidfd);
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
    finished_ = true;
  }
  for (auto& state : abandoned) {
    finish(state, TaskState::Status::terminated,
           "the pool was terminated before the task finished");
  }
}

}  // namespace procpool::detail

namespace procpool {

std::optional<int> run_worker_if_requested() {
  if (!std::getenv("PROCPOOL_POOL_WORKER")) return std::nullopt;
  ::unsetenv("PROCPOOL_POOL_WORKER");  // its own pools, if any, start real workers
  detail::spawned_worker_main(0);
}

}  // namespace procpool
