#include "procpool/runner/core/bounded_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace procpool {

Result<std::string> read_bounded_file(const std::string& path, std::size_t max_bytes,
                                      const std::string& what, bool* missing) {
  if (missing) *missing = false;
  // O_NONBLOCK: opening a FIFO with no writer must not hang; regular files ignore it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (missing) *missing = errno == ENOENT;
    return fail("cannot read " + path + ": " + std::strerror(errno));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail("cannot read " + path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return fail(path + ": is a directory, not a " + what);
  if (!S_ISREG(st.st_mode)) {
    return fail(path + ": not a regular file (a device, FIFO or socket), not a " + what);
  }
  const auto too_big = [&] {
    return fail(path + ": larger than " + std::to_string(max_bytes >> 20) + " MiB, more than a " +
                what + " can be");
  };
  if (static_cast<std::size_t>(st.st_size) > max_bytes) return too_big();
  std::string text;
  text.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[1 << 16];
  for (;;) {  // up to the bound, whatever stat said (the file may grow while we read)
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot read " + path + ": " + std::strerror(errno));
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > max_bytes) return too_big();
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace procpool
