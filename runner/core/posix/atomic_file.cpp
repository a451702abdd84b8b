#include "procpool/runner/core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <utility>

#include "procpool/runner/core/fd_io.hpp"
#include "procpool/runner/core/task.hpp"

namespace procpool {
namespace {

std::string join(const std::string& dir, const std::string& name) {
  return dir.empty() || dir == "." ? name : dir == "/" ? "/" + name : dir + "/" + name;
}

// 12 characters no one can guess, for a temporary name.
std::string random_suffix() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char bytes[12];
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    // Without entropy the name is guessable, but O_EXCL | O_NOFOLLOW still refuse a planted link.
    for (unsigned i = 0; i < sizeof bytes; ++i)
      bytes[i] = static_cast<unsigned char>(::getpid() + i * 7919);
  }
  std::string suffix;
  for (unsigned char b : bytes) suffix += kAlphabet[b % (sizeof kAlphabet - 1)];
  return suffix;
}

}  // namespace

Result<Directory> Directory::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail_os(errno, "cannot open directory " + path + ": " + std::strerror(errno));
  return Directory(fd, path);
}

Result<Directory> Directory::subdirectory(const std::string& name) const {
  const std::string path = join(path_, name);
  if (::mkdirat(fd_, name.c_str(), 0755) != 0 && errno != EEXIST) {
    return fail_os(errno, "cannot create " + path + ": " + std::strerror(errno));
  }
  const int fd = ::openat(fd_, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    const int why = errno;
    struct stat info {};
    if (::fstatat(fd_, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(info.st_mode)) {
      return fail_os(why, "refusing to write into " + path + ": it is a symbolic link");
    }
    return fail_os(why, "cannot open directory " + path + ": " + std::strerror(why));
  }
  return Directory(fd, path);
}

Directory::Directory(Directory&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

Directory& Directory::operator=(Directory&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

Directory::~Directory() {
  if (fd_ >= 0) ::close(fd_);
}

AtomicFile::AtomicFile(std::string path, Durability durability)
    : path_(std::move(path)), name_(base_name(path_)), durability_(durability) {
  const std::string parent = dir_name(path_);
  dir_fd_ = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  own_dir_fd_ = dir_fd_ >= 0;
  if (dir_fd_ < 0) {
    error_ = "cannot write " + path_ + ": " + std::strerror(errno);
    return;
  }
  create_temporary();
}

AtomicFile::AtomicFile(const Directory& directory, std::string name)
    : path_(join(directory.path(), name)), name_(std::move(name)), dir_fd_(directory.fd()) {
  create_temporary();
}

void AtomicFile::create_temporary() {
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_name_ = "." + name_ + ".tmp-" + random_suffix();
    // Exclusive and never through a link: a name someone planted makes us pick another.
    fd_ = ::openat(dir_fd_, temp_name_.c_str(),
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd_ >= 0) return;
    if (errno != EEXIST) break;
  }
  error_ = "cannot write " + path_ + ": " + std::strerror(errno);
  temp_name_.clear();
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_name_.empty()) ::unlinkat(dir_fd_, temp_name_.c_str(), 0);
  if (own_dir_fd_) ::close(dir_fd_);
}

void AtomicFile::write(std::string_view bytes) {
  if (error_.empty() && !write_all(fd_, bytes)) {
    error_ = "cannot write " + path_ + ": " + std::strerror(errno);
  }
}

Result<void> AtomicFile::commit() {
  if (!error_.empty()) return fail(error_);
  const bool synced = durability_ == Durability::cache || ::fsync(fd_) == 0;
  const int sync_errno = errno;
  const bool closed = ::close(fd_) == 0;
  fd_ = -1;
  if (!synced || !closed) {
    return fail("cannot write " + path_ + ": " + std::strerror(synced ? errno : sync_errno));
  }
  if (::renameat(dir_fd_, temp_name_.c_str(), dir_fd_, name_.c_str()) != 0) {
    return fail("cannot replace " + path_ + ": " + std::strerror(errno));
  }
  committed_ = true;
  return ok();
}

}  // namespace procpool
