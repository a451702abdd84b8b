// The event loop of one phase of a command (listing the tests, running them, ...): an io_context
// for one thread, whose end is the platform's business.
//
// Why not a plain io_context: on Windows, asio's completion-port scheduler keeps timers with a
// thread of its own, started and joined through mingw-w64's winpthreads (the posix thread model
// the Windows build uses). Under Wine that join does not always wait: measured with a trace of
// the wineserver, procpool's listing loop finished shutting down while its timer thread still
// ran, and the thread's last steps (it reads the scheduler's shutdown flag and sets another) then
// wrote into the freed scheduler. That freed memory was soon the run's task list: about 1 run in
// 90 of `procpool.exe gtest --batch auto` under load crashed at its end with a corrupted heap
// (and once started a task named "t"). So on Windows a loop's end shuts its services down (every
// pending handler destroyed, as the io_context's destructor would) but keeps the io_context's
// own memory until the process exits, where a late write harms nothing. Linux frees it as usual.
#pragma once

#include <boost/asio/io_context.hpp>

namespace procpool::process {

class EventLoop {
 public:
  EventLoop() : io_(new Context) {}
  ~EventLoop();  // per platform: posix/ and windows/event_loop.cpp
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  boost::asio::io_context& io() { return *io_; }

 private:
  // An io_context whose services can be shut down without freeing it.
  class Context : public boost::asio::io_context {
   public:
    Context() : boost::asio::io_context(1) {}
    using boost::asio::execution_context::shutdown;
  };
  Context* io_;
};

}  // namespace procpool::process
