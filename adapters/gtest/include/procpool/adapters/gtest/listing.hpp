// Listing a GoogleTest binary's tests with --gtest_list_tests. A binary that cannot be listed
// (missing, not executable, not a gtest binary, crashing, hanging) comes back with an error
// instead of tests, so the caller can report it as a failing entry: nothing disappears silently.
//
// Names come from gtest's JSON listing (--gtest_output=json:FILE, gtest 1.10 and later), which
// keeps every name whole (spaces, commas, ':', '*', unicode), with each test's file and line; the
// text listing, whose lines a name with a space breaks, is the fallback for older gtest. The
// same listing finds out whether the program can stream its results to procpool (gtest connects
// as it starts): a program that cannot (gtest on Windows, very old gtest) has its console read.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "procpool/adapters/gtest/event_listener.hpp"
#include "procpool/runner/core/result.hpp"
#include "procpool/runner/process/child.hpp"

namespace procpool::gtest {

struct ListedTest {
  std::string suite;  // "Prefix/Suite" or "Typed/0"
  std::string name;   // "Case" or "Case/3"
  std::string file;   // where TEST() is, when the listing said (gtest's JSON listing)
  unsigned line = 0;
  bool disabled() const;  // DISABLED_ on the suite or the test
};

struct Listing {
  std::string binary;
  Result<std::vector<ListedTest>> tests = std::vector<ListedTest>{};  // or why it could not list
  std::string output;                        // what the binary printed, for the failure report
  EventSource events = EventSource::stream;  // where its processes' verdicts will come from
  std::string stream_error;                  // why the stream could not be tried, when it could not
};

struct ListOptions {
  std::string filter;                   // gtest's own syntax: "A.*:B.*-A.Slow"
  std::vector<std::string> extra_args;  // passed to the binary as well
  unsigned jobs = 2;
  std::chrono::milliseconds timeout{60000};
  // Where gtest's JSON listings go (a private directory; each is removed once read).
  std::string json_dir;
  std::string stream_address = "127.0.0.1";  // where to listen for the stream's first line
  bool stream = true;  // try the stream at all (false: every program's console is read)
  // At the lowest priority (process::ChildOptions::background): a listing that checks a
  // remembered one while the tests run.
  bool background = false;
};

// Parses --gtest_list_tests output: "Suite." lines then indented test names, each optionally
// followed by a "  # GetParam() = ..." / "  # TypeParam = ..." comment. Other lines (such as
// gtest_main's "Running main() from ...") are ignored. Fails if the text holds anything but no
// test list.
Result<std::vector<ListedTest>> parse_test_list(std::string_view text);

// Reads gtest's JSON listing (--gtest_list_tests --gtest_output=json:F): every test with its
// suite, name, file and line. Nothing when the text is not such a listing.
std::optional<std::vector<ListedTest>> parse_json_test_list(const std::string& json);

// Lists binaries on an event loop, up to `jobs` at once, each in its own process with a
// deadline; stop() ends it early (a Ctrl-C while listing). The listings are complete once the
// loop has run out of work.
class TestLister {
 public:
  TestLister(boost::asio::io_context& io, ListOptions options)
      : io_(io), options_(std::move(options)) {}
  void start(const std::vector<std::string>& binaries);
  // Called once, from the event loop, when every binary is listed (or given up on).
  void on_done(std::function<void()> done) { on_done_ = std::move(done); }
  // Stops the listers still running and starts no more; those binaries come back as not listed.
  void stop();
  // Every binary listed (or given up on): take() has them all.
  bool done() const { return pending_.empty() && running_.empty(); }
  std::vector<Listing> take() { return std::move(listings_); }

 private:
  struct Running {
    std::shared_ptr<process::Child> child;
    std::shared_ptr<EventListener> listener;
  };
  void start_more();
  // Lists binary `i`: first asking for the JSON listing and the stream; `plain` only the text
  // listing (a gtest that does not know those flags shows its help instead of the list).
  void list(std::size_t i, bool plain);
  void listed(std::size_t i, bool plain, const AttemptResult& result, const std::string& json,
              bool streamed);
  boost::asio::io_context& io_;
  ListOptions options_;
  std::vector<Listing> listings_;
  std::deque<std::size_t> pending_;
  std::map<std::size_t, Running> running_;  // by listing
  bool stopped_ = false;
  std::function<void()> on_done_;
};

}  // namespace procpool::gtest
