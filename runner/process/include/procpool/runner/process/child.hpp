// One running task: owns its process (and process group), captures stdout and stderr, enforces
// its deadline and stops it in steps. Fully event-driven on an io_context: it waits on the
// process's pidfd and the pipes through epoll, so a runner waiting on long tasks uses no CPU.
//
// No process outlives its Child: the task runs in a session of its own; when its leader exits,
// anything left of it (in its session or group, or holding its output) is killed and reaped
// (reported as a leak), and destroying a Child that is still running kills and reaps all of it.
// The leader stays an unreaped zombie until then, so its pid (and with it the group and session
// ids) cannot be reused by another process while we may still signal them.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/stop_policy.hpp"
#include "procpool/runner/process/spawn.hpp"

namespace procpool::process {

struct ChildOptions {
  std::optional<std::chrono::milliseconds> timeout;  // none: no deadline
  StopPolicy stop = StopPolicy::graceful(std::chrono::seconds(5));
  std::size_t capture_memory_cap = Capture::default_memory_cap;
  // After the leader exits, how long its output pipes may stay open (held by a process it left
  // behind) before that process is counted as a leak and killed.
  std::chrono::milliseconds leak_wait{100};
  std::chrono::milliseconds slow_after{0};  // zero: never report slowness
  std::function<void(std::chrono::milliseconds elapsed)> on_slow;
  // Optional: each chunk as it arrives (1 = stdout, 2 = stderr), before it is captured. For a
  // caller that follows the output live (a batch of tests: which one is running).
  std::function<void(int stream, std::string_view bytes)> on_output;
  // Stdout and stderr through one pipe, as CTest runs a test: the capture's stdout holds both in
  // the order the child wrote them (two pipes lose that order), and its stderr stays empty.
  bool one_pipe = false;
};

class Child : public std::enable_shared_from_this<Child> {
 public:
  using Done = std::function<void(AttemptResult)>;

  // Spawns request.argv (its stdout/stderr fields are ignored: output goes to the capture).
  // `done` runs exactly once, from the io_context, even when spawning fails.
  static std::shared_ptr<Child> start(boost::asio::io_context& io, SpawnRequest request,
                                      ChildOptions options, Done done);

  // Applies `policy` to the whole group now; the result will say `as` (cancelled or timed_out).
  // Calling it again with a shorter policy escalates (the second Ctrl-C).
  void stop(const StopPolicy& policy, OutcomeKind as = OutcomeKind::cancelled);

  int pid() const { return pid_; }
  bool finished() const { return finished_; }

  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

 private:
  struct Stream {
    explicit Stream(boost::asio::io_context& io, std::size_t cap) : pipe(io), capture(cap) {}
    boost::asio::readable_pipe pipe;
    Capture capture;
    std::array<char, 64 * 1024> buffer;
    bool open = false;
  };

  Child(boost::asio::io_context& io, ChildOptions options, Done done);
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
