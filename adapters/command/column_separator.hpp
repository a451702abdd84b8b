// --colsep: a value split into columns at every match of a regular expression. RE2 where the
// build has it (column_separator_re2.cpp: linear time, whatever the pattern); the Windows build
// has no RE2 (Debian packages none for mingw-w64), and says so (column_separator_without_re2.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "procpool/runner/core/result.hpp"

namespace procpool::command {

class ColumnSeparator {
 public:
  // Fails naming the pattern when it is not a regular expression.
  static Result<ColumnSeparator> compile(const std::string& pattern);

  // Split at every non-overlapping match, left to right; an empty match splits nothing.
  std::vector<std::string> columns_of(const std::string& value) const;

  ColumnSeparator(ColumnSeparator&&) noexcept;
  ColumnSeparator& operator=(ColumnSeparator&&) noexcept;
  ~ColumnSeparator();

 private:
  struct Engine;
  explicit ColumnSeparator(std::unique_ptr<Engine> engine);
  std::unique_ptr<Engine> engine_;
};

}  // namespace procpool::command
