#include "procpool/runner/core/bounded_read.hpp"

#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>
#include <windows.h>
#include <cerrno>
#include <cstring>

#include "../bounded_read_loop.hpp"
#include "procpool/runner/core/windows_text.hpp"

// Windows: the same refusals as on Linux (posix/bounded_read.cpp), in Windows' terms: a
// directory, a device other than NUL or a console, a file larger than the bound.
namespace procpool {
namespace {

using detail::too_big;

Result<std::string> read_up_to(int fd, const std::string& path, std::size_t max_bytes,
                               const std::string& what, std::size_t expected) {
  auto read_some = [fd](char* buffer, std::size_t size) -> long long {
    return ::_read(fd, buffer, static_cast<unsigned>(size));
  };
  return detail::read_up_to(read_some, path, max_bytes, what, expected);
}

struct OpenFile {
  int fd = -1;
  struct _stat64 st {};
  OpenFile() = default;
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile() {
    if (fd >= 0) ::_close(fd);
  }
};

Result<void> open_file(const std::string& path, OpenFile& file, bool* missing) {
  const DWORD attributes = ::GetFileAttributesW(utf16(path).c_str());
  if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)) {
    file.st.st_mode = _S_IFDIR;
    return ok();
  }
  file.fd = ::_wopen(utf16(path).c_str(), _O_RDONLY | _O_BINARY | _O_NOINHERIT);
  if (file.fd < 0) {
    if (missing) *missing = errno == ENOENT;
    return fail("cannot read " + path + ": " + std::strerror(errno));
  }
  if (::_fstat64(file.fd, &file.st) != 0) {
    return fail("cannot read " + path + ": " + std::strerror(errno));
  }
  return ok();
}

bool is_directory(const OpenFile& file) { return (file.st.st_mode & _S_IFMT) == _S_IFDIR; }
bool is_regular(const OpenFile& file) { return (file.st.st_mode & _S_IFMT) == _S_IFREG; }

}  // namespace

Result<std::string> read_bounded_file(const std::string& path, std::size_t max_bytes,
                                      const std::string& what, bool* missing) {
  if (missing) *missing = false;
  OpenFile file;
  if (auto opened = open_file(path, file, missing); !opened) return opened.failure();
  if (is_directory(file)) return fail(path + ": is a directory, not a " + what);
  if (!is_regular(file)) {
    return fail(path + ": not a regular file (a device, FIFO or socket), not a " + what);
  }
  if (static_cast<std::size_t>(file.st.st_size) > max_bytes) return too_big(path, max_bytes, what);
  return read_up_to(file.fd, path, max_bytes, what, static_cast<std::size_t>(file.st.st_size));
}

Result<std::string> read_bounded_input(const std::string& path, std::size_t max_bytes,
                                       const std::string& what) {
  if (path == "-") {
    ::_setmode(0, _O_BINARY);
    return read_up_to(0, "standard input", max_bytes, what, 0);
  }
  OpenFile file;
  if (auto opened = open_file(path, file, nullptr); !opened) return opened.failure();
  if (is_directory(file)) return fail(path + ": is a directory, not a " + what);
  const bool regular = is_regular(file);
  if (regular && static_cast<std::size_t>(file.st.st_size) > max_bytes) {
    return too_big(path, max_bytes, what);
  }
  // A character device: NUL or a console reads; others are refused as on Linux.
  if ((file.st.st_mode & _S_IFMT) == _S_IFCHR && path != "NUL" && path != "nul" &&
      !::_isatty(file.fd)) {
    return fail(path + ": a device, not a " + what);
  }
  return read_up_to(file.fd, path, max_bytes, what,
                    regular ? static_cast<std::size_t>(file.st.st_size) : 0);
}

}  // namespace procpool
