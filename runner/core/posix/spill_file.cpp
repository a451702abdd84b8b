#include "../spill_file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include "procpool/runner/core/temp_dir.hpp"

namespace procpool {

// O_TMPFILE where the file system has it, otherwise mkstemp + unlink.
int open_spill_file(std::string& error) {
  const std::string dir = temp_root();
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string path = dir + "/procpool-capture-XXXXXX";
  fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) {
    error = "cannot create a spill file in " + dir + ": " + std::strerror(errno);
    return -1;
  }
  ::unlink(path.c_str());
  return fd;
}

long long read_spill_file_at(int fd, char* data, std::size_t size, std::uint64_t offset) {
  for (;;) {
    const ssize_t n = ::pread(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

void close_spill_file(int fd) { ::close(fd); }

}  // namespace procpool
