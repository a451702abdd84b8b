// Reading an input file whole, with a bound: what every report, history and task file a user
// hands procpool goes through, so a directory, a device (/dev/zero), a FIFO or a file larger
// than any real one is one clear error naming the file, never an abort or unbounded memory.
#pragma once

#include <cstddef>
#include <string>

#include "procpool/runner/core/result.hpp"

namespace procpool {

// The contents of the regular file at `path`, at most `max_bytes` of them. Fails with
// "PATH: is a directory", "PATH: not a regular file (a device, FIFO or socket)",
// "PATH: larger than N MiB, more than a WHAT can be", or the system's reason.
// `missing` reports whether it failed because the file does not exist (callers that start
// without one, such as a first history, treat that as empty).
Result<std::string> read_bounded_file(const std::string& path, std::size_t max_bytes,
                                      const std::string& what, bool* missing = nullptr);

// The bounds procpool reads its inputs with (README, "Limits").
inline constexpr std::size_t kMaxReportBytes = std::size_t(4) << 30;   // 4 GiB: --json reports
inline constexpr std::size_t kMaxHistoryBytes = std::size_t(1) << 30;  // 1 GiB: histories

}  // namespace procpool
