// Splits one command line into argv the way /bin/sh would for plain words, without running a
// shell: 'single quotes', "double quotes" (with \" \\ \$ \` escapes), backslash escapes, and
// a # at the start of a word begins a comment. No expansion of any kind.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "procpool/runner/core/result.hpp"

namespace procpool::command {

// Bad input (an unterminated quote, a trailing backslash) fails, saying why.
Result<std::vector<std::string>> split_shell_words(std::string_view line);

}  // namespace procpool::command
