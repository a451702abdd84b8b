// Reports and history files are written whole or not at all: into a temporary file beside the
// target, flushed, then renamed over it. A crash or a full disk never leaves half a report.
#pragma once

#include <string>
#include <string_view>

#include "procpool/runner/core/result.hpp"

namespace procpool {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // discards the temporary file unless commit() succeeded
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  // Flushes and renames into place. On failure the message names the file and the reason (the
  // first error of any write counts).
  Result<void> commit();

 private:
  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  std::string error_;
  bool committed_ = false;
};

// The common case: the whole content at once.
Result<void> write_file_atomically(const std::string& path, std::string_view content);

}  // namespace procpool
