// GNU parallel's --delay: at least `delay` between two starts. Wraps another executor; an
// attempt the scheduler hands over too soon holds its slot and starts when its turn comes (the
// slot is taken as GNU parallel's is while it waits). Stopping the run cancels those waiting.
#pragma once

#include <chrono>
#include <deque>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/schedule/alarm.hpp"
#include "procpool/runner/schedule/executor.hpp"

namespace procpool::schedule {

class DelayedStarts final : public Executor {
 public:
  DelayedStarts(boost::asio::io_context& io, Executor& inner, std::chrono::nanoseconds delay);
  void start(const Launch& launch, Observer observer) override;
  void stop_all(StopMode mode) override;

 private:
  void start_due();

  boost::asio::io_context& io_;
  Executor& inner_;
  std::chrono::nanoseconds delay_;
  std::chrono::steady_clock::time_point next_start_{};  // the earliest the next may start
  std::deque<HeldAttempt> waiting_;
  Alarm alarm_;
};

}  // namespace procpool::schedule
