#include "procpool/runner/core/shell.hpp"

#include <cctype>

namespace procpool {

std::vector<std::string> shell_argv(const std::string& script) {
  return {"cmd.exe", "/d", "/s", "/c", script};
}

std::string quote_for_shell(const std::string& word) {
  bool safe = !word.empty();
  for (unsigned char c : word) {
    if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == '\\' ||
          c == ':' || c == '=' || c == '+' || c == ',' || c == '@')) {
      safe = false;
      break;
    }
  }
  if (safe) return word;
  std::string quoted = "\"";
  for (char c : word) {
    quoted += c;
    if (c == '"') quoted += '"';  // "" inside quotes: a literal quote to the C runtime
  }
  return quoted + "\"";
}

}  // namespace procpool
