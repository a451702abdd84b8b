// Seconds given on the command line (fractions allowed) as milliseconds.
#pragma once

#include <chrono>
#include <cmath>

namespace procpool::cli {

inline std::chrono::milliseconds seconds_to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000.0)));
}

}  // namespace procpool::cli
