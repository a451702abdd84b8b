#include "procpool/runner/core/temp_dir.hpp"

#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace procpool {

std::string temp_root() {
  const char* dir = std::getenv("TMPDIR");
  return dir && *dir ? dir : "/tmp";
}

Result<std::string> make_temp_directory(const std::string& prefix) {
  const std::string root = temp_root();
  std::string path = root + "/" + prefix + "-XXXXXX";
  if (!::mkdtemp(path.data())) {
    return fail_os(errno,
                   "cannot create a temporary directory in " + root + ": " + std::strerror(errno),
                   "set TMPDIR to a writable directory");
  }
  return path;
}

std::optional<std::string> make_memory_directory(const std::string& prefix) {
  std::string path = "/dev/shm/" + prefix + "-XXXXXX";
  if (::access("/dev/shm", W_OK) != 0 || !::mkdtemp(path.data())) return std::nullopt;
  return path;
}

}  // namespace procpool
