// Linux: one task in a session of its own, watched through its pidfd and its pipes on epoll
// (child.hpp says what every Child promises).
//
// No process outlives its Child: when the task's leader exits, anything left of it (in its
// session or group, or holding its output) is killed and reaped (reported as a leak), and
// destroying a Child that is still running kills and reaps all of it. The leader stays an
// unreaped zombie until then, so its pid (and with it the group and session ids) cannot be
// reused by another process while we may still signal them.
#pragma once

#include <array>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>

#include "procpool/runner/process/child.hpp"
#include "procpool/runner/process/spawn.hpp"

namespace procpool::process {

class PosixChild final : public Child, public std::enable_shared_from_this<PosixChild> {
 public:
  static std::shared_ptr<PosixChild> start(boost::asio::io_context& io, SpawnRequest request,
                                           ChildOptions options, Done done);
  void stop(const StopPolicy& policy, OutcomeKind as = OutcomeKind::cancelled) override;

  int pid() const override { return pid_; }
  bool finished() const override { return finished_; }

  ~PosixChild() override;

 private:
  struct Stream {
    explicit Stream(boost::asio::io_context& io, std::size_t cap) : pipe(io), capture(cap) {}
    boost::asio::readable_pipe pipe;
    Capture capture;
    std::array<char, 64 * 1024> buffer;
    bool open = false;
  };

  PosixChild(boost::asio::io_context& io, ChildOptions options, Done done);
  void launch(SpawnRequest request);
  void read_more(Stream& stream);
  void wait_for_leader();
  void on_leader_exit();
  void run_stop_step(std::size_t step);
  void arm_slow_timer();
  void maybe_finish();
  void finish();
  void kill_leftovers_then_deliver(std::vector<int> leftovers, std::chrono::milliseconds waited);
  std::vector<int> leftover_processes(bool search_everywhere) const;
  void signal_task(int signal) const;
  void reap_leader();
  void deliver();

  boost::asio::io_context& io_;
  ChildOptions options_;
  Done done_;
  std::optional<bp2::process> process_;  // owns the child until we reap it
  int pid_ = -1;
  Stream out_;
  Stream err_;
  boost::asio::posix::stream_descriptor exit_watch_;  // our own pidfd: readable once it exits
  boost::asio::steady_timer deadline_timer_;
  boost::asio::steady_timer stop_timer_;
  boost::asio::steady_timer leak_timer_;
  boost::asio::steady_timer slow_timer_;
  boost::asio::steady_timer reap_timer_;
  SteadyTime started_{};
  WallTime started_wall_{};
  SteadyTime ended_{};
  Outcome leader_outcome_;  // how the leader ended, read without reaping it
  bool leader_exited_ = false;
  bool leader_reaped_ = false;
  bool output_held_ = false;  // something kept the output open after the leader exited
  unsigned long pipe_inodes_[2] = {0, 0};
  bool stopping_ = false;
  StopPolicy active_stop_;
  OutcomeKind stopped_as_ = OutcomeKind::cancelled;
  bool leaked_ = false;
  bool finished_ = false;
  std::optional<Outcome> start_failure_;
};

}  // namespace procpool::process
