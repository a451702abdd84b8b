#include "procpool/adapters/gtest/order_dependence.hpp"

#include <algorithm>
#include <set>

namespace procpool::gtest {
namespace {

struct Verdicts {
  std::map<std::string, std::optional<bool>> passed;  // nullopt: never finished in that round
  std::set<std::string> died;                         // ended the process they ran in
};

// Every test's verdict in the last of `repeat` rounds. A test that ends its process (a crash,
// exit(), a hang) fails and is left out of the next process, and those that had not finished
// run again, until every test has finished or nothing moves any more.
Verdicts run_all(const std::vector<std::string>& tests, unsigned repeat, const Probe& probe) {
  Verdicts verdicts;
  for (const auto& test : tests) verdicts.passed[test] = std::nullopt;
  std::vector<std::string> left = tests;
  while (!left.empty()) {
    const ProbeRounds result = probe(left, repeat);
    static const std::map<std::string, bool> none;
    const auto& round = result.rounds.size() >= repeat ? result.rounds[repeat - 1] : none;
    std::vector<std::string> again;
    for (const auto& test : left) {
      if (test == result.died) {
        verdicts.passed[test] = false;
        verdicts.died.insert(test);
      } else if (auto found = round.find(test); found != round.end()) {
        verdicts.passed[test] = found->second;
      } else {
        again.push_back(test);
      }
    }
    if (again.size() == left.size()) break;  // nothing moved (a hang before any test)
    left = std::move(again);
  }
  return verdicts;
}

}  // namespace

const char* to_string(OrderDependence::Kind kind) {
  return kind == OrderDependence::Kind::victim ? "victim" : "brittle";
}

std::vector<std::string> minimal_subset(
    std::vector<std::string> candidates,
    const std::function<bool(const std::vector<std::string>&)>& holds) {
  // Halves first: most order dependence comes from one other test, found in log2(n) runs.
  while (candidates.size() > 1) {
    const auto middle = candidates.begin() + static_cast<std::ptrdiff_t>(candidates.size() / 2);
    std::vector<std::string> first(candidates.begin(), middle), second(middle, candidates.end());
    if (holds(first)) {
      candidates = std::move(first);
    } else if (holds(second)) {
      candidates = std::move(second);
    } else {
      break;  // it takes tests from both halves
    }
  }
  // Then whole suites: the tests of one suite may be needed only together (a TearDownTestSuite
  // that fails unless two of them ran), so no single one of them can go alone, yet all of them
  // can.
  auto suite_of = [](const std::string& test) { return test.substr(0, test.find('.')); };
  for (std::size_t i = 0; candidates.size() > 1 && i < candidates.size();) {
    const std::string suite = suite_of(candidates[i]);
    std::vector<std::string> without;
    for (const auto& test : candidates) {
      if (suite_of(test) != suite) without.push_back(test);
    }
    if (!without.empty() && without.size() + 1 < candidates.size() && holds(without)) {
      candidates = std::move(without);
    } else {
      ++i;
    }
  }
  // Then drop single tests while it still holds.
  for (std::size_t i = 0; candidates.size() > 1 && i < candidates.size();) {
    std::vector<std::string> without = candidates;
    without.erase(without.begin() + static_cast<std::ptrdiff_t>(i));
    if (holds(without)) {
      candidates = std::move(without);
    } else {
      ++i;
    }
  }
  return candidates;
}

std::vector<OrderDependence> find_order_dependence(
    const std::vector<std::string>& tests, const Probe& probe,
    const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& text) {
    if (progress) progress(text);
  };
  say("running " + std::to_string(tests.size()) + " tests alone");
  std::map<std::string, std::optional<bool>> alone;
  std::set<std::string> ends_its_process;  // never a candidate: it would end every probe
  for (const auto& test : tests) {
    const Verdicts single = run_all({test}, 1, probe);
    alone[test] = single.passed.at(test);
    if (single.died.count(test)) ends_its_process.insert(test);
  }
  say("running them together in the program's order, then twice over in one process");
  const auto in_order = run_all(tests, 1, probe);
  const auto after_all = run_all(tests, 2, probe);
  // A test that ended a process there (hung, exited, crashed) is no candidate either: before
  // another victim it would end the probe first, hiding that victim.
  ends_its_process.insert(in_order.died.begin(), in_order.died.end());
  ends_its_process.insert(after_all.died.begin(), after_all.died.end());

  std::vector<OrderDependence> found;
  for (std::size_t i = 0; i < tests.size(); ++i) {
    const std::string& test = tests[i];
    const std::optional<bool> single = alone[test];
    if (!single) continue;
    const bool passes_alone = *single;
    // Which view changed its verdict, and who may be responsible.
    bool second_round = false;
    std::vector<std::string> candidates;
    if (auto v = in_order.passed.at(test); v && *v != passes_alone) {
      // Any other test may be responsible, not only those before it: a suite sibling whose
      // TearDownTestSuite, or the environment's TearDown, judges the whole suite.
      candidates = tests;
      candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (auto w = after_all.passed.at(test); w && *w != passes_alone) {
      second_round = true;
      candidates = tests;  // everything ran before it, itself included
    } else {
      continue;
    }
    std::erase_if(candidates, [&](const std::string& t) { return ends_its_process.count(t) > 0; });
    // Does running `others` first still change the verdict?
    auto changes = [&](const std::vector<std::string>& others) {
      std::vector<std::string> run;
      for (const auto& t : tests) {  // the program's order, whatever the subset's
        if (t == test || std::find(others.begin(), others.end(), t) != others.end()) {
          run.push_back(t);
        }
      }
      const unsigned repeat = second_round ? 2 : 1;
      const ProbeRounds result = probe(run, repeat);
      if (result.rounds.size() < repeat) return false;
      const auto& round = result.rounds[repeat - 1];
      const auto verdict = round.find(test);
      return verdict != round.end() && verdict->second != passes_alone;
    };
    say("bisecting " + test);
    if (candidates.empty() || !changes(candidates)) continue;  // not reproducible: not reported
    OrderDependence dependence;
    dependence.test = test;
    dependence.kind = passes_alone ? OrderDependence::Kind::victim : OrderDependence::Kind::brittle;
    dependence.by = minimal_subset(candidates, changes);
    dependence.after_all = second_round;
    found.push_back(std::move(dependence));
  }
  return found;
}

}  // namespace procpool::gtest
