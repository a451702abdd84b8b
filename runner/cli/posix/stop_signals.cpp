#include "../stop_signals.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>

#include <sys/signalfd.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>

namespace procpool::cli {
namespace {

std::unique_ptr<StopSignals>& instance() {
  static std::unique_ptr<StopSignals> signals;
  return signals;
}

sigset_t stopping_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR2}) sigaddset(&set, signal);
  return set;
}

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct StopSignals::Watcher : boost::asio::posix::stream_descriptor {
  using boost::asio::posix::stream_descriptor::basic_stream_descriptor;
};

StopSignals::StopSignals(int fd) : fd_(fd) {}

Result<void> StopSignals::install() {
  if (instance()) return ok();
  const sigset_t set = stopping_signals();
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0) {
    return fail(std::string("cannot block signals: ") + std::strerror(errno));
  }
  const int fd = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) return fail(std::string("cannot read signals (signalfd): ") + std::strerror(errno));
  instance().reset(new StopSignals(fd));
  return ok();
}

StopSignals* StopSignals::current() { return instance().get(); }

void StopSignals::unblock_in_child() {
  const sigset_t set = stopping_signals();
  ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

void StopSignals::watch(boost::asio::io_context& io, Handler handler) {
  unwatch();
  handler_ = std::move(handler);
  watcher_ = std::make_shared<Watcher>(io, fd_);
  read_more();
}

void StopSignals::unwatch() {
  if (watcher_) {
    // Released, not closed: the signalfd outlives every phase.
    boost::system::error_code ignored;
    watcher_->cancel(ignored);
    watcher_->release();
    watcher_.reset();
  }
  handler_ = nullptr;
}

void StopSignals::read_more() {
  watcher_->async_wait(
      boost::asio::posix::descriptor_base::wait_read, [this](boost::system::error_code ec) {
        if (ec) return;
        signalfd_siginfo info{};
        while (::read(fd_, &info, sizeof info) == sizeof info) {
          deliver(static_cast<int>(info.ssi_signo), static_cast<int>(info.ssi_pid));
        }
        if (watcher_) read_more();
      });
}

void StopSignals::deliver(int signal, int sender_pid) {
  if (signal == SIGUSR2) {
    // The supervisor (our parent) is gone: procpool itself was killed. Stop everything now.
    supervisor_gone_ = true;
    if (first_ == 0) first_ = SIGKILL;
    ++count_;
    if (handler_) handler_(first_, true);
    return;
  }
  const bool forwarded = sender_pid != 0 && sender_pid == ::getppid();
  const long long now = now_ms();
  if (signal == last_signal_ && forwarded != last_forwarded_ && now - last_at_ms_ < 250) {
    last_signal_ = 0;  // the other copy of one signal sent to our whole process group
    return;
  }
  last_signal_ = signal;
  last_forwarded_ = forwarded;
  last_at_ms_ = now;
  if (first_ == 0) first_ = signal;
  ++count_;
  if (handler_) handler_(first_, immediate());
}

}  // namespace procpool::cli
