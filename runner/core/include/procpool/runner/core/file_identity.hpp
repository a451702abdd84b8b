// Which file a path names, and which version of it: device and file number, size and time of
// the last change (nanoseconds). Equal identities mean the same unchanged file, as far as the
// system can tell (posix/: stat; windows/: the volume serial and file index).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace procpool {

struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t file = 0;
  std::uint64_t size = 0;
  std::int64_t changed_seconds = 0;
  std::int64_t changed_nanoseconds = 0;
  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

// Nothing when `path` is not a regular file (or cannot be read).
std::optional<FileIdentity> regular_file_identity(const std::string& path);

}  // namespace procpool
