#include "procpool/runner/core/task.hpp"

#include <cctype>

namespace procpool {

std::string shell_quote(const std::string& word) {
  if (word.empty()) return "''";
  bool safe = true;
  for (unsigned char c : word) {
    if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == ':' || c == '=' ||
          c == '+' || c == ',' || c == '@' || c == '%')) {
      safe = false;
      break;
    }
  }
  if (safe) return word;
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  quoted += '\'';
  return quoted;
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dir_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::vector<std::string> argv_for_slot(const Command& command, unsigned slot) {
  std::vector<std::string> argv = command.argv;
  const std::string number = std::to_string(slot);
  // From the last mark back, so earlier offsets stay right.
  for (auto mark = command.slot_marks.rbegin(); mark != command.slot_marks.rend(); ++mark) {
    if (mark->first < argv.size() && mark->second <= argv[mark->first].size()) {
      argv[mark->first].insert(mark->second, number);
    }
  }
  return argv;
}

std::string shell_join(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& word : argv) {
    if (!line.empty()) line += ' ';
    line += shell_quote(word);
  }
  return line;
}

}  // namespace procpool
