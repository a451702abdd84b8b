// How many things run at once when the user does not say: one per core, everywhere (the CLI's
// -j, the test listing, procpool::Pool(0), the benchmark grid).
#pragma once

#include <algorithm>
#include <thread>

namespace procpool {

// `requested`, or the number of cores when it is 0 (at least 1: the count may be unknown).
inline unsigned effective_jobs(unsigned requested) {
  return requested > 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace procpool
