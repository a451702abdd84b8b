// Reading text a line at a time, for the command adapter's line-based inputs (task files, joblogs).
#pragma once

#include <string_view>

namespace procpool::command {

// Takes the next line off the front of `text`, without its '\n' (the last may have none).
inline std::string_view take_line(std::string_view& text) {
  const auto newline = text.find('\n');
  const std::string_view line = text.substr(0, newline);
  text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
  return line;
}

}  // namespace procpool::command
