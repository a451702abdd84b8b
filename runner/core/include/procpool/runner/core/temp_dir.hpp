// Where temporary files go ($TMPDIR, else /tmp), and a private directory made there. A missing
// or unwritable TMPDIR is an error naming it, never an exception.
#pragma once

#include <optional>
#include <string>

#include "procpool/runner/core/result.hpp"

namespace procpool {

// $TMPDIR when set and not empty, else /tmp.
std::string temp_root();

// A new directory `temp_root()/<prefix>-XXXXXX`, readable by its owner only.
Result<std::string> make_temp_directory(const std::string& prefix);

// A new directory `<prefix>-XXXXXX` in memory (Linux: /dev/shm) for many small short-lived
// files; nothing where there is no such file system (Windows), and the caller uses its own.
std::optional<std::string> make_memory_directory(const std::string& prefix);

}  // namespace procpool
