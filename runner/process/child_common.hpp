// What every platform's Child does alike (internal to the process layer): read the task's two
// output streams into their captures, the deadline and the "still running" timer, the wait for
// output still held open after the leader exits, accepting a stop policy (escalate only) and
// stepping through it, and the result handed to `done`. The platform's Child (posix/,
// windows/) says how a process starts, how its end is watched, what a stop step sends and what
// "left behind" means there.
#pragma once

#include <array>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>

#include "procpool/runner/process/child.hpp"

namespace procpool::process {

class ChildCommon : public Child, public std::enable_shared_from_this<ChildCommon> {
 public:
  bool finished() const override { return finished_; }

 protected:
  struct Stream {
    Stream(boost::asio::io_context& io, std::size_t cap) : pipe(io), capture(cap) {}
    boost::asio::readable_pipe pipe;
    Capture capture;
    std::array<char, 64 * 1024> buffer;
    bool open = false;
  };

  ChildOptions options_;
  ChildCommon(boost::asio::io_context& io, ChildOptions options, Done done);

  template <typename Derived>
  std::shared_ptr<Derived> shared_as() {
    return std::static_pointer_cast<Derived>(shared_from_this());
  }

  // Reads `stream` until EOF (or until cancelled), then closes it and calls maybe_finish().
  void read_more(Stream& stream);
  // The deadline (options_.timeout: stop with options_.stop, as timed_out) and the slow timer.
  void arm_timers();
  // The leader has exited (leader_outcome_ set): stop the timers, give output still held open
  // options_.leak_wait before reading stops (output_held_), and finish once both streams end.
  void after_leader_exit();
  // Whether `policy` starts (or, shorter than the one running, replaces) the stop: then the
  // caller runs its step 0. A policy no shorter than the running one is ignored.
  bool accept_stop(const StopPolicy& policy, OutcomeKind as);
  // After step `step` was sent: waits its time, then run_stop_step(step + 1).
  void next_stop_step_after_wait(std::size_t step);
  virtual void run_stop_step(std::size_t step) = 0;
  void maybe_finish();
  virtual void finish() = 0;  // called once, when the leader has exited and the streams ended
  void cancel_timers();
  // Hands the result to `done` (once): the leader's outcome, or the start failure; a task we
  // stopped gets why we stopped it as its kind (the signal that ended it stays).
  void deliver(int pid);

  boost::asio::io_context& io_;
  Done done_;
  Stream out_;
  Stream err_;
  boost::asio::steady_timer deadline_timer_;
  boost::asio::steady_timer stop_timer_;
  boost::asio::steady_timer leak_timer_;
  boost::asio::steady_timer slow_timer_;
  SteadyTime started_{};
  WallTime started_wall_{};
  SteadyTime ended_{};
  std::chrono::nanoseconds start_cost_{0};  // set by the platform's launch (AttemptResult)
  Outcome leader_outcome_;                  // how the leader ended
  bool leader_exited_ = false;
  bool output_held_ = false;  // something kept the output open after the leader exited
  bool stopping_ = false;
  StopPolicy active_stop_;
  OutcomeKind stopped_as_ = OutcomeKind::cancelled;
  bool leaked_ = false;
  bool finished_ = false;
  std::optional<Outcome> start_failure_;

 private:
  void arm_slow_timer();
};

}  // namespace procpool::process
