#include "procpool/runner/schedule/executor.hpp"

#include <boost/asio/post.hpp>

namespace procpool::schedule {
namespace {

class FunctionObserver final : public AttemptObserver {
 public:
  explicit FunctionObserver(ObserverFunctions functions) : f_(std::move(functions)) {}
  void started(StopAttempt stop) override {
    if (f_.started) f_.started(std::move(stop));
  }
  void output(int stream, std::string_view bytes) override {
    if (f_.output) f_.output(stream, bytes);
  }
  void slow(std::chrono::milliseconds running) override {
    if (f_.slow) f_.slow(running);
  }
  void pending(const std::string& reason) override {
    if (f_.pending) f_.pending(reason);
  }
  void done(AttemptResult result) override { f_.done(std::move(result)); }

 private:
  ObserverFunctions f_;
};

}  // namespace

Observer observer_of(ObserverFunctions functions) {
  return std::make_shared<FunctionObserver>(std::move(functions));
}

void post_unstarted(boost::asio::io_context& io, Observer observer, Outcome outcome,
                    std::string output) {
  boost::asio::post(io, [observer = std::move(observer), outcome = std::move(outcome),
                         output = std::move(output)]() mutable {
    observer->done(result_without_process(std::move(outcome), output));
  });
}

void post_cancelled(boost::asio::io_context& io, const std::vector<Observer>& waiting) {
  Outcome cancelled;
  cancelled.kind = OutcomeKind::cancelled;
  for (const auto& observer : waiting) post_unstarted(io, observer, cancelled);
}

}  // namespace procpool::schedule
