#include "procpool/runner/process/child.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <boost/asio/post.hpp>

#include "procpool/runner/process/reap.hpp"

namespace procpool::process {
namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

// True while any process (running or zombie) is still in the group.
bool group_has_members(int pgid) { return ::kill(-pgid, 0) == 0 || errno == EPERM; }

// Reaps members of the group that were reparented to us (we are a subreaper in the CLI);
// waitpid(-pgid) touches only that group, never another task's leader.
void reap_group_members(int pgid) {
  while (::waitpid(-pgid, nullptr, WNOHANG) > 0) {
  }
}

}  // namespace

Child::Child(asio::io_context& io, ChildOptions options, Done done)
    : io_(io),
      options_(std::move(options)),
      done_(std::move(done)),
      out_(io, options_.capture_memory_cap),
      err_(io, options_.capture_memory_cap),
      exit_watch_(io),
      deadline_timer_(io),
      stop_timer_(io),
      leak_timer_(io),
      slow_timer_(io),
      reap_timer_(io) {}

std::shared_ptr<Child> Child::start(asio::io_context& io, SpawnRequest request,
                                    ChildOptions options, Done done) {
  std::shared_ptr<Child> child(new Child(io, std::move(options), std::move(done)));
  child->launch(std::move(request));
  return child;
}

void Child::launch(SpawnRequest request) {
  started_ = std::chrono::steady_clock::now();
  started_wall_ = std::chrono::system_clock::now();

  int out_fds[2] = {-1, -1};
  int err_fds[2] = {-1, -1};
  std::string error;
  if (::pipe2(out_fds, O_CLOEXEC) != 0 || ::pipe2(err_fds, O_CLOEXEC) != 0) {
    // v2's own stdio initializer would ignore this (defect 11); we report it.
    error = std::string("cannot create pipes: ") + std::strerror(errno);
  } else {
    request.stdout_fd = out_fds[1];
    request.stderr_fd = err_fds[1];
    if (auto spawned = spawn_process(io_.get_executor(), request)) {
      process_.emplace(std::move(spawned->process));
      exit_watch_.assign(spawned->exit_fd);
    } else {
      error = spawned.error();
    }
  }
  for (int fd : {out_fds[1], err_fds[1]}) {
    if (fd >= 0) ::close(fd);  // only the child holds the write ends now, so EOF means "closed"
  }

  if (!process_) {
    for (int fd : {out_fds[0], err_fds[0]}) {
      if (fd >= 0) ::close(fd);
    }
    start_failure_ = Outcome::start_failure(error);
    leader_exited_ = true;
    // Deliver from the io_context, never from inside start(): callers may hold locks or be
    // iterating their own state.
    asio::post(io_, [self = shared_from_this()] { self->finish(); });
    return;
  }
  pid_ = process_->id();

  out_.pipe.assign(out_fds[0]);
  err_.pipe.assign(err_fds[0]);
  out_.open = err_.open = true;
  read_more(out_);
  read_more(err_);

  // bp2::process::async_wait is not used: in 1.81 it calls a *blocking* waitpid after any
  // readiness of the pidfd, and asio can report stale readiness when it recycles descriptor
  // state for a reused fd number, which froze the whole loop until that child exited (seen in
  // traces under load). We watch our own pidfd and reap with WNOHANG instead.
  wait_for_leader();

  if (options_.timeout.count() > 0) {
    deadline_timer_.expires_after(options_.timeout);
    deadline_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec && !self->leader_exited_) self->stop(self->options_.stop, OutcomeKind::timed_out);
    });
  }
  arm_slow_timer();
}

void Child::arm_slow_timer() {
  if (options_.slow_after.count() <= 0 || !options_.on_slow) return;
  slow_timer_.expires_after(options_.slow_after);
  slow_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->leader_exited_) return;
    self->options_.on_slow(std::chrono::duration_cast<milliseconds>(
        std::chrono::steady_clock::now() - self->started_));
    self->arm_slow_timer();  // again at every multiple, as nextest does
  });
}

void Child::read_more(Stream& stream) {
  stream.pipe.async_read_some(
      asio::buffer(stream.buffer),
      [self = shared_from_this(), &stream](boost::system::error_code ec, std::size_t n) {
        if (n > 0) stream.capture.append(std::string_view(stream.buffer.data(), n));
        if (!ec) {
          self->read_more(stream);
          return;
        }
        // EOF, or cancelled by the leak timer: either way this stream is done.
        stream.open = false;
        boost::system::error_code ignored;
        stream.pipe.close(ignored);
        self->maybe_finish();
      });
}

void Child::wait_for_leader() {
  exit_watch_.async_wait(asio::posix::descriptor_base::wait_read,
                         [self = shared_from_this()](boost::system::error_code ec) {
                           if (ec == asio::error::operation_aborted) return;
                           int status = 0;
                           const pid_t reaped = ::waitpid(self->pid_, &status, WNOHANG);
                           if (reaped == 0) {
                             self->wait_for_leader();  // spurious readiness: still running
                             return;
                           }
                           self->wait_status_ = reaped == self->pid_ ? status : 0;
                           self->on_leader_exit();
                         });
}

void Child::on_leader_exit() {
  ended_ = std::chrono::steady_clock::now();
  leader_exited_ = true;
  // Reaped: disarm bp2::process's destructor, which would otherwise waitpid/kill a pid that
  // may already belong to someone else.
  process_->detach();
  boost::system::error_code ignored;
  exit_watch_.close(ignored);
  deadline_timer_.cancel();
  slow_timer_.cancel();
  if (out_.open || err_.open) {
    leak_timer_.expires_after(options_.leak_wait);
    leak_timer_.async_wait([self = shared_from_this()](boost::system::error_code timer_ec) {
      if (timer_ec || self->finished_) return;
      // Something the task started still holds its output open: stop reading, kill it.
      if (!self->stopping_) self->leaked_ = true;
      boost::system::error_code ignored;
      self->out_.pipe.cancel(ignored);
      self->err_.pipe.cancel(ignored);
    });
  }
  maybe_finish();
}

void Child::stop(const StopPolicy& policy, OutcomeKind as) {
  if (finished_ || pid_ <= 0 || policy.steps.empty()) return;
  if (leader_exited_) {
    // Its verdict is already known; only what it left behind holds the task open.
    ::kill(-pid_, SIGKILL);
    return;
  }
  if (stopping_) {
    // Escalate only: a shorter policy (the second Ctrl-C) replaces a longer one.
    if (policy.steps.size() >= active_stop_.steps.size()) return;
  } else {
    stopped_as_ = as;
  }
  stopping_ = true;
  active_stop_ = policy;
  run_stop_step(0);
}

void Child::run_stop_step(std::size_t step) {
  if (finished_) return;
  // To the whole group (negative pid), so grandchildren hear it too.
  ::kill(-pid_, active_stop_.steps[step].signal);
  if (step + 1 >= active_stop_.steps.size()) return;
  stop_timer_.expires_after(active_stop_.steps[step].wait);
  stop_timer_.async_wait([self = shared_from_this(), step](boost::system::error_code ec) {
    if (!ec) self->run_stop_step(step + 1);
  });
}

void Child::maybe_finish() {
  if (leader_exited_ && !out_.open && !err_.open && !finished_) finish();
}

void Child::finish() {
  finished_ = true;
  deadline_timer_.cancel();
  stop_timer_.cancel();
  leak_timer_.cancel();
  slow_timer_.cancel();
  if (pid_ > 0 && group_has_members(pid_)) {  // the common case, an empty group, costs one kill(2)
    // The leader is gone but processes it started live on in its group: a leak unless we were
    // stopping the group anyway. Kill them now; nothing may outlive the task.
    if (!stopping_) leaked_ = true;
    ::kill(-pid_, SIGKILL);
    reap_group_then_deliver(milliseconds(0));
    return;
  }
  deliver();
}

// Killed group members die asynchronously: poll briefly (only in this rare case) until the
// group is empty so the report is not delivered while any of them still exists.
void Child::reap_group_then_deliver(milliseconds waited) {
  if (pid_ > 0) {
    reap_group_members(pid_);
    constexpr milliseconds give_up_after{2000};
    if (group_has_members(pid_) && waited < give_up_after) {
      const milliseconds step{waited.count() < 10 ? 1 : 10};
      reap_timer_.expires_after(step);
      reap_timer_.async_wait([self = shared_from_this(), waited, step](boost::system::error_code) {
        self->reap_group_then_deliver(waited + step);
      });
      return;
    }
  }
  deliver();
}

void Child::deliver() {
  AttemptResult result;
  if (start_failure_) {
    result.outcome = *start_failure_;
    ended_ = std::chrono::steady_clock::now();
  } else {
    result.outcome = outcome_of_wait_status(wait_status_);
    // Stopped by us: the verdict is why we stopped it; the signal that ended it stays.
    if (stopping_) result.outcome.kind = stopped_as_;
  }
  result.outcome.leaked = leaked_;
  result.out = std::make_shared<const Capture>(std::move(out_.capture));
  result.err = std::make_shared<const Capture>(std::move(err_.capture));
  result.started_at = started_wall_;
  result.duration = ended_ - started_;
  result.pid = pid_;
  Done done = std::move(done_);
  done_ = nullptr;
  if (done) done(std::move(result));
}

Child::~Child() {
  if (pid_ <= 0 || finished_) return;
  // Destroyed while running (the io_context went away, or the owner gave up): kill the whole
  // group, then let bp2::process's destructor reap the leader; reap what we can of the rest.
  ::kill(-pid_, SIGKILL);
  process_.reset();
  for (int i = 0; i < 100 && group_has_members(pid_); ++i) {
    reap_group_members(pid_);
    ::usleep(1000);
  }
}

}  // namespace procpool::process
