// The executor interface's observers: what a decorator does not override reaches the observer
// above it, and an observer made of functions ignores the events it has no function for.
#include <gtest/gtest.h>

#include "procpool/runner/schedule/executor.hpp"

namespace procpool::schedule {
namespace {

struct Heard final : AttemptObserver {
  std::vector<std::string> events;
  void started(StopAttempt stop) override {
    events.push_back("started");
    if (stop) stop(OutcomeKind::timed_out);
  }
  void output(int stream, std::string_view bytes) override {
    events.push_back("output " + std::to_string(stream) + " " + std::string(bytes));
  }
  void slow(std::chrono::milliseconds running) override {
    events.push_back("slow " + std::to_string(running.count()));
  }
  void pending(const std::string& reason) override { events.push_back("pending " + reason); }
  void done(AttemptResult result) override {
    events.push_back("done " + std::string(to_string(result.outcome.kind)));
  }
};

// A decorator that changes only the end.
struct MarksTheEnd final : ForwardingObserver {
  using ForwardingObserver::ForwardingObserver;
  void done(AttemptResult result) override {
    result.outcome.kind = OutcomeKind::failed;
    next_->done(std::move(result));
  }
};

TEST(ForwardingObserver, PassesOnEveryEventItDoesNotOverride) {
  auto heard = std::make_shared<Heard>();
  MarksTheEnd decorator(heard);
  OutcomeKind stopped_as = OutcomeKind::passed;
  decorator.started([&](OutcomeKind as) { stopped_as = as; });
  decorator.output(2, "bytes");
  decorator.slow(std::chrono::milliseconds(1500));
  decorator.pending("Slurm: queued");
  AttemptResult result;
  result.outcome = Outcome::exited(0);
  decorator.done(std::move(result));
  EXPECT_EQ(heard->events, (std::vector<std::string>{"started", "output 2 bytes", "slow 1500",
                                                     "pending Slurm: queued", "done failed"}));
  EXPECT_EQ(stopped_as, OutcomeKind::timed_out) << "the stop handed up is the one given";
}

TEST(ObserverOf, CallsTheFunctionsGivenAndIgnoresTheRest) {
  std::vector<std::string> heard;
  ObserverFunctions functions;
  functions.done = [&](AttemptResult r) { heard.emplace_back(to_string(r.outcome.kind)); };
  functions.slow = [&](std::chrono::milliseconds ms) {
    heard.push_back(std::to_string(ms.count()));
  };
  const Observer observer = observer_of(std::move(functions));
  observer->started([](OutcomeKind) {});
  observer->output(1, "ignored");
  observer->pending("ignored");
  observer->slow(std::chrono::milliseconds(20));
  AttemptResult result;
  result.outcome = Outcome::exited(3);
  observer->done(std::move(result));
  EXPECT_EQ(heard, (std::vector<std::string>{"20", "failed"}));
}

}  // namespace
}  // namespace procpool::schedule
