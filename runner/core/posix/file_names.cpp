#include "procpool/runner/core/file_names.hpp"

#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace procpool {

std::size_t max_file_name_length(const std::string& dir) {
  const long found = ::pathconf(dir.c_str(), _PC_NAME_MAX);
  return found > 0 ? static_cast<std::size_t>(found) : std::size_t{255};
}

std::optional<std::string> cannot_create_files_in(const std::string& dir) {
  if (::access(dir.c_str(), W_OK) != 0) return std::string(std::strerror(errno));
  return std::nullopt;
}

}  // namespace procpool
