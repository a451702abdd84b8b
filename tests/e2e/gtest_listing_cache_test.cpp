// The listing cache: a run of an unchanged program starts its tests from the listing remembered
// beside the history (no listing process first), and a remembered listing that turns out wrong
// (a program whose tests change without the program changing) is corrected in the same run:
// every test it lists now gets exactly one verdict, and none it no longer lists gets one. A
// batched run checks the remembered listing by its own events and lists nothing when they vouch
// for it (listing_witness.hpp).
#include <cstdlib>
#include <filesystem>
#include <set>

#include "gtest_fixture.hpp"

namespace procpool::testing {
namespace {

namespace fs = std::filesystem;

// Whether the trace has the listing span on its run track (the run waited for a listing).
bool trace_has_listing(const std::string& trace) {
  const auto doc = nlohmann::json::parse(read_file(trace));
  for (const auto& e : doc["traceEvents"]) {
    if (e.value("cat", "") == "listing") return true;
  }
  return false;
}

std::multiset<std::string> reported_names(const nlohmann::json& report) {
  std::multiset<std::string> names;
  for (const auto& t : report["tasks"]) names.insert(t["name"].get<std::string>());
  return names;
}

std::multiset<std::string> many_names(int count) {
  std::multiset<std::string> names;
  for (int i = 0; i < count; ++i) names.insert("Many/Fast.Test/" + std::to_string(i));
  return names;
}

class ListingCache : public GtestRun {
 protected:
  // A copy of fixture_many of this test's own, whose file the test may touch.
  std::string program() {
    const std::string copy = dir_.file("fixture_many");
    if (!fs::exists(copy)) fs::copy_file(kMany, copy);
    return copy;
  }
  static inline const std::string kMany = FIXTURE_MANY;
};

TEST_F(ListingCache, ARunOfAnUnchangedProgramStartsWithoutWaitingForItsListing) {
  const std::string bin = program();
  const std::string trace = dir_.file("trace.json");
  CliOptions ten;
  ten.env = {"FIXTURE_TESTS=10"};
  ASSERT_EQ(run({"-j2", "--trace", trace, bin}, ten).exit_code, 0);
  EXPECT_TRUE(trace_has_listing(trace)) << "nothing remembered yet";
  EXPECT_TRUE(fs::exists(dir_.file("history.listings.json")));

  auto second = run({"-j2", "--batch", "auto", "--trace", trace, bin}, ten);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_FALSE(trace_has_listing(trace)) << "the remembered listing of an unchanged program";
  EXPECT_EQ(reported_names(report()), many_names(10));

  // A rebuilt program (a new modification time) is listed again before its tests start.
  fs::last_write_time(bin, fs::last_write_time(bin) + std::chrono::seconds(5));
  ASSERT_EQ(run({"-j2", "--trace", trace, bin}, ten).exit_code, 0);
  EXPECT_TRUE(trace_has_listing(trace));

  ASSERT_EQ(run({"-j2", "--no-listing-cache", "--trace", trace, bin}, ten).exit_code, 0);
  EXPECT_TRUE(trace_has_listing(trace)) << "--no-listing-cache always waits for a listing";
}

// A script in front of fixture_many that notes each process's arguments, one line per process.
class ListingCacheProcesses : public ListingCache {
 protected:
  std::string logged_program() {
    const std::string script = dir_.file("logged_many");
    write_file(script, "#!/bin/sh\necho \"$*\" >> '" + log() + "'\nexec '" + kMany + "' \"$@\"\n");
    fs::permissions(script, fs::perms::owner_all);
    return script;
  }
  std::string log() { return dir_.file("processes.log"); }
  // A run that waits for its events as long as it runs, however slow the machine (a sanitizer
  // build): by default a listing checks any run still going after 0.5 s.
  static CliOptions patient(std::vector<std::string> env) {
    CliOptions options;
    options.env = std::move(env);
    options.env.push_back("PROCPOOL_LISTING_CHECK_AFTER_MS=600000");
    return options;
  }
  // How many processes since the last call listed the program's tests.
  int listings_since() {
    int listings = 0;
    if (fs::exists(log())) {
      const std::string text = read_file(log());
      for (auto at = text.find("--gtest_list_tests"); at != std::string::npos;
           at = text.find("--gtest_list_tests", at + 1)) {
        ++listings;
      }
      fs::remove(log());
    }
    return listings;
  }
};

TEST_F(ListingCacheProcesses, AWarmBatchedRunOfAnUnchangedProgramStartsNoListingProcess) {
  const std::string bin = logged_program();
  // 10 tests: the first batch's filter names the other batch's tests on its command line; 500:
  // through a flag file.
  for (const char* count : {"10", "500"}) {
    SCOPED_TRACE(std::string("FIXTURE_TESTS=") + count);
    const CliOptions options = patient({std::string("FIXTURE_TESTS=") + count});
    const std::vector<std::string> batched{"-j2", "--batch", "auto", bin};
    ASSERT_EQ(run(batched, options).exit_code, 0);
    EXPECT_EQ(listings_since(), 1) << "nothing remembered: listed first";

    auto warm = run(batched, options);
    ASSERT_EQ(warm.exit_code, 0) << warm.err;
    EXPECT_EQ(listings_since(), 0) << "the batches' events vouched for the remembered listing";
    EXPECT_EQ(reported_names(report()), many_names(std::atoi(count)));
    EXPECT_EQ(warm.err.find("warning"), std::string::npos) << warm.err;
  }
  // One process per test cannot see a test gained: a fresh listing checks the run.
  CliOptions ten;
  ten.env = {"FIXTURE_TESTS=10"};
  ASSERT_EQ(run({"-j2", bin}, ten).exit_code, 0);
  EXPECT_EQ(listings_since(), 1);
}

TEST_F(ListingCacheProcesses, TheFirstBatchLeavesOutOnlyWhatTheUsersFilterAndOtherBatchesDo) {
  // Were the user's filter lost, tests 0 and 2-9 would run in the first batch as tests the
  // listing lacks, and a listing would check the run.
  const std::string bin = logged_program();
  const CliOptions options = patient({"FIXTURE_TESTS=20"});
  const std::vector<std::string> args{
      "-j2", "--batch", "auto", "--filter", "Many/Fast.Test/1*-Many/Fast.Test/13", bin};
  ASSERT_EQ(run(args, options).exit_code, 0);
  EXPECT_EQ(listings_since(), 1);
  auto warm = run(args, options);
  ASSERT_EQ(warm.exit_code, 0) << warm.err;
  EXPECT_EQ(listings_since(), 0) << warm.err;
  std::multiset<std::string> expected;
  for (int i : {1, 10, 11, 12, 14, 15, 16, 17, 18, 19}) {
    expected.insert("Many/Fast.Test/" + std::to_string(i));
  }
  EXPECT_EQ(reported_names(report()), expected);
}

TEST_F(ListingCacheProcesses, ADisabledTestGainedIsSeenInTheSameRun) {
  // It never runs, so no event names it: gtest's note that the first batch's filter selected a
  // DISABLED_ test (that filter leaves out all those listed) is what shows it.
  const std::string bin = logged_program();
  CliOptions options = patient({"FIXTURE_TESTS=10"});
  const std::vector<std::string> batched{"-j2", "--batch", "auto", bin};
  ASSERT_EQ(run(batched, options).exit_code, 0);
  options.env.push_back("FIXTURE_DISABLED=2");
  auto gained = run(batched, options);
  ASSERT_EQ(gained.exit_code, 0) << gained.err;
  EXPECT_NE(gained.err.find("remembered listing was out of date"), std::string::npos) << gained.err;
  auto expected = many_names(10);
  for (const char* name : {"DISABLED_Extra/Fast.Test/0", "DISABLED_Extra/Fast.Test/1"}) {
    expected.insert(name);
    EXPECT_EQ(verdicts()[name], "disabled");
  }
  EXPECT_EQ(reported_names(report()), expected);
  listings_since();
  auto again = run(batched, options);  // the listing remembered now has them: nothing gained
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(listings_since(), 0) << again.err;
  EXPECT_EQ(reported_names(report()), expected);
}

TEST_F(ListingCacheProcesses, ALongBatchedRunIsStillCheckedByAListingWhileItRuns) {
  // 20 tests of 100 ms of CPU: about a second on two cores, more than the run waits for its
  // events to vouch before it lists (its console is held until the listing is checked).
  const std::string bin = logged_program();
  CliOptions options;
  options.env = {"FIXTURE_TESTS=20", "FIXTURE_WORK_US=100000",
                 "PROCPOOL_LISTING_CHECK_AFTER_MS=100"};
  const std::vector<std::string> batched{"-j2", "--batch", "auto", bin};
  ASSERT_EQ(run(batched, options).exit_code, 0);
  EXPECT_EQ(listings_since(), 1);
  auto warm = run(batched, options);
  ASSERT_EQ(warm.exit_code, 0) << warm.err;
  EXPECT_EQ(listings_since(), 1);
  EXPECT_EQ(reported_names(report()).size(), 20u);
}

TEST_F(ListingCache, ABadListingCheckWaitIsRefusedByName) {
  for (const char* value : {"soon", "", "-1", "1.5", "86400001"}) {
    CliOptions options;
    options.env = {std::string("PROCPOOL_LISTING_CHECK_AFTER_MS=") + value};
    auto r = run({"--batch", "auto", program()}, options);
    EXPECT_EQ(r.exit_code, 2) << value;
    EXPECT_NE(r.err.find("PROCPOOL_LISTING_CHECK_AFTER_MS"), std::string::npos) << r.err;
  }
}

TEST_F(ListingCache, AListingThatChangedWithoutTheProgramIsCorrectedInTheSameRun) {
  const std::string bin = program();
  for (const char* batch : {"", "auto"}) {
    SCOPED_TRACE(std::string("--batch ") + batch);
    std::vector<std::string> args{"-j2", bin};
    if (*batch) args = {"-j2", "--batch", batch, bin};
    CliOptions options;
    options.env = {"FIXTURE_TESTS=10"};
    ASSERT_EQ(run(args, options).exit_code, 0);  // remembers 10 tests

    // More tests than remembered: the new ones run, and every test is reported once.
    options.env = {"FIXTURE_TESTS=13"};
    auto more = run(args, options);
    EXPECT_EQ(more.exit_code, 0) << more.err;
    EXPECT_EQ(reported_names(report()), many_names(13));
    EXPECT_NE(more.err.find("remembered listing was out of date"), std::string::npos) << more.err;
    // Nothing of the abandoned run reached the console: one summary, not two.
    std::size_t summaries = 0;
    for (auto at = more.out.find("[  PASSED  ]"); at != std::string::npos;
         at = more.out.find("[  PASSED  ]", at + 1)) {
      ++summaries;
    }
    EXPECT_EQ(summaries, 1u) << more.out;

    // Fewer: the tests gone get no verdict (not a failure for a test that no longer exists).
    options.env = {"FIXTURE_TESTS=7"};
    auto fewer = run(args, options);
    EXPECT_EQ(fewer.exit_code, 0) << fewer.err;
    EXPECT_EQ(reported_names(report()), many_names(7));

    // And the corrected listing is the one remembered: no correction the next time.
    auto again = run(args, options);
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(again.err.find("out of date"), std::string::npos) << again.err;
    EXPECT_EQ(reported_names(report()), many_names(7));
  }
}

}  // namespace
}  // namespace procpool::testing
