#include "../spill_file.hpp"

#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>
#include <windows.h>
#include <cerrno>
#include <cstring>

#include "procpool/runner/core/temp_dir.hpp"
#include "procpool/runner/core/windows_text.hpp"

namespace procpool {

// _O_TEMPORARY: Windows deletes the file when its last handle closes (Linux's O_TMPFILE has no
// counterpart); _O_NOINHERIT keeps it out of the tasks' processes.
int open_spill_file(std::string& error) {
  const std::string dir = temp_root();
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string path = dir + "\\procpool-capture-" + std::to_string(::GetCurrentProcessId()) +
                             "-" + std::to_string(::GetTickCount64()) + "-" +
                             std::to_string(attempt);
    const int fd = ::_wopen(utf16(path).c_str(),
                            _O_RDWR | _O_CREAT | _O_EXCL | _O_BINARY | _O_TEMPORARY | _O_NOINHERIT,
                            _S_IREAD | _S_IWRITE);
    if (fd >= 0) return fd;
    if (errno != EEXIST) break;
  }
  error = "cannot create a spill file in " + dir + ": " + std::strerror(errno);
  return -1;
}

long long read_spill_file_at(int fd, char* data, std::size_t size, std::uint64_t offset) {
  HANDLE file = reinterpret_cast<HANDLE>(::_get_osfhandle(fd));
  OVERLAPPED at{};
  at.Offset = static_cast<DWORD>(offset);
  at.OffsetHigh = static_cast<DWORD>(offset >> 32);
  DWORD got = 0;
  const DWORD want = size > 0x40000000 ? 0x40000000 : static_cast<DWORD>(size);
  if (!::ReadFile(file, data, want, &got, &at)) {
    return ::GetLastError() == ERROR_HANDLE_EOF ? 0 : -1;
  }
  return got;
}

void close_spill_file(int fd) { ::_close(fd); }

}  // namespace procpool
