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

// An input a person may also hand procpool as a stream: "-" (standard input), a regular file,
// a FIFO or pipe (`:::: <(seq 10)`), /dev/null or a terminal. Directories and other devices
// (/dev/zero, /dev/urandom) are refused naming the file; more than `max_bytes` fails with
// "PATH: larger than N MiB, more than a WHAT can be".
Result<std::string> read_bounded_input(const std::string& path, std::size_t max_bytes,
                                       const std::string& what);

// The bounds procpool reads its inputs with (README, "Limits").
inline constexpr std::size_t kMaxReportBytes = std::size_t(4) << 30;   // 4 GiB: --json reports
inline constexpr std::size_t kMaxHistoryBytes = std::size_t(1) << 30;  // 1 GiB: histories
inline constexpr std::size_t kMaxJoblogBytes = std::size_t(1) << 30;   // 1 GiB: joblogs
// 4 GiB: --tasks files and argument files (:::: FILE, -a FILE, standard input)
inline constexpr std::size_t kMaxInputBytes = std::size_t(4) << 30;

}  // namespace procpool
