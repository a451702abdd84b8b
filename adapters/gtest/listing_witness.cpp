#include "procpool/adapters/gtest/listing_witness.hpp"

#include "gtest_process.hpp"

namespace procpool::gtest {

ListingWitness::ListingWitness(const std::vector<Listing>& remembered,
                               const std::string& user_filter) {
  // gtest's own reading of a filter: positive patterns up to the first '-', negative after it;
  // no positive pattern means every test.
  const std::size_t dash = user_filter.find('-');
  positive_ = user_filter.substr(0, dash);
  if (positive_.empty()) positive_ = "*";
  if (dash != std::string::npos) negative_ = user_filter.substr(dash + 1);
  for (const Listing& listing : remembered) {
    if (!listing.tests) continue;
    Program& program = programs_[listing.binary];
    for (const ListedTest& test : *listing.tests) {
      program.names.push_back(test.suite + "." + test.name);
      program.known.insert(program.names.back());
    }
  }
}

std::optional<std::string> ListingWitness::catch_all(const std::string& program,
                                                     const std::vector<std::string>& members) {
  const auto found = programs_.find(program);
  if (found == programs_.end() || found->second.catch_all_taken) return std::nullopt;
  Program& p = found->second;
  p.catch_all_taken = true;
  const std::unordered_set<std::string> here(members.begin(), members.end());
  std::vector<std::string> elsewhere;
  elsewhere.reserve(p.names.size());
  for (const auto& name : p.names) {
    if (!here.count(name)) elsewhere.push_back(name);
  }
  std::string left_out = negative_;
  if (!elsewhere.empty()) left_out += (left_out.empty() ? "" : ":") + filter_for(elsewhere);
  return left_out.empty() ? positive_ : positive_ + "-" + left_out;
}

bool ListingWitness::knows(const std::string& program, const std::string& name) const {
  const auto found = programs_.find(program);
  return found != programs_.end() && found->second.known.count(name) > 0;
}

void ListingWitness::saw(const std::string& program, const Seen& seen) {
  const auto found = programs_.find(program);
  if (found == programs_.end()) return;
  Program& p = found->second;
  bool gained = seen.catch_all && seen.ended_well && seen.disabled_noted;
  for (const auto& extra : seen.extras) gained = gained || !p.known.count(extra);
  const bool lost = seen.ended_well && seen.asked_not_started;
  if (gained || lost) {
    doubt();
    return;
  }
  if (seen.catch_all && seen.ended_well) p.vouched = true;
}

bool ListingWitness::vouched() const {
  if (doubt_) return false;
  for (const auto& [name, program] : programs_) {
    if (!program.vouched) return false;
  }
  return true;
}

void ListingWitness::doubt() {
  if (doubt_) return;
  doubt_ = true;
  if (on_doubt) on_doubt();
}

}  // namespace procpool::gtest
