#include "column_separator.hpp"

#include <re2/re2.h>

namespace procpool::command {

struct ColumnSeparator::Engine {
  explicit Engine(const std::string& pattern) : regex(pattern, RE2::Quiet) {}
  RE2 regex;
};

ColumnSeparator::ColumnSeparator(std::unique_ptr<Engine> engine) : engine_(std::move(engine)) {}
ColumnSeparator::ColumnSeparator(ColumnSeparator&&) noexcept = default;
ColumnSeparator& ColumnSeparator::operator=(ColumnSeparator&&) noexcept = default;
ColumnSeparator::~ColumnSeparator() = default;

Result<ColumnSeparator> ColumnSeparator::compile(const std::string& pattern) {
  auto engine = std::make_unique<Engine>(pattern);
  if (!engine->regex.ok()) {
    return fail("--colsep " + pattern + ": not a regular expression (" + engine->regex.error() +
                ")");
  }
  return ColumnSeparator(std::move(engine));
}

std::vector<std::string> ColumnSeparator::columns_of(const std::string& value) const {
  std::vector<std::string> columns;
  re2::StringPiece match;
  std::size_t start = 0;
  std::size_t from = 0;
  while (from <= value.size() &&
         engine_->regex.Match(value, from, value.size(), RE2::UNANCHORED, &match, 1)) {
    const auto at = static_cast<std::size_t>(match.data() - value.data());
    if (match.empty()) {
      if (at >= value.size()) break;
      from = at + 1;
      continue;
    }
    columns.push_back(value.substr(start, at - start));
    start = from = at + match.size();
  }
  columns.push_back(value.substr(start));
  return columns;
}

}  // namespace procpool::command
