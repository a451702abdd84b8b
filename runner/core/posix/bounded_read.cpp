#include "procpool/runner/core/bounded_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include "../bounded_read_loop.hpp"

namespace procpool {
namespace {

using detail::too_big;

// `fd` to its end (detail::read_up_to), an interrupted read tried again.
Result<std::string> read_up_to(int fd, const std::string& path, std::size_t max_bytes,
                               const std::string& what, std::size_t expected) {
  auto read_some = [fd](char* buffer, std::size_t size) -> long long {
    for (;;) {
      const ssize_t n = ::read(fd, buffer, size);
      if (n >= 0 || errno != EINTR) return n;
    }
  };
  return detail::read_up_to(read_some, path, max_bytes, what, expected);
}

// A file opened for reading without waiting (O_NONBLOCK: opening a FIFO with no writer must
// not hang), with what fstat says of it; closed when it goes.
struct OpenFile {
  int fd = -1;
  struct stat st {};
  OpenFile() = default;
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile() {
    if (fd >= 0) ::close(fd);
  }
};

// Opens `path` into `file`, or says why not (`missing`: because it does not exist).
Result<void> open_without_waiting(const std::string& path, OpenFile& file, bool* missing) {
  file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (file.fd < 0) {
    if (missing) *missing = errno == ENOENT;
    return fail("cannot read " + path + ": " + std::strerror(errno));
  }
  if (::fstat(file.fd, &file.st) != 0) {
    return fail("cannot read " + path + ": " + std::strerror(errno));
  }
  return ok();
}

}  // namespace

Result<std::string> read_bounded_file(const std::string& path, std::size_t max_bytes,
                                      const std::string& what, bool* missing) {
  if (missing) *missing = false;
  OpenFile file;
  if (auto opened = open_without_waiting(path, file, missing); !opened) return opened.failure();
  const struct stat& st = file.st;
  if (S_ISDIR(st.st_mode)) return fail(path + ": is a directory, not a " + what);
  if (!S_ISREG(st.st_mode)) {
    return fail(path + ": not a regular file (a device, FIFO or socket), not a " + what);
  }
  if (static_cast<std::size_t>(st.st_size) > max_bytes) return too_big(path, max_bytes, what);
  return read_up_to(file.fd, path, max_bytes, what, static_cast<std::size_t>(st.st_size));
}

Result<std::string> read_bounded_input(const std::string& path, std::size_t max_bytes,
                                       const std::string& what) {
  if (path == "-") return read_up_to(STDIN_FILENO, "standard input", max_bytes, what, 0);
  OpenFile file;
  if (auto opened = open_without_waiting(path, file, nullptr); !opened) return opened.failure();
  const struct stat& st = file.st;
  if (S_ISDIR(st.st_mode)) return fail(path + ": is a directory, not a " + what);
  const bool dev_null = S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
  if (S_ISCHR(st.st_mode) && !dev_null && !::isatty(file.fd)) {
    return fail(path + ": a device, not a " + what);
  }
  if (S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode)) {
    return fail(path + ": a device or socket, not a " + what);
  }
  if (S_ISFIFO(st.st_mode)) {
    // A named pipe is read as cat reads it: opened again, waiting for its writer (read without
    // one, it would end at once with nothing).
    const int blocking = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (blocking < 0) return fail("cannot read " + path + ": " + std::strerror(errno));
    ::close(file.fd);
    file.fd = blocking;
  }
  ::fcntl(file.fd, F_SETFL, ::fcntl(file.fd, F_GETFL) & ~O_NONBLOCK);
  if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) > max_bytes) {
    return too_big(path, max_bytes, what);
  }
  return read_up_to(file.fd, path, max_bytes, what,
                    S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) : 0);
}

}  // namespace procpool
