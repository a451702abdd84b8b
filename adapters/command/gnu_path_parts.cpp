#include "gnu_path_parts.hpp"

namespace procpool::command {
namespace {

// Perl's `s{(.)/*\z}{$1}s`: trailing slashes go, but never the first character ("/" stays).
void strip_trailing_slashes(std::string& path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
}

// Perl's fileparse on Unix: `m{^(.*/)?(.*)}s`, the directory part "./" when there is none.
void file_parse(const std::string& path, std::string& directory, std::string& base) {
  const auto slash = path.rfind('/');
  directory = slash == std::string::npos ? "./" : path.substr(0, slash + 1);
  base = slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string gnu_basename(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string gnu_dirname(const std::string& path) {
  std::string stripped = path;
  strip_trailing_slashes(stripped);
  std::string directory, base;
  file_parse(stripped, directory, base);
  strip_trailing_slashes(directory);
  if (base.empty()) {  // the path was "/" or ""
    file_parse(directory, directory, base);
    strip_trailing_slashes(directory);
  }
  return directory;
}

std::string gnu_without_extension(const std::string& path) {
  const auto dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return path;
  return path.substr(0, dot);
}

}  // namespace procpool::command
