// Friendlier parse errors: the argument that is wrong, by name, and the closest valid flag or
// subcommand ("did you mean --jobs?"), instead of CLI11's "A subcommand is required" or "not
// expected: a ::: echo"; and whole-number checks whose messages print numbers as written.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace procpool::cli {

// The candidate closest to `word` by edit distance (letters swapped count once), when close
// enough to be a typo; empty otherwise.
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

// What is wrong with `args` (the words after the program name) that CLI11 could not say well:
// an unknown subcommand or an unknown option of the chosen one, with a suggestion. Nullopt when
// nothing like that is found (CLI11's own message stands).
std::optional<std::string> explain_bad_arguments(const CLI::App& app,
                                                 const std::vector<std::string>& args);

// A whole number from `min` to `max`; the error quotes the text as the user wrote it.
CLI::Validator whole_number(unsigned long long min, unsigned long long max);

// GNU parallel's -j: N, N% of the cores, +N / -N cores plus or minus N (at least 1), or 0: as
// many as there are tasks. Turns the text into the number of jobs for `cores` cores.
CLI::Validator job_count(unsigned cores);

}  // namespace procpool::cli
