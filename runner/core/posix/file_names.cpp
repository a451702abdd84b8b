#include "procpool/runner/core/file_names.hpp"

#include <unistd.h>

namespace procpool {

std::size_t max_file_name_length(const std::string& dir) {
  const long found = ::pathconf(dir.c_str(), _PC_NAME_MAX);
  return found > 0 ? static_cast<std::size_t>(found) : std::size_t{255};
}

}  // namespace procpool
