#include "procpool/adapters/gtest/listing_witness.hpp"

#include <gtest/gtest.h>

namespace procpool::gtest {
namespace {

Listing listing_of(const std::string& binary, const std::vector<std::string>& names) {
  Listing listing;
  listing.binary = binary;
  std::vector<ListedTest> tests;
  for (const auto& name : names) {
    const auto dot = name.find('.');
    tests.push_back({name.substr(0, dot), name.substr(dot + 1)});
  }
  listing.tests = std::move(tests);
  return listing;
}

const std::vector<Listing> kTwoPrograms{listing_of("a", {"S.One", "S.Two", "T.Three"}),
                                        listing_of("b", {"U.Four"})};

TEST(ListingWitness, TheFirstBatchOfAProgramLeavesOutTheTestsListedElsewhere) {
  ListingWitness witness(kTwoPrograms, "");
  EXPECT_EQ(witness.catch_all("a", {"S.Two"}), "*-S.One:T.Three");
  EXPECT_EQ(witness.catch_all("a", {"S.One"}), std::nullopt) << "once per program";
  EXPECT_EQ(witness.catch_all("b", {"U.Four"}), "*") << "nothing elsewhere";
  EXPECT_EQ(witness.catch_all("c", {"X.Y"}), std::nullopt) << "not remembered";
}

TEST(ListingWitness, TheCatchAllKeepsTheUsersFilterBothWays) {
  EXPECT_EQ(ListingWitness(kTwoPrograms, "S.*:T.*-S.Two").catch_all("a", {"S.One"}),
            "S.*:T.*-S.Two:S.Two:T.Three");
  EXPECT_EQ(ListingWitness(kTwoPrograms, "-T.*").catch_all("a", {"S.One", "S.Two"}),
            "*-T.*:T.Three");
  EXPECT_EQ(ListingWitness(kTwoPrograms, "S.*").catch_all("a", {"S.One", "S.Two", "T.Three"}),
            "S.*");
}

TEST(ListingWitness, NamesWithFilterCharactersAreLeftOutAsTheBatchesNameThem) {
  ListingWitness witness({listing_of("a", {"P/S.T/0", "P/S.T-1", "Q.R"})}, "");
  EXPECT_EQ(witness.catch_all("a", {"Q.R"}), "*-P/S.T/0:P/S.T?1");
}

TEST(ListingWitness, VouchesOnlyWhenEveryProgramsCatchAllEndedWellWithNothingGained) {
  ListingWitness witness(kTwoPrograms, "");
  int doubts = 0;
  witness.on_doubt = [&] { ++doubts; };
  witness.saw("a",
              {.catch_all = true, .ended_well = true, .extras = {}, .asked_not_started = false});
  EXPECT_FALSE(witness.vouched()) << "b not seen yet";
  witness.saw("b",
              {.catch_all = false, .ended_well = true, .extras = {}, .asked_not_started = false});
  EXPECT_FALSE(witness.vouched()) << "b's process was not its catch-all";
  witness.saw("b",
              {.catch_all = true, .ended_well = false, .extras = {}, .asked_not_started = false});
  EXPECT_FALSE(witness.vouched()) << "b's catch-all did not end well";
  witness.saw(
      "b",
      {.catch_all = true, .ended_well = true, .extras = {"U.Four"}, .asked_not_started = false});
  EXPECT_TRUE(witness.vouched()) << "a known name that ran unasked is no test gained";
  EXPECT_EQ(doubts, 0);
}

TEST(ListingWitness, ATestGainedOrLostIsADoubtOnce) {
  ListingWitness gained(kTwoPrograms, "");
  int doubts = 0;
  gained.on_doubt = [&] { ++doubts; };
  gained.saw(
      "a",
      {.catch_all = true, .ended_well = true, .extras = {"S.New"}, .asked_not_started = false});
  gained.saw("b",
             {.catch_all = true, .ended_well = true, .extras = {}, .asked_not_started = false});
  gained.saw(
      "a",
      {.catch_all = false, .ended_well = true, .extras = {"S.Other"}, .asked_not_started = false});
  EXPECT_TRUE(gained.doubtful());
  EXPECT_FALSE(gained.vouched());
  EXPECT_EQ(doubts, 1);

  ListingWitness lost(kTwoPrograms, "");
  lost.saw("a", {.catch_all = true, .ended_well = true, .extras = {}, .asked_not_started = false});
  lost.saw("b", {.catch_all = false, .ended_well = true, .extras = {}, .asked_not_started = true});
  lost.saw("b", {.catch_all = true, .ended_well = true, .extras = {}, .asked_not_started = false});
  EXPECT_TRUE(lost.doubtful());
  EXPECT_FALSE(lost.vouched());
}

TEST(ListingWitness, DisabledTestsTheCatchAllsFilterSelectedAreTestsGained) {
  // The catch-all leaves out every DISABLED_ test listed: any gtest says it selected is new.
  ListingWitness witness(kTwoPrograms, "");
  witness.saw("a", {.catch_all = false, .ended_well = true, .disabled_noted = true});
  EXPECT_FALSE(witness.doubtful()) << "another batch's filter may select listed ones";
  witness.saw("a", {.catch_all = true, .ended_well = true, .disabled_noted = true});
  EXPECT_TRUE(witness.doubtful());
}

TEST(ListingWitness, AProcessThatEndedBadlyShowsNothingLost) {
  ListingWitness witness(kTwoPrograms, "");
  witness.saw("a", {.catch_all = false, .ended_well = false, .asked_not_started = true});
  EXPECT_FALSE(witness.doubtful()) << "a crash stops tests from starting";
}

}  // namespace
}  // namespace procpool::gtest
