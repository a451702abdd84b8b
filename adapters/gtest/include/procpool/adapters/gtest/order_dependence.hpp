// The order-dependence finder (`procpool gtest --find-order-dependence`): runs every test alone,
// all together in the program's order, and all together twice in one process (so in the second
// round every test runs after all the others: the "reversed" view that gtest's fixed
// registration order allows), compares the verdicts, and for each test whose verdict changes
// finds by bisection the smallest set of other tests that changes it. Two kinds, as iDFlakies and
// iFixFlakies name them: a *victim* passes alone and fails after *polluters*; a *brittle* test
// fails alone and passes only after *state-setters*.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace procpool::gtest {

// What one process said of the tests it ran: per round (--gtest_repeat), passed or not; a test
// absent from a round did not finish there (the process died first).
struct ProbeRounds {
  std::vector<std::map<std::string, bool>> rounds;
  std::string died;  // the test that was running when the process ended (crash, exit, hang)
};

// Runs the named tests (in the program's order) in one process, `repeat` rounds.
using Probe = std::function<ProbeRounds(const std::vector<std::string>& tests, unsigned repeat)>;

struct OrderDependence {
  enum class Kind { victim, brittle };
  std::string test;
  Kind kind = Kind::victim;
  std::vector<std::string> by;  // the polluters or state-setters found, minimal
  bool after_all = false;       // seen only when run after every other test (the second round)
};

// `tests`: one program's tests in registration order. `progress` hears what is being done.
std::vector<OrderDependence> find_order_dependence(
    const std::vector<std::string>& tests, const Probe& probe,
    const std::function<void(const std::string&)>& progress = {});

// The smallest subset of `candidates` (by deleting halves, then whole suites, then single
// elements) for which `holds` is still true; `holds(candidates)` must be true.
std::vector<std::string> minimal_subset(
    std::vector<std::string> candidates,
    const std::function<bool(const std::vector<std::string>&)>& holds);

const char* to_string(OrderDependence::Kind kind);

}  // namespace procpool::gtest
