// What a report says about the run as a whole, beyond its tasks: which command ran which
// suite, and which shard of it. `procpool merge` reads it back to check that the reports it is
// given are the shards of one run: none missing, none twice, none of another suite.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace procpool::report {

struct RunDescription {
  std::string command;                // "gtest", "ctest" or "run"
  std::string shard;                  // "K/N"; empty: the run was not sharded
  std::string shard_method;           // "duration" or "hash" (tests runs only)
  std::vector<std::string> binaries;  // the test programs, as given
  std::vector<std::string> selected;  // the tests this shard selected (history ids)
  std::size_t suite_tests = 0;        // tests in the whole suite, before sharding
  std::string suite_fingerprint;      // plan::suite_fingerprint of the whole suite
};

}  // namespace procpool::report
