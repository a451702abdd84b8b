#include "procpool/adapters/command/parallel_inputs.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>

#include "column_separator.hpp"

namespace procpool::command {
namespace {

struct Separator {
  std::string_view text;
  SourceSpec::Kind kind;
  bool linked;
};
constexpr Separator kSeparators[] = {
    {":::", SourceSpec::Kind::values, false},
    {"::::", SourceSpec::Kind::file, false},
    {":::+", SourceSpec::Kind::values, true},
    {"::::+", SourceSpec::Kind::file, true},
};

const Separator* separator_of(const std::string& word) {
  for (const auto& separator : kSeparators) {
    if (word == separator.text) return &separator;
  }
  return nullptr;
}

}  // namespace

Result<CommandAndSources> split_command_and_sources(const std::vector<std::string>& words) {
  CommandAndSources out;
  std::size_t i = 0;
  for (; i < words.size() && !separator_of(words[i]); ++i) out.command.push_back(words[i]);
  while (i < words.size()) {
    const Separator& separator = *separator_of(words[i]);
    ++i;
    std::vector<std::string> items;
    for (; i < words.size() && !separator_of(words[i]); ++i) items.push_back(words[i]);
    // A link needs a source before it; GNU parallel treats a leading :::+ as :::.
    const bool linked = separator.linked && !out.sources.empty();
    if (separator.kind == SourceSpec::Kind::values) {
      out.sources.push_back({SourceSpec::Kind::values, std::move(items), "", linked});
      continue;
    }
    if (items.empty()) {
      return fail(std::string(separator.text) + " needs at least one file name after it");
    }
    for (std::size_t f = 0; f < items.size(); ++f) {  // each file is a source of its own
      out.sources.push_back({SourceSpec::Kind::file, {}, items[f], linked && f == 0});
    }
  }
  return out;
}

std::vector<std::string> ArgumentSets::at(std::size_t set) const {
  std::vector<std::string> arguments;
  arguments.reserve(set_end(set) - set_begin(set));
  for (std::size_t i = set_begin(set); i < set_end(set); ++i) arguments.emplace_back(argument(i));
  return arguments;
}

void ArgumentSets::add(std::string_view argument) {
  text_.append(argument);
  ends_.push_back(text_.size());
}

namespace {

// Each value of a file's content, in order: lines (a final line without its separator counts;
// a "\r" stays, as in GNU parallel), or NUL-terminated values.
template <typename Take>
void for_each_value(std::string_view content, char separator, Take take) {
  while (!content.empty()) {
    const std::size_t end = content.find(separator);
    take(content.substr(0, end));
    if (end == std::string_view::npos) break;
    content.remove_prefix(end + 1);
  }
}

// Adds one value as a set: its columns (the value itself without --colsep), a NUL byte in it
// replaced with the two characters \0 (an argument cannot hold one), as GNU parallel does.
class RowAdder {
 public:
  RowAdder(const ColumnSeparator* colsep, const InputOptions& options)
      : colsep_(colsep), options_(options) {}
  void operator()(ArgumentSets& table, std::string_view value) {
    std::string replaced;
    if (value.find('\0') != std::string_view::npos) {
      for (char c : value) c == '\0' ? replaced += "\\0" : replaced += c;
      value = replaced;
      if (!told_ && options_.warn) {
        options_.warn(
            "an input held a NUL byte, which no argument can: it was replaced with \\0 "
            "(did you mean -0/--null?)");
      }
      told_ = true;
    }
    if (!colsep_) {
      table.add(value);
    } else {
      for (const auto& column : colsep_->columns_of(std::string(value))) table.add(column);
    }
    table.end_set();
  }

 private:
  const ColumnSeparator* colsep_;
  const InputOptions& options_;
  bool told_ = false;
};

void append_set(ArgumentSets& to, const ArgumentSets& from, std::size_t set) {
  for (std::size_t i = from.set_begin(set); i < from.set_end(set); ++i) to.add(from.argument(i));
}

// -X/-m/--xargs: the sets spread evenly over `spread_over` commands, none over
// kMaxCommandArgBytes of arguments.
std::vector<std::size_t> spread_ends(const ArgumentSets& sets, std::size_t spread_over) {
  const std::size_t per = (sets.size() + spread_over - 1) / spread_over;
  std::vector<std::size_t> ends;
  std::size_t in_this = 0;
  std::size_t bytes = 0;
  for (std::size_t s = 0; s < sets.size(); ++s) {
    std::size_t set_bytes = 0;
    for (std::size_t i = sets.set_begin(s); i < sets.set_end(s); ++i)
      set_bytes += sets.argument(i).size() + 1;
    if (s > 0 && (in_this == per || (in_this > 0 && bytes + set_bytes > kMaxCommandArgBytes))) {
      ends.push_back(sets.set_begin(s));
      in_this = 0;
      bytes = 0;
    }
    ++in_this;
    bytes += set_bytes;
  }
  if (!sets.empty()) ends.push_back(sets.set_end(sets.size() - 1));
  return ends;
}

}  // namespace

Result<ArgumentSets> argument_sets(const std::vector<SourceSpec>& sources,
                                   const InputOptions& options, ReadFile read) {
  std::optional<ColumnSeparator> colsep;
  if (!options.colsep.empty()) {
    auto compiled = ColumnSeparator::compile(options.colsep);
    if (!compiled) return compiled.failure();
    colsep.emplace(std::move(*compiled));
  }
  RowAdder add_row(colsep ? &*colsep : nullptr, options);
  std::vector<ArgumentSets> groups;  // sources, linked ones (:::+) joined side by side
  bool stdin_read = false;
  for (const auto& source : sources) {
    ArgumentSets rows;
    if (source.kind == SourceSpec::Kind::values) {
      for (const auto& value : source.values) add_row(rows, value);
    } else if (!(source.file == "-" && stdin_read)) {  // stdin is read once
      stdin_read = stdin_read || source.file == "-";
      auto content = read(source.file);
      if (!content) return content.failure();
      for_each_value(*content, options.separator,
                     [&](std::string_view value) { add_row(rows, value); });
    }
    if (!source.linked || groups.empty()) {
      groups.push_back(std::move(rows));
      continue;
    }
    ArgumentSets joined;
    for (std::size_t r = 0; r < std::min(groups.back().size(), rows.size()); ++r) {
      append_set(joined, groups.back(), r);
      append_set(joined, rows, r);
      joined.end_set();
    }
    groups.back() = std::move(joined);
  }

  ArgumentSets sets;
  if (groups.size() == 1) {
    sets = std::move(groups.front());
  } else if (!groups.empty()) {
    std::size_t total = 1;
    for (const auto& rows : groups) {
      if (rows.empty()) return sets;  // a source without values: no commands, as GNU parallel
      if (total > std::numeric_limits<std::size_t>::max() / rows.size()) {
        return fail("the sources' combinations are too many to run");
      }
      total *= rows.size();
    }
    std::vector<std::size_t> at(groups.size(), 0);
    for (std::size_t n = 0; n < total; ++n) {
      for (std::size_t g = 0; g < groups.size(); ++g) append_set(sets, groups[g], at[g]);
      sets.end_set();
      for (std::size_t g = groups.size(); g-- > 0;) {  // the last group changes fastest
        if (++at[g] < groups[g].size()) break;
        at[g] = 0;
      }
    }
  }

  if (options.spread_over > 0) {
    sets.regroup(spread_ends(sets, options.spread_over));
    return sets;
  }
  if (options.max_args == 1) return sets;
  // -N/-n: several sets per command; -N0: one command per set, with no arguments.
  if (options.max_args == 0) {
    ArgumentSets none;
    for (std::size_t i = 0; i < sets.size(); ++i) none.end_set();
    return none;
  }
  std::vector<std::size_t> ends;
  for (std::size_t i = 0; i < sets.size(); i += options.max_args) {
    ends.push_back(sets.set_end(std::min(sets.size(), i + options.max_args) - 1));
  }
  sets.regroup(std::move(ends));
  return sets;
}

}  // namespace procpool::command
