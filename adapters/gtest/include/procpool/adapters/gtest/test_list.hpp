// Listing a GoogleTest binary's tests with --gtest_list_tests. A binary that cannot be listed
// (missing, not executable, not a gtest binary, crashing, hanging) comes back with an error
// instead of tests, so the caller can report it as a failing entry: nothing disappears silently.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/core/result.hpp"
#include "procpool/runner/process/child.hpp"

namespace procpool::gtest {

struct ListedTest {
  std::string suite;  // "Prefix/Suite" or "Typed/0"
  std::string name;   // "Case" or "Case/3"
  std::string file;   // where TEST() is, when the listing said (locations_dir)
  unsigned line = 0;
  bool disabled() const;  // DISABLED_ on the suite or the test
};

struct Listing {
  std::string binary;
  Result<std::vector<ListedTest>> tests = std::vector<ListedTest>{};  // or why it could not list
  std::string output;  // what the binary printed, for the failure report
};

struct ListOptions {
  std::string filter;                   // gtest's own syntax: "A.*:B.*-A.Slow"
  std::vector<std::string> extra_args;  // passed to the binary as well
  unsigned jobs = 2;
  std::chrono::milliseconds timeout{60000};
  // When set, each listing also asks gtest for its JSON listing in this directory, which gives
  // every test's file and line (gtest 1.10+; older ones write none and the tests have none).
  // Only when a report shows them: it costs the listing ~1.5 ms (measured on gtest_unittest).
  std::string locations_dir;
};

// Parses --gtest_list_tests output: "Suite." lines then indented test names, each optionally
// followed by a "  # GetParam() = ..." / "  # TypeParam = ..." comment. Other lines (such as
// gtest_main's "Running main() from ...") are ignored. Fails if the text holds anything but no
// test list.
Result<std::vector<ListedTest>> parse_test_list(std::string_view text);

// Fills in file and line from gtest's JSON listing (--gtest_list_tests --gtest_output=json:F).
// Tests it does not name, and any text that is not such a listing, are left as they are.
void add_test_locations(std::vector<ListedTest>& tests, const std::string& json);

// Lists binaries on an event loop, up to `jobs` at once, each in its own process with a
// deadline; stop() ends it early (a Ctrl-C while listing). The listings are complete once the
// loop has run out of work.
class TestLister {
 public:
  TestLister(boost::asio::io_context& io, ListOptions options)
      : io_(io), options_(std::move(options)) {}
  void start(const std::vector<std::string>& binaries);
  // Stops the listers still running and starts no more; those binaries come back as not listed.
  void stop();
  // Every binary listed (or given up on): take() has them all.
  bool done() const { return pending_.empty() && running_.empty(); }
  std::vector<Listing> take() { return std::move(listings_); }

 private:
  void start_more();
  boost::asio::io_context& io_;
  ListOptions options_;
  std::vector<Listing> listings_;
  std::deque<std::size_t> pending_;
  std::map<std::size_t, std::shared_ptr<process::Child>> running_;  // by listing
  bool stopped_ = false;
};

// The whole listing on a loop of its own.
std::vector<Listing> list_tests(const std::vector<std::string>& binaries,
                                const ListOptions& options);

}  // namespace procpool::gtest
