#include "procpool/runner/core/duration.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace procpool {

Result<std::chrono::milliseconds> parse_seconds(std::string_view text) {
  const std::string word(text);
  const auto bad = [&](const std::string& why) { return fail("'" + word + "' " + why); };
  if (word.empty() || word.find_first_not_of("0123456789.eE+-") != std::string::npos) {
    return bad("is not a number of seconds");
  }
  char* end = nullptr;
  const double seconds = std::strtod(word.c_str(), &end);
  if (end != word.c_str() + word.size() || !std::isfinite(seconds)) {
    return bad("is not a number of seconds");
  }
  if (seconds < 0) return bad("is negative");
  if (seconds > kMaxSeconds) return bad("is too large (at most 100000000 seconds)");
  if (seconds > 0 && seconds < 0.001) return bad("is below procpool's resolution of 1 ms");
  return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000.0)));
}

}  // namespace procpool
