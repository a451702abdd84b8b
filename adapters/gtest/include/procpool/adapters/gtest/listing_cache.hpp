// Remembered listings: what `--gtest_list_tests` said of a program, kept next to the history so
// that a run of an unchanged program starts its tests without waiting for a listing process.
//
// An entry is found only for the same program file (device, inode, size and modification time)
// listed with the same inputs (filter, extra arguments, the GTEST_* variables). A program can
// still list differently without changing (tests registered from a data file or another
// variable), so the caller checks every remembered listing against a fresh one while the tests
// already run, and starts again from the fresh one when they differ (cli/gtest_command.cpp).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "procpool/adapters/gtest/listing.hpp"
#include "procpool/runner/core/result.hpp"

namespace procpool::gtest {

// What a listing depends on, as one string; nothing when the program cannot be looked at.
std::optional<std::string> listing_key(const std::string& binary, const ListOptions& options);

class ListingCache {
 public:
  // The cache at `path`; an absent, unreadable or foreign file is an empty cache (it is only a
  // cache: the run lists as if it had none).
  static ListingCache load(const std::string& path);

  std::optional<std::vector<ListedTest>> find(const std::string& key) const;
  void put(const std::string& key, std::vector<ListedTest> tests);
  void erase(const std::string& key) { changed_ = entries_.erase(key) > 0 || changed_; }
  // Written atomically, and only when something changed.
  Result<void> save() const;

  // Beside the history: ".procpool/history.json" -> ".procpool/history.listings.json".
  static std::string path_for_history(const std::string& history_path);

 private:
  std::string path_;
  std::map<std::string, std::vector<ListedTest>> entries_;
  bool changed_ = false;
};

// Same tests, same order, same places.
bool same_tests(const std::vector<ListedTest>& a, const std::vector<ListedTest>& b);

}  // namespace procpool::gtest
