#include "procpool/runner/core/atomic_file.hpp"

#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>
#include <windows.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <utility>

#include "procpool/runner/core/fd_io.hpp"
#include "procpool/runner/core/windows_text.hpp"

// Windows: no directory descriptors, so a Directory is its path (fd() is -1) and the temporary
// file is made by name beside the target; MoveFileExW replaces the target in one step, as
// rename(2) does on Linux. A directory that is a reparse point (a symbolic link or junction) is
// refused as on Linux.
namespace procpool {
namespace {

std::string join(const std::string& dir, const std::string& name) {
  return dir.empty() || dir == "." ? name : dir + "\\" + name;
}

bool is_link(const std::string& path) {
  const DWORD attributes = ::GetFileAttributesW(utf16(path).c_str());
  return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_REPARSE_POINT);
}

Failure windows_failure(const std::string& what) {
  const DWORD error = ::GetLastError();
  return fail_os(static_cast<int>(error), what + ": " + windows_error_text(error));
}

}  // namespace

Result<Directory> Directory::open(const std::string& path) {
  const DWORD attributes = ::GetFileAttributesW(utf16(path).c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES)
    return windows_failure("cannot open directory " + path);
  if (!(attributes & FILE_ATTRIBUTE_DIRECTORY)) {
    return fail("cannot open directory " + path + ": Not a directory");
  }
  return Directory(-1, path);
}

Result<Directory> Directory::subdirectory(const std::string& name) const {
  const std::string path = join(path_, name);
  if (!::CreateDirectoryW(utf16(path).c_str(), nullptr) &&
      ::GetLastError() != ERROR_ALREADY_EXISTS) {
    return windows_failure("cannot create " + path);
  }
  if (is_link(path)) return fail("refusing to write into " + path + ": it is a symbolic link");
  return Directory::open(path);
}

Directory::Directory(Directory&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

Directory& Directory::operator=(Directory&& other) noexcept {
  fd_ = std::exchange(other.fd_, -1);
  path_ = std::move(other.path_);
  return *this;
}

Directory::~Directory() = default;

AtomicFile::AtomicFile(std::string path, Durability durability)
    : path_(std::move(path)), durability_(durability) {
  const std::filesystem::path target(utf16(path_));
  name_ = utf8(target.filename().wstring());
  create_temporary();
}

AtomicFile::AtomicFile(const Directory& directory, std::string name)
    : path_(join(directory.path(), name)), name_(std::move(name)) {
  create_temporary();
}

void AtomicFile::create_temporary() {
  const std::filesystem::path target(utf16(path_));
  std::random_device entropy;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::filesystem::path temp =
        target.parent_path() / utf16("." + name_ + ".tmp-" + std::to_string(entropy()));
    fd_ = ::_wopen(temp.c_str(), _O_WRONLY | _O_CREAT | _O_EXCL | _O_BINARY | _O_NOINHERIT,
                   _S_IREAD | _S_IWRITE);
    if (fd_ >= 0) {
      temp_name_ = utf8(temp.wstring());
      return;
    }
    if (errno != EEXIST) break;
  }
  error_ = "cannot write " + path_ + ": " + std::strerror(errno);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::_close(fd_);
  if (!committed_ && !temp_name_.empty()) ::DeleteFileW(utf16(temp_name_).c_str());
}

void AtomicFile::write(std::string_view bytes) {
  if (error_.empty() && !write_all(fd_, bytes)) {
    error_ = "cannot write " + path_ + ": " + std::strerror(errno);
  }
}

Result<void> AtomicFile::commit() {
  if (!error_.empty()) return fail(error_);
  const bool synced = durability_ == Durability::cache || ::_commit(fd_) == 0;
  const int sync_errno = errno;
  const bool closed = ::_close(fd_) == 0;
  fd_ = -1;
  if (!synced || !closed) {
    return fail("cannot write " + path_ + ": " + std::strerror(synced ? errno : sync_errno));
  }
  if (!::MoveFileExW(utf16(temp_name_).c_str(), utf16(path_).c_str(),
                     MOVEFILE_REPLACE_EXISTING |
                         (durability_ == Durability::flushed ? MOVEFILE_WRITE_THROUGH : 0))) {
    return windows_failure("cannot replace " + path_);
  }
  committed_ = true;
  return ok();
}

}  // namespace procpool
