#include "procpool/runner/schedule/executor.hpp"

#include <stdexcept>

namespace procpool::schedule {

void Executor::start_batch(const BatchLaunch&, BatchCallbacks) {
  // The scheduler asks can_batch() first: reaching this is a programming error, not bad input.
  throw std::logic_error("this executor cannot run batches of tests");
}

}  // namespace procpool::schedule
