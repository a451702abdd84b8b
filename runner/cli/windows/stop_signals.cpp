#include "../stop_signals.hpp"

#include <windows.h>

#include <csignal>
#include <deque>
#include <mutex>

#include <boost/asio/post.hpp>

// Windows has no signals to block and read: the console calls a handler on a thread of its own
// for Ctrl-C, Ctrl-Break and the window's closing. The handler hands each event to the phase's
// io_context (or keeps it for the next phase), read as SIGINT, SIGTERM and SIGHUP, and tells
// Windows it was handled, so procpool is never killed on the spot with tasks still running.
namespace procpool::cli {
namespace {

constexpr int kHangup = 1;  // SIGHUP's number: Windows' C runtime has none

struct Shared {
  std::mutex lock;
  boost::asio::io_context* io = nullptr;
  std::deque<int> pending;  // events that came between phases
};

Shared& shared() {
  static Shared state;
  return state;
}

std::unique_ptr<StopSignals>& instance() {
  static std::unique_ptr<StopSignals> signals;
  return signals;
}

void hand_over(int signal) {
  Shared& state = shared();
  std::lock_guard guard(state.lock);
  if (!state.io) {
    state.pending.push_back(signal);
    return;
  }
  boost::asio::post(*state.io, [signal] {
    if (StopSignals* signals = StopSignals::current()) signals->deliver(signal, 0);
  });
}

BOOL WINAPI on_console_event(DWORD event) {
  switch (event) {
    case CTRL_C_EVENT:
      hand_over(SIGINT);
      return TRUE;
    case CTRL_BREAK_EVENT:
      hand_over(SIGTERM);
      return TRUE;
    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT:
      hand_over(kHangup);
      // Windows ends the process once this returns: give the run a moment to stop its tasks
      // and write its reports (Windows allows about 5 s).
      ::Sleep(4000);
      return TRUE;
  }
  return FALSE;
}

}  // namespace

struct StopSignals::Watcher {};

StopSignals::StopSignals(int fd) : fd_(fd) {}

Result<void> StopSignals::install() {
  if (instance()) return ok();
  if (!::SetConsoleCtrlHandler(on_console_event, TRUE)) {
    return fail("cannot read Ctrl-C (SetConsoleCtrlHandler failed)");
  }
  instance().reset(new StopSignals(-1));
  return ok();
}

StopSignals* StopSignals::current() { return instance().get(); }

// Tasks start in process groups of their own, which Windows starts with Ctrl-C ignored; nothing
// of the runner's is inherited that needs undoing.
void StopSignals::unblock_in_child() {}

void StopSignals::watch(boost::asio::io_context& io, Handler handler) {
  unwatch();
  handler_ = std::move(handler);
  watcher_ = std::make_shared<Watcher>();
  Shared& state = shared();
  std::lock_guard guard(state.lock);
  state.io = &io;
  for (int signal : state.pending) {
    boost::asio::post(io, [signal] {
      if (StopSignals* signals = StopSignals::current()) signals->deliver(signal, 0);
    });
  }
  state.pending.clear();
}

void StopSignals::unwatch() {
  {
    Shared& state = shared();
    std::lock_guard guard(state.lock);
    state.io = nullptr;
  }
  watcher_.reset();
  handler_ = nullptr;
}

void StopSignals::read_more() {}

void StopSignals::deliver(int signal, int) {
  if (first_ == 0) first_ = signal;
  ++count_;
  if (handler_) handler_(first_, immediate());
}

}  // namespace procpool::cli
