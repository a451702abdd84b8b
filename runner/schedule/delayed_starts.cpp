#include "procpool/runner/schedule/delayed_starts.hpp"

namespace procpool::schedule {

DelayedStarts::DelayedStarts(boost::asio::io_context& io, Executor& inner,
                             std::chrono::nanoseconds delay)
    : io_(io), inner_(inner), delay_(delay), alarm_(io) {}

void DelayedStarts::start(const Launch& launch, Observer observer) {
  waiting_.push_back({launch, std::move(observer)});
  start_due();
}

void DelayedStarts::start_due() {
  const auto now = std::chrono::steady_clock::now();
  while (!waiting_.empty() && next_start_ <= now) {
    HeldAttempt next = std::move(waiting_.front());
    waiting_.pop_front();
    next_start_ = now + delay_;
    inner_.start(next.launch, std::move(next.observer));
  }
  if (waiting_.empty() || alarm_.armed()) return;
  alarm_.ring_at(next_start_, [this] { start_due(); });
}

void DelayedStarts::stop_all(StopMode mode) {
  inner_.stop_all(mode);
  alarm_.cancel();
  std::vector<Observer> never_started;
  for (auto& waiting : waiting_) never_started.push_back(std::move(waiting.observer));
  waiting_.clear();
  post_cancelled(io_, never_started);
}

}  // namespace procpool::schedule
