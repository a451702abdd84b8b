#include "procpool/adapters/command/parallel_inputs.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <limits>
#include <memory>

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

// The arguments one value gives: itself, or its columns (split at every non-overlapping match
// of --colsep, left to right; an empty match splits nothing).
std::vector<std::string> columns_of(const std::string& value, const RE2* colsep) {
  if (!colsep) return {value};
  std::vector<std::string> columns;
  re2::StringPiece match;
  std::size_t start = 0;
  std::size_t from = 0;
  while (from <= value.size() &&
         colsep->Match(value, from, value.size(), RE2::UNANCHORED, &match, 1)) {
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

std::vector<std::string> values_of(const std::string& content, char separator) {
  std::vector<std::string> values;
  std::size_t start = 0;
  while (start < content.size()) {
    const std::size_t end = content.find(separator, start);
    if (end == std::string::npos) {
      values.push_back(content.substr(start));
      break;
    }
    values.push_back(content.substr(start, end - start));
    start = end + 1;
  }
  return values;
}

Result<std::vector<std::vector<std::string>>> argument_sets(const std::vector<SourceSpec>& sources,
                                                            const InputOptions& options,
                                                            ReadFile read) {
  std::unique_ptr<RE2> colsep;
  if (!options.colsep.empty()) {
    colsep = std::make_unique<RE2>(options.colsep, RE2::Quiet);
    if (!colsep->ok()) {
      return fail("--colsep " + options.colsep + ": not a regular expression (" + colsep->error() +
                  ")");
    }
  }
  // Each source's values; stdin is read once, however many sources name it.
  std::vector<std::vector<std::string>> values;
  bool stdin_read = false;
  for (const auto& source : sources) {
    if (source.kind == SourceSpec::Kind::values) {
      values.push_back(source.values);
      continue;
    }
    if (source.file == "-" && stdin_read) {
      values.emplace_back();
      continue;
    }
    stdin_read = stdin_read || source.file == "-";
    auto content = read(source.file);
    if (!content) return content.failure();
    values.push_back(values_of(*content, options.separator));
  }
  bool told = false;
  for (auto& source_values : values) {
    for (auto& value : source_values) {
      if (value.find('\0') == std::string::npos) continue;
      std::string replaced;
      for (char c : value) c == '\0' ? replaced += "\\0" : replaced += c;
      value = std::move(replaced);
      if (!told && options.warn) {
        options.warn(
            "an input held a NUL byte, which no argument can: it was replaced with \\0 "
            "(did you mean -0/--null?)");
      }
      told = true;
    }
  }

  // Groups: a source and the ones linked to it, side by side (as many rows as the shortest).
  std::vector<std::vector<std::vector<std::string>>> groups;  // group -> row -> arguments
  for (std::size_t s = 0; s < sources.size(); ++s) {
    if (!sources[s].linked || groups.empty()) {
      std::vector<std::vector<std::string>> rows;
      for (const auto& value : values[s]) rows.push_back(columns_of(value, colsep.get()));
      groups.push_back(std::move(rows));
      continue;
    }
    auto& rows = groups.back();
    rows.resize(std::min(rows.size(), values[s].size()));
    for (std::size_t r = 0; r < rows.size(); ++r) {
      auto columns = columns_of(values[s][r], colsep.get());
      rows[r].insert(rows[r].end(), columns.begin(), columns.end());
    }
  }

  // Every combination of one row per group, the first group changing slowest.
  std::vector<std::vector<std::string>> sets;
  if (!groups.empty()) {
    std::size_t total = 1;
    for (const auto& rows : groups) {
      if (rows.empty()) return sets;  // a source without values: no commands, as GNU parallel
      if (total > std::numeric_limits<std::size_t>::max() / rows.size()) {
        return fail("the sources' combinations are too many to run");
      }
      total *= rows.size();
    }
    sets.reserve(total);
    std::vector<std::size_t> at(groups.size(), 0);
    for (std::size_t n = 0; n < total; ++n) {
      std::vector<std::string> set;
      for (std::size_t g = 0; g < groups.size(); ++g) {
        const auto& row = groups[g][at[g]];
        set.insert(set.end(), row.begin(), row.end());
      }
      sets.push_back(std::move(set));
      for (std::size_t g = groups.size(); g-- > 0;) {  // the last group changes fastest
        if (++at[g] < groups[g].size()) break;
        at[g] = 0;
      }
    }
  }

  if (options.spread_over > 0) {
    // -X/-m: as GNU parallel, ceil(sets / slots) sets per command, in order; --xargs: all in one.
    const std::size_t per = (sets.size() + options.spread_over - 1) / options.spread_over;
    std::vector<std::vector<std::string>> spread;
    std::size_t in_this = 0;
    std::size_t bytes = 0;
    for (auto& set : sets) {
      std::size_t set_bytes = 0;
      for (const auto& arg : set) set_bytes += arg.size() + 1;
      if (spread.empty() || in_this == per ||
          (in_this > 0 && bytes + set_bytes > kMaxCommandArgBytes)) {
        spread.emplace_back();
        in_this = 0;
        bytes = 0;
      }
      spread.back().insert(spread.back().end(), set.begin(), set.end());
      ++in_this;
      bytes += set_bytes;
    }
    return spread;
  }
  if (options.max_args == 1) return sets;
  // -N/-n: several sets per command; -N0: one command per set, with no arguments.
  std::vector<std::vector<std::string>> joined;
  if (options.max_args == 0) {
    joined.assign(sets.size(), {});
    return joined;
  }
  for (std::size_t i = 0; i < sets.size(); i += options.max_args) {
    std::vector<std::string> set;
    for (std::size_t j = i; j < std::min(sets.size(), i + options.max_args); ++j) {
      set.insert(set.end(), sets[j].begin(), sets[j].end());
    }
    joined.push_back(std::move(set));
  }
  return joined;
}

}  // namespace procpool::command
