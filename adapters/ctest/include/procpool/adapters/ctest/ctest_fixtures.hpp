// CTest's fixtures (FIXTURES_SETUP, FIXTURES_REQUIRED, FIXTURES_CLEANUP) as run order.
#pragma once

#include <vector>

#include "procpool/adapters/ctest/ctest_source.hpp"

namespace procpool::ctest {

// The fixture relations as run order: a test requiring fixture F starts after F's setups and is
// not run when one failed; F's cleanups start after F's setups and users. Setups and cleanups are
// the companions a shard takes with a user, and helpers themselves.
void link_fixtures(std::vector<CtestTest>& tests);

}  // namespace procpool::ctest
