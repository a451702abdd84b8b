// The part of bounded_read.hpp that does not depend on the platform (internal to core): the
// "too large" failure and the read loop, given the platform's read of one chunk.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

#include "procpool/runner/core/result.hpp"

namespace procpool::detail {

inline Failure too_big(const std::string& path, std::size_t max_bytes, const std::string& what) {
  return fail(path + ": larger than " + std::to_string(max_bytes >> 20) + " MiB, more than a " +
              what + " can be");
}

// Everything `read_some(buffer, size)` gives up to its end (it returns the byte count, 0 at the
// end, or a negative number with errno set), failing past `max_bytes` whatever the file's size
// said: a file may grow while it is read, a stream has no size.
template <typename ReadSome>
Result<std::string> read_up_to(ReadSome read_some, const std::string& path, std::size_t max_bytes,
                               const std::string& what, std::size_t expected) {
  std::string text;
  text.reserve(expected);
  char buffer[1 << 16];
  for (;;) {
    const long long n = read_some(buffer, sizeof buffer);
    if (n < 0) return fail("cannot read " + path + ": " + std::strerror(errno));
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > max_bytes)
      return too_big(path, max_bytes, what);
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace procpool::detail
