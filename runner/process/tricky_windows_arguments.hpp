// For tests: arguments that survive Windows' one-string command line only if it is quoted as
// the C runtime splits it (spaces, nothing at all, quotes, runs of backslashes before a quote or
// at the end, UNC paths, tabs, non-ASCII). The quoting's round trip and a real child's argv are
// checked against the same list.
#pragma once

#include <string>
#include <vector>

namespace procpool::process {

inline const std::vector<std::string>& tricky_windows_arguments() {
  static const std::vector<std::string> arguments = {"plain",
                                                     "two words",
                                                     "",
                                                     "quote\"inside",
                                                     "ends in backslash\\",
                                                     "C:\\dir\\",
                                                     "back\\\\\"slashes",
                                                     "\\\\server\\share",
                                                     "tab\there",
                                                     "\"",
                                                     "\\",
                                                     "\\\\",
                                                     "a\"\"b",
                                                     "\xc3\xa9t\xc3\xa9 \xe2\x82\xac"};
  return arguments;
}

}  // namespace procpool::process
