#include "column_separator.hpp"

// The Windows build: RE2 cannot be had from Debian for mingw-w64, and another engine would split
// some values differently from the Linux build. --colsep is refused with the reason.
namespace procpool::command {

struct ColumnSeparator::Engine {};

ColumnSeparator::ColumnSeparator(std::unique_ptr<Engine> engine) : engine_(std::move(engine)) {}
ColumnSeparator::ColumnSeparator(ColumnSeparator&&) noexcept = default;
ColumnSeparator& ColumnSeparator::operator=(ColumnSeparator&&) noexcept = default;
ColumnSeparator::~ColumnSeparator() = default;

Result<ColumnSeparator> ColumnSeparator::compile(const std::string& pattern) {
  return fail("--colsep " + pattern + ": not available in the Windows build",
              "it needs RE2, which Debian does not package for Windows (README, \"Windows\")");
}

std::vector<std::string> ColumnSeparator::columns_of(const std::string& value) const {
  return {value};
}

}  // namespace procpool::command
