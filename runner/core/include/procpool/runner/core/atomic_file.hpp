// Reports and history files are written whole or not at all: into a temporary file beside the
// target, flushed, then renamed over it. A crash or a full disk never leaves half a report.
// A cache (Durability::cache) skips the flush to disk: readers still see the old file or the
// whole new one, but after a power cut or a system crash the file may be empty or old, which
// its loader treats as no cache. (The flush took 0.7 ms, at times 75 ms, here: at the end of
// every run, after its last test.)
//
// Nothing is written through a link someone else planted: the temporary file has an
// unpredictable name and is created exclusively (O_EXCL, O_NOFOLLOW), names are resolved
// relative to a directory held open, and a subdirectory that is a symbolic link is refused.
#pragma once

#include <string>
#include <string_view>

#include "procpool/runner/core/result.hpp"

namespace procpool {

// A directory held open, so that files are made inside it and nowhere else.
class Directory {
 public:
  // The directory at `path` (the user's own choice: a link in it is followed).
  static Result<Directory> open(const std::string& path);
  // `name` inside this one, created if missing; a symbolic link there is refused, not followed.
  Result<Directory> subdirectory(const std::string& name) const;
  // Writes `name` inside this directory atomically.
  Result<void> write_file(const std::string& name, std::string_view content) const;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

  Directory(Directory&& other) noexcept;
  Directory& operator=(Directory&& other) noexcept;
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;
  ~Directory();

 private:
  Directory(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

enum class Durability {
  flushed,  // on disk before it replaces the old file: reports
  cache,    // not flushed: what a lost file only makes slower (durations, remembered listings)
};

class AtomicFile {
 public:
  explicit AtomicFile(std::string path,
                      Durability durability = Durability::flushed);  // beside the target
  AtomicFile(const Directory& directory, std::string name);          // inside an opened directory
  ~AtomicFile();  // discards the temporary file unless commit() succeeded
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  // Flushes and renames into place. On failure the message names the file and the reason (the
  // first error of any write counts).
  Result<void> commit();

 private:
  void create_temporary();

  std::string path_;  // as messages name it
  std::string name_;  // within the directory
  int dir_fd_ = -1;
  bool own_dir_fd_ = false;
  std::string temp_name_;
  int fd_ = -1;
  std::string error_;
  bool committed_ = false;
  Durability durability_ = Durability::flushed;
};

// The common case: the whole content at once.
Result<void> write_file_atomically(const std::string& path, std::string_view content,
                                   Durability durability = Durability::flushed);

}  // namespace procpool
