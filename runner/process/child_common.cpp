#include "child_common.hpp"

namespace procpool::process {
namespace asio = boost::asio;
using std::chrono::milliseconds;

ChildCommon::ChildCommon(asio::io_context& io, ChildOptions options, Done done)
    : options_(std::move(options)),
      io_(io),
      done_(std::move(done)),
      out_(io, options_.capture_memory_cap),
      err_(io, options_.capture_memory_cap),
      deadline_timer_(io),
      stop_timer_(io),
      leak_timer_(io),
      slow_timer_(io) {}

void ChildCommon::read_more(Stream& stream) {
  stream.pipe.async_read_some(
      asio::buffer(stream.buffer),
      [self = shared_from_this(), &stream](boost::system::error_code ec, std::size_t n) {
        if (n > 0) {
          const std::string_view bytes(stream.buffer.data(), n);
          if (self->options_.on_output)
            self->options_.on_output(&stream == &self->out_ ? 1 : 2, bytes);
          stream.capture.append(bytes);
        }
        if (!ec) {
          self->read_more(stream);
          return;
        }
        // The end (EOF; on Windows a broken pipe: every writer closed), or cancelled by the
        // leak timer: either way this stream is done.
        stream.open = false;
        boost::system::error_code ignored;
        stream.pipe.close(ignored);
        self->maybe_finish();
      });
}

void ChildCommon::arm_timers() {
  if (options_.timeout) {
    deadline_timer_.expires_after(*options_.timeout);
    deadline_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec && !self->leader_exited_) self->stop(self->options_.stop, OutcomeKind::timed_out);
    });
  }
  arm_slow_timer();
}

void ChildCommon::arm_slow_timer() {
  if (options_.slow_after.count() <= 0 || !options_.on_slow) return;
  slow_timer_.expires_after(options_.slow_after);
  slow_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->leader_exited_) return;
    self->options_.on_slow(std::chrono::duration_cast<milliseconds>(
        std::chrono::steady_clock::now() - self->started_));
    self->arm_slow_timer();  // again at every multiple, as nextest does
  });
}

void ChildCommon::after_leader_exit() {
  ended_ = std::chrono::steady_clock::now();
  leader_exited_ = true;
  deadline_timer_.cancel();
  slow_timer_.cancel();
  if (out_.open || err_.open) {
    leak_timer_.expires_after(options_.leak_wait);
    leak_timer_.async_wait([self = shared_from_this()](boost::system::error_code timer_ec) {
      if (timer_ec || self->finished_) return;
      // Something the task started still holds its output open: stop reading, kill it.
      self->output_held_ = true;
      boost::system::error_code ignored;
      self->out_.pipe.cancel(ignored);
      self->err_.pipe.cancel(ignored);
    });
  }
  maybe_finish();
}

bool ChildCommon::accept_stop(const StopPolicy& policy, OutcomeKind as) {
  if (stopping_) {
    // Escalate only: a shorter policy (the second Ctrl-C) replaces a longer one.
    if (policy.steps.size() >= active_stop_.steps.size()) return false;
  } else {
    stopped_as_ = as;
  }
  stopping_ = true;
  active_stop_ = policy;
  return true;
}

void ChildCommon::next_stop_step_after_wait(std::size_t step) {
  stop_timer_.expires_after(active_stop_.steps[step].wait);
  stop_timer_.async_wait([self = shared_from_this(), step](boost::system::error_code ec) {
    if (!ec) self->run_stop_step(step + 1);
  });
}

void ChildCommon::maybe_finish() {
  if (leader_exited_ && !out_.open && !err_.open && !finished_) finish();
}

void ChildCommon::cancel_timers() {
  deadline_timer_.cancel();
  stop_timer_.cancel();
  leak_timer_.cancel();
  slow_timer_.cancel();
}

void ChildCommon::deliver(int pid) {
  AttemptResult result;
  if (start_failure_) {
    result.outcome = *start_failure_;
    ended_ = std::chrono::steady_clock::now();
  } else {
    result.outcome = leader_outcome_;
    if (stopping_) {
      // Stopped by us: the verdict is why we stopped it; the signal that ended it stays (on
      // Windows, not the code TerminateJobObject gave).
      result.outcome.kind = stopped_as_;
      result.outcome.exception_code = 0;
    }
  }
  result.outcome.leaked = leaked_;
  result.out = std::make_shared<const Capture>(std::move(out_.capture));
  result.err = std::make_shared<const Capture>(std::move(err_.capture));
  result.started_at = started_wall_;
  result.duration = ended_ - started_;
  result.start_cost = start_cost_;
  result.pid = pid;
  Done done = std::move(done_);
  done_ = nullptr;
  if (done) done(std::move(result));
}

}  // namespace procpool::process
