// An exclusive lock on `path` + ".lock", held while the object lives: what lets several runs
// that share a history file update it one at a time (posix/: flock; windows/: LockFileEx).
#pragma once

#include <string>

namespace procpool {

class FileLock {
 public:
  // Waits for the lock. error() says why there is none (the lock file cannot be made).
  explicit FileLock(const std::string& path);
  ~FileLock();  // closing the lock file releases the lock
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string error_;
};

}  // namespace procpool
