#include "procpool/adapters/ctest/ctest_fixtures.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace procpool::ctest {

void link_fixtures(std::vector<CtestTest>& tests) {
  std::map<std::string, std::vector<std::string>> setups, cleanups, users;
  for (const auto& test : tests) {
    const std::string name = report_name(test.task);
    for (const auto& f : test.fixtures_setup) setups[f].push_back(name);
    for (const auto& f : test.fixtures_cleanup) cleanups[f].push_back(name);
    for (const auto& f : test.fixtures_required) users[f].push_back(name);
  }
  auto add = [](std::vector<std::string>& to, const std::string& name) {
    if (std::find(to.begin(), to.end(), name) == to.end()) to.push_back(name);
  };
  for (auto& test : tests) {
    TaskSpec& task = test.task;
    const std::string self = report_name(task);
    task.helper = !test.fixtures_setup.empty() || !test.fixtures_cleanup.empty();
    for (const auto& f : test.fixtures_required) {
      const bool sets_it_up = std::find(test.fixtures_setup.begin(), test.fixtures_setup.end(),
                                        f) != test.fixtures_setup.end();
      const bool cleans_it_up =
          std::find(test.fixtures_cleanup.begin(), test.fixtures_cleanup.end(), f) !=
          test.fixtures_cleanup.end();
      for (const auto& setup : setups[f]) {
        if (setup == self || sets_it_up) continue;
        add(task.after, setup);
        // A cleanup runs even when the setup failed: it may have half-made something to undo.
        if (!cleans_it_up) add(task.after_passing, setup);
        add(task.companions, setup);
      }
      for (const auto& cleanup : cleanups[f]) {
        if (cleanup != self) add(task.companions, cleanup);
      }
    }
    for (const auto& f : test.fixtures_cleanup) {
      for (const auto& setup : setups[f]) {
        if (setup != self) add(task.after, setup);
      }
      for (const auto& user : users[f]) {
        if (user != self) add(task.after, user);
      }
    }
  }
}

}  // namespace procpool::ctest
