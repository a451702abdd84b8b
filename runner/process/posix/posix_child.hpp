// Linux: one task in a session of its own, watched through its pidfd and its pipes on epoll
// (child.hpp says what every Child promises).
//
// No process outlives its Child: when the task's leader exits, anything left of it (in its
// session or group, or holding its output) is killed and reaped (reported as a leak), and
// destroying a Child that is still running kills and reaps all of it. The leader stays an
// unreaped zombie until then, so its pid (and with it the group and session ids) cannot be
// reused by another process while we may still signal them.
#pragma once

#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "../child_common.hpp"
#include "procpool/runner/process/spawn.hpp"

namespace procpool::process {

class PosixChild final : public ChildCommon {
 public:
  static std::shared_ptr<PosixChild> start(boost::asio::io_context& io, SpawnRequest request,
                                           ChildOptions options, Done done);
  void stop(const StopPolicy& policy, OutcomeKind as = OutcomeKind::cancelled) override;

  int pid() const override { return pid_; }

  ~PosixChild() override;

 private:
  PosixChild(boost::asio::io_context& io, ChildOptions options, Done done);
  void launch(SpawnRequest request);
  void wait_for_leader();
  void run_stop_step(std::size_t step) override;
  void finish() override;
  void kill_leftovers_then_deliver(std::vector<int> leftovers, std::chrono::milliseconds waited);
  std::vector<int> leftover_processes(bool search_everywhere) const;
  void signal_task(int signal) const;
  void reap_leader();

  std::optional<bp2::process> process_;  // owns the child until we reap it
  int pid_ = -1;
  boost::asio::posix::stream_descriptor exit_watch_;  // our own pidfd: readable once it exits
  boost::asio::steady_timer reap_timer_;
  bool leader_reaped_ = false;  // leader_outcome_ is read without reaping it (WNOWAIT)
  unsigned long pipe_inodes_[2] = {0, 0};
};

}  // namespace procpool::process
