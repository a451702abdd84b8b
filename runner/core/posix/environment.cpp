#include "procpool/runner/core/environment.hpp"

#include <fnmatch.h>
#include <unistd.h>

#include <string_view>

namespace procpool {

std::vector<std::string> environment_variable_names() {
  std::vector<std::string> names;
  for (char** entry = environ; *entry; ++entry) {
    const std::string_view text(*entry);
    names.emplace_back(text.substr(0, text.find('=')));
  }
  return names;
}

bool name_matches_pattern(const std::string& pattern, const std::string& name) {
  return ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

}  // namespace procpool
