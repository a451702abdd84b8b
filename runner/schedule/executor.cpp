#include "procpool/runner/schedule/executor.hpp"

#include <stdexcept>

#include <boost/asio/post.hpp>

namespace procpool::schedule {

void Executor::start_batch(const BatchLaunch&, BatchCallbacks) {
  // The scheduler asks can_batch() first: reaching this is a programming error, not bad input.
  throw std::logic_error("this executor cannot run batches of tests");
}

void post_unstarted(boost::asio::io_context& io, std::function<void(AttemptResult)> done,
                    Outcome outcome, std::string output) {
  boost::asio::post(io, [done = std::move(done), outcome = std::move(outcome),
                         output = std::move(output)]() mutable {
    done(result_without_process(std::move(outcome), output));
  });
}

}  // namespace procpool::schedule
