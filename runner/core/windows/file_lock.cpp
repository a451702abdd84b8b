#include "procpool/runner/core/file_lock.hpp"

#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>
#include <windows.h>
#include <cerrno>
#include <cstring>

#include "procpool/runner/core/windows_text.hpp"

namespace procpool {

FileLock::FileLock(const std::string& path) {
  const std::string lock_path = path + ".lock";
  fd_ = ::_wopen(utf16(lock_path).c_str(), _O_RDWR | _O_CREAT | _O_BINARY | _O_NOINHERIT,
                 _S_IREAD | _S_IWRITE);
  if (fd_ < 0) {
    error_ = "cannot lock " + lock_path + ": " + std::strerror(errno);
    return;
  }
  OVERLAPPED whole{};
  if (!::LockFileEx(reinterpret_cast<HANDLE>(::_get_osfhandle(fd_)), LOCKFILE_EXCLUSIVE_LOCK, 0,
                    MAXDWORD, MAXDWORD, &whole)) {
    error_ = "cannot lock " + lock_path + ": " + windows_error_text(::GetLastError());
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::_close(fd_);
}

}  // namespace procpool
