#include "procpool/runner/core/file_identity.hpp"

#include <sys/stat.h>

namespace procpool {

std::optional<FileIdentity> regular_file_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileIdentity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                      static_cast<std::uint64_t>(st.st_size), st.st_mtim.tv_sec,
                      st.st_mtim.tv_nsec};
}

}  // namespace procpool
