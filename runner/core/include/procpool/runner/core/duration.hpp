// Seconds as people write them on a command line or in a file ("2", "0.5", "1e-3"), checked
// once: a value that would silently mean something else (NaN, infinity, a fraction too small to
// be a timeout, a number of years) is an error naming the value as written.
#pragma once

#include <chrono>
#include <string_view>

#include "procpool/runner/core/result.hpp"

namespace procpool {

// Largest accepted: 100,000,000 s (over three years), so adding it to a clock cannot overflow.
inline constexpr double kMaxSeconds = 1e8;

// "0" is zero; anything else must be at least 1 ms (procpool's resolution) and at most
// kMaxSeconds. Only decimal digits, a point and an exponent: no "nan", "inf" or hex.
Result<std::chrono::milliseconds> parse_seconds(std::string_view text);

}  // namespace procpool
