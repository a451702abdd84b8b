#include "procpool/runner/report/file_reporter.hpp"

namespace procpool::report {

const Directory* FileReporter::report_directory(const std::string& path) {
  if (!directory_) {
    auto opened = Directory::open(path);
    if (!opened) {
      record_error(opened.failure());
      return nullptr;
    }
    directory_.emplace(std::move(*opened));
  }
  return &*directory_;
}

}  // namespace procpool::report
