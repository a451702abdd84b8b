// CMake's regular expressions (PASS_/FAIL_/SKIP_REGULAR_EXPRESSION, TIMEOUT_AFTER_MATCH), exactly
// as CMake reads them, matched by RE2: linear time and no recursion, so a long line of output
// can neither blow the stack nor take exponential time (std::regex did both).
//
// CMake's dialect (cmsys::RegularExpression): ^ and $ anchor at the start and end of the whole
// text (not of lines); . matches any character, newline included; [ ] and [^ ] sets with
// ranges (a ']' or '-' first in a set is literal, a backslash in a set is literal); * + ? after
// an atom; ( ) groups; | alternation; \c is the character c (so \d is 'd' and \. a dot);
// everything else, { and } included, is literal. A NUL byte in the output is a character like
// any other (measured: ctest matches "c.d" across one, not "cd").
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "procpool/runner/core/result.hpp"

namespace re2 {
class RE2;
}

namespace procpool::ctest {

// The RE2 pattern for a CMake pattern; fails, saying why, where CMake would refuse it.
Result<std::string> translate_cmake_regex(std::string_view pattern);

class CmakeRegex {
 public:
  static Result<CmakeRegex> compile(std::string_view pattern);
  // Whether the pattern matches anywhere in `text`, as CTest's find().
  bool search(std::string_view text) const;

 private:
  std::shared_ptr<const re2::RE2> re_;
};

}  // namespace procpool::ctest
