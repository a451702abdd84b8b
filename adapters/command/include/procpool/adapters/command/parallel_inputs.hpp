// GNU parallel's input model for `procpool run` (its manual is the reference; tests compare with
// GNU parallel itself):
//   COMMAND ::: a b ::: 1 2      two sources: every combination, the first source slowest
//   COMMAND :::: f1 f2           each file is a source (one value per line)
//   COMMAND ::: a b :::+ 1 2     :::+ / ::::+ link a source to the one before: values side by
//                                side (a 1, b 2), as many as the shortest has
//   -a FILE (repeatable)         a file source before any on the command line; '-' = stdin
//   (no source at all)           standard input is the source
//   -0 / --null                  values in files and stdin end with NUL instead of newline
//   --colsep REGEX               every value splits into columns: each column is an argument
//   -N / -n N                    N argument sets per command (the last may have fewer)
// The result is the argument sets, one per command, in order; replacement strings turn them
// into commands (command_source.hpp).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "procpool/runner/core/result.hpp"

namespace procpool::command {

// One source as written: values (:::), or a file to read (::::, -a; "-" is stdin).
struct SourceSpec {
  enum class Kind { values, file } kind = Kind::values;
  std::vector<std::string> values;  // Kind::values
  std::string file;                 // Kind::file
  bool linked = false;              // :::+ / ::::+: side by side with the source before
};

// The command's words and the sources after it. `words` is everything after the options: the
// command, then groups each opened by ::: :::: :::+ or ::::+. Errors name the problem (a ::::
// without a file, a :::+ with nothing before it).
struct CommandAndSources {
  std::vector<std::string> command;
  std::vector<SourceSpec> sources;
};
Result<CommandAndSources> split_command_and_sources(const std::vector<std::string>& words);

struct InputOptions {
  char separator = '\n';     // '\0' with -0/--null
  std::string colsep;        // a regular expression (RE2), or empty: no columns
  std::size_t max_args = 1;  // -N/-n: argument sets per command; 0 = -N0 (none inserted)
  // -X / -m: the sets spread evenly over this many commands (the job slots); --xargs: 1. Either
  // way no command gets more than kMaxCommandArgBytes of arguments. 0: not asked.
  std::size_t spread_over = 0;
  // Told once when an input held a NUL byte (an argument cannot): it is replaced with the two
  // characters \0, as GNU parallel does, never silently cut there.
  std::function<void(const std::string&)> warn;
};

// The most argument bytes -X/-m/--xargs put in one command (Linux allows 128 KiB per argument
// and 2 MiB in all; this leaves room for the command and the environment).
inline constexpr std::size_t kMaxCommandArgBytes = 100 * 1024;

// Argument sets, one per command, stored flat: every argument back to back in one string, with
// where each argument and each set ends. 1,000,000 short inputs cost ~16 MB so (as a vector of
// vectors of strings they cost ~200 MB: GNU parallel itself needs ~21 MB).
class ArgumentSets {
 public:
  std::size_t size() const { return set_ends_.size(); }
  bool empty() const { return set_ends_.empty(); }
  // One set's arguments, made when asked (when its command is about to run).
  std::vector<std::string> at(std::size_t set) const;

  // Building: an argument of the set being made; the end of that set.
  void add(std::string_view argument);
  void end_set() { set_ends_.push_back(ends_.size()); }

  std::size_t set_begin(std::size_t set) const { return set == 0 ? 0 : set_ends_[set - 1]; }
  std::size_t set_end(std::size_t set) const { return set_ends_[set]; }
  std::string_view argument(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }
  // The same arguments in other sets: set i now ends before argument set_ends[i].
  void regroup(std::vector<std::size_t> set_ends) { set_ends_ = std::move(set_ends); }

 private:
  std::string text_;
  std::vector<std::size_t> ends_;      // of each argument, in text_
  std::vector<std::size_t> set_ends_;  // of each set, in arguments
};

// Reads files (and stdin, at most once) and combines the sources into argument sets, one per
// command. `read` gives a file's whole content ("-" is stdin).
using ReadFile = Result<std::string> (*)(const std::string& path);
Result<ArgumentSets> argument_sets(const std::vector<SourceSpec>& sources,
                                   const InputOptions& options, ReadFile read);

}  // namespace procpool::command
