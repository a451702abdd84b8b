// A timer that calls back once when it rings, unless cancelled first, with at most one wait at a
// time: how an executor that holds attempts back (delayed_starts, process_executor's wait for
// resources) wakes itself up later.
#pragma once

#include <chrono>
#include <functional>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace procpool::schedule {

class Alarm {
 public:
  explicit Alarm(boost::asio::io_context& io) : timer_(io) {}

  bool armed() const { return armed_; }
  // `then` runs from the loop at `when`; a cancelled alarm never calls it.
  void ring_at(std::chrono::steady_clock::time_point when, std::function<void()> then) {
    armed_ = true;
    timer_.expires_at(when);
    timer_.async_wait([this, then = std::move(then)](boost::system::error_code ec) {
      // A cancelled wait still comes here, later: by then the alarm may wait again (its flag
      // is the new wait's) or be gone (a destroyed timer cancels). cancel() has disarmed it.
      if (ec) return;
      armed_ = false;
      then();
    });
  }
  void ring_after(std::chrono::steady_clock::duration delay, std::function<void()> then) {
    ring_at(std::chrono::steady_clock::now() + delay, std::move(then));
  }
  void cancel() {
    timer_.cancel();
    armed_ = false;
  }

 private:
  boost::asio::steady_timer timer_;
  bool armed_ = false;
};

}  // namespace procpool::schedule
