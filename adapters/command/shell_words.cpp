#include "procpool/adapters/command/shell_words.hpp"

namespace procpool::command {

Result<std::vector<std::string>> split_shell_words(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // distinguishes "" (an empty word) from no word at all
  std::size_t i = 0;
  auto finish_word = [&] {
    if (in_word) words.push_back(std::move(word));
    word.clear();
    in_word = false;
  };
  while (i < line.size()) {
    const char c = line[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      finish_word();
      ++i;
    } else if (c == '#' && !in_word) {
      break;  // comment to the end of the line
    } else if (c == '\\') {
      if (i + 1 >= line.size()) {
        return fail("trailing backslash");
      }
      word += line[i + 1];
      in_word = true;
      i += 2;
    } else if (c == '\'') {
      const auto end = line.find('\'', i + 1);
      if (end == std::string_view::npos) {
        return fail("unterminated single quote");
      }
      word.append(line.substr(i + 1, end - i - 1));
      in_word = true;
      i = end + 1;
    } else if (c == '"') {
      std::size_t j = i + 1;
      for (;; ++j) {
        if (j >= line.size()) {
          return fail("unterminated double quote");
        }
        if (line[j] == '"') break;
        if (line[j] == '\\' && j + 1 < line.size() &&
            (line[j + 1] == '"' || line[j + 1] == '\\' || line[j + 1] == '$' ||
             line[j + 1] == '`')) {
          ++j;
        }
        word += line[j];
      }
      in_word = true;
      i = j + 1;
    } else {
      word += c;
      in_word = true;
      ++i;
    }
  }
  finish_word();
  return words;
}

}  // namespace procpool::command
