// Seconds given on the command line (fractions allowed) as the runner's durations.
#pragma once

#include <chrono>
#include <cmath>

#include "procpool/runner/schedule/process_executor.hpp"

namespace procpool::cli {

inline std::chrono::milliseconds seconds_to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000.0)));
}

// --timeout, --grace and --slow as every subcommand takes them.
inline schedule::ProcessExecutorOptions process_options(double timeout_s, double grace_s,
                                                        double slow_s) {
  schedule::ProcessExecutorOptions options;
  options.default_timeout = seconds_to_ms(timeout_s);
  options.grace = seconds_to_ms(grace_s);
  options.slow_after = seconds_to_ms(slow_s);
  return options;
}

}  // namespace procpool::cli
