#include "procpool/runner/core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include "procpool/runner/core/fd_io.hpp"

namespace procpool {

AtomicFile::AtomicFile(std::string path)
    : path_(std::move(path)), temp_path_(path_ + ".tmp." + std::to_string(::getpid())) {
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) error_ = "cannot write " + path_ + ": " + std::strerror(errno);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void AtomicFile::write(std::string_view bytes) {
  if (error_.empty() && !write_all(fd_, bytes)) {
    error_ = "cannot write " + path_ + ": " + std::strerror(errno);
  }
}

Result<void> AtomicFile::commit() {
  if (!error_.empty()) return fail(error_);
  const bool synced = ::fsync(fd_) == 0;
  const int sync_errno = errno;
  const bool closed = ::close(fd_) == 0;
  fd_ = -1;
  if (!synced || !closed) {
    return fail("cannot write " + path_ + ": " + std::strerror(synced ? errno : sync_errno));
  }
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return fail("cannot replace " + path_ + ": " + std::strerror(errno));
  }
  committed_ = true;
  return ok();
}

Result<void> write_file_atomically(const std::string& path, std::string_view content) {
  AtomicFile file(path);
  file.write(content);
  return file.commit();
}

}  // namespace procpool
