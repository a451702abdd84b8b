// Checks a remembered listing (listing_cache.hpp) by the run's own events, so that a run of
// unchanged programs needs no listing process at all (on a 0.1 s suite that process was ~7 % of
// the run: it competes for the cores with the tests).
//
// The first batch of each program runs with a filter that leaves out only the tests the listing
// puts elsewhere (the user's filter still applies), not with its own tests named: a test the
// program has gained since it was listed runs there, under a name the listing lacks. A process
// that ended well without starting a test it was asked for shows a test lost; in the catch-all,
// which leaves out every DISABLED_ test listed, gtest's note that its filter selected some shows
// one gained (it never runs, so no event names it). The listing is
// vouched for once every program's first batch ended well with nothing gained, and no process
// lost a test; anything else is a doubt, and the run's fresh listing (gtest_command.cpp) decides,
// as it always did. Evidence only ever spares that listing: it never finds a listing stale alone.
//
// What the events cannot see: a gained test whose name matches a left-out one where a filter
// character was written '?' (filter_for). It waits for the next listing (the program's next build).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "procpool/adapters/gtest/listing.hpp"

namespace procpool::gtest {

class ListingWitness {
 public:
  // `remembered`: each program's remembered listing (every test, disabled ones too).
  // `user_filter`: the run's --gtest_filter, in gtest's syntax ("" for all).
  ListingWitness(const std::vector<Listing>& remembered, const std::string& user_filter);

  // The filter of the first batch of `program`, whose tests are `members`: the user's filter
  // less every other test of the listing. Once per program; none for a program not remembered.
  std::optional<std::string> catch_all(const std::string& program,
                                       const std::vector<std::string>& members);
  // Whether `name` is one of `program`'s remembered tests.
  bool knows(const std::string& program, const std::string& name) const;

  // What one process of a program showed of its listing.
  struct Seen {
    bool catch_all = false;           // it was the program's catch-all batch
    bool ended_well = false;          // judge.hpp's: it reached gtest's end and exited accordingly
    std::vector<std::string> extras;  // tests it ran unasked
    bool asked_not_started = false;   // a test it was asked for never started
    bool disabled_noted = false;      // gtest said its filter selected DISABLED_ tests
  };
  void saw(const std::string& program, const Seen& seen);

  bool doubtful() const { return doubt_; }
  // Every program's catch-all batch ended well with nothing gained, and nothing was lost.
  bool vouched() const;
  // Called once, at the first doubt.
  std::function<void()> on_doubt;

 private:
  struct Program {
    std::vector<std::string> names;
    std::unordered_set<std::string> known;
    bool catch_all_taken = false;
    bool vouched = false;
  };
  void doubt();

  std::map<std::string, Program> programs_;
  std::string positive_, negative_;  // the user's filter, split at its '-'
  bool doubt_ = false;
};

}  // namespace procpool::gtest
