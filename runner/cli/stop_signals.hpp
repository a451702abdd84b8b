// The signals that stop a run: SIGINT, SIGTERM, SIGHUP and SIGQUIT (and SIGUSR2, the notice that
// procpool's supervisor is gone, see supervisor.hpp). They are blocked in every thread from the
// start of main_entry and read through a signalfd on whichever event loop the current phase runs
// (listing tests, running them), so no phase is ever left with the default disposition that
// would kill procpool on the spot and orphan its children. A signal that arrives between phases
// waits, and the next phase sees it at once. (posix/stop_signals.cpp; on Windows,
// windows/stop_signals.cpp reads Ctrl-C, Ctrl-Break and the console's closing as SIGINT,
// SIGTERM and SIGHUP.)
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/core/result.hpp"

namespace procpool::cli {

class StopSignals {
 public:
  // What the current phase does on a stopping signal: `immediate` is set from the second
  // signal on (kill at once), or when the supervisor is gone.
  using Handler = std::function<void(int signal, bool immediate)>;

  // Blocks the signals in this thread (call before any other thread exists: threads inherit
  // the mask) and opens the signalfd. Installed once per process; current() finds it.
  static Result<void> install();
  static StopSignals* current();

  // Calls `handler` for each stopping signal while `io` runs, until unwatch().
  void watch(boost::asio::io_context& io, Handler handler);
  void unwatch();

  // The first stopping signal received (SIGINT, SIGTERM, SIGHUP, SIGQUIT), or 0. When the
  // supervisor went away, SIGKILL: procpool itself was killed.
  int first() const { return first_; }
  bool immediate() const { return count_ > 1 || supervisor_gone_; }

  // The signals this class reads, unblocked again: for children that must hear them.
  static void unblock_in_child();

  // Seen by the process: counts it and tells the handler. Exposed for unit tests, which
  // cannot send real signals to the test runner.
  void deliver(int signal, int sender_pid);

 private:
  struct Watcher;  // what reads the signals on the phase's io_context (per platform)
  explicit StopSignals(int fd);
  void read_more();

  int fd_ = -1;
  std::shared_ptr<Watcher> watcher_;
  Handler handler_;
  int first_ = 0;
  int count_ = 0;
  bool supervisor_gone_ = false;
  // A forwarded copy of a signal that also reached us directly (kill -TERM -PGID): not a second.
  int last_signal_ = 0;
  bool last_forwarded_ = false;
  long long last_at_ms_ = 0;
};

// Runs `io` until `done()` (or it runs out of work) and calls `stop` on a stopping signal: a
// phase before the run proper (listing tests) that must end promptly on Ctrl-C.
void run_phase(boost::asio::io_context& io, const std::function<bool()>& done,
               const std::function<void()>& stop);

}  // namespace procpool::cli
