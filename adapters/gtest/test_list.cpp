#include "procpool/adapters/gtest/test_list.hpp"

#include <unistd.h>
#include <cstdint>
#include <limits>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "small_files.hpp"

namespace procpool::gtest {
namespace {

std::string_view without_comment(std::string_view line) {
  const auto comment = line.find("  #");
  if (comment != std::string_view::npos) line = line.substr(0, comment);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

bool ListedTest::disabled() const {
  // "Prefix/DISABLED_Suite" disables too: gtest looks at each part of the name.
  auto part_disabled = [](std::string_view full) {
    while (true) {
      const auto slash = full.find('/');
      if (starts_with(full.substr(0, slash), "DISABLED_")) return true;
      if (slash == std::string_view::npos) return false;
      full.remove_prefix(slash + 1);
    }
  };
  return part_disabled(suite) || part_disabled(name);
}

Result<std::vector<ListedTest>> parse_test_list(std::string_view text) {
  std::vector<ListedTest> tests;
  std::string suite;
  bool saw_other_text = false;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const std::string_view raw = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    const std::string_view line = without_comment(raw);
    if (line.empty()) continue;
    if (starts_with(line, "  ") && !suite.empty() && line.find(' ', 2) == std::string_view::npos) {
      tests.push_back({suite, std::string(line.substr(2))});
    } else if (line[0] != ' ' && line.back() == '.' && line.find(' ') == std::string_view::npos) {
      suite = std::string(line.substr(0, line.size() - 1));
    } else if (!starts_with(line, "Running main() from ")) {
      saw_other_text = true;  // a program that is not gtest, or one that prints at start-up
    }
  }
  // A gtest binary without tests prints nothing (or gtest_main's banner); anything else that
  // yields no test list is not a gtest binary.
  if (tests.empty() && saw_other_text) {
    return fail("not a GoogleTest binary: its --gtest_list_tests output has no test list");
  }
  return tests;
}

void add_test_locations(std::vector<ListedTest>& tests, const std::string& json) {
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("testsuites") || !doc["testsuites"].is_array()) return;
  std::unordered_map<std::string, ListedTest*> by_name;
  for (ListedTest& test : tests) by_name.emplace(test.suite + "." + test.name, &test);
  for (const auto& suite : doc["testsuites"]) {
    if (!suite.is_object() || !suite.contains("name") || !suite["name"].is_string() ||
        !suite.contains("testsuite") || !suite["testsuite"].is_array()) {
      continue;
    }
    const std::string suite_name = suite["name"].get<std::string>();
    for (const auto& entry : suite["testsuite"]) {
      if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string()) continue;
      const auto found = by_name.find(suite_name + "." + entry["name"].get<std::string>());
      if (found == by_name.end()) continue;
      if (entry.contains("file") && entry["file"].is_string()) {
        found->second->file = entry["file"].get<std::string>();
      }
      if (entry.contains("line") && entry["line"].is_number_unsigned() &&
          entry["line"].get<std::uint64_t>() <= std::numeric_limits<unsigned>::max()) {
        found->second->line = entry["line"].get<unsigned>();
      }
    }
  }
}

void TestLister::start(const std::vector<std::string>& binaries) {
  listings_.assign(binaries.size(), Listing{});
  for (std::size_t i = 0; i < binaries.size(); ++i) {
    listings_[i].binary = binaries[i];
    pending_.push_back(i);
  }
  start_more();
}

void TestLister::stop() {
  stopped_ = true;
  for (std::size_t i : pending_) listings_[i].tests = fail("not listed: the run was interrupted");
  pending_.clear();
  for (auto& [index, child] : running_) child->stop(StopPolicy::immediate());
}

void TestLister::start_more() {
  while (!stopped_ && running_.size() < std::max(1u, options_.jobs) && !pending_.empty()) {
    const std::size_t i = pending_.front();
    pending_.pop_front();
    process::SpawnRequest request;
    request.argv = {listings_[i].binary, "--gtest_list_tests"};
    if (!options_.filter.empty()) request.argv.push_back("--gtest_filter=" + options_.filter);
    request.argv.insert(request.argv.end(), options_.extra_args.begin(), options_.extra_args.end());
    const std::string locations =
        options_.locations_dir.empty()
            ? std::string()
            : options_.locations_dir + "/list-" + std::to_string(i) + ".json";
    // Last, so that it wins over a --gtest_output among the extra arguments.
    if (!locations.empty()) request.argv.push_back("--gtest_output=json:" + locations);
    request.env_unset = {"GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX", "GTEST_SHARD_STATUS_FILE"};
    process::ChildOptions child_options;
    child_options.timeout = options_.timeout;
    child_options.stop = StopPolicy::graceful(std::chrono::seconds(1));
    auto child = process::Child::start(
        io_, request, child_options, [this, i, locations](AttemptResult result) {
          running_.erase(i);
          Listing& listing = listings_[i];
          listing.output = result.out->str() + result.err->str();
          const Outcome& outcome = result.outcome;
          if (outcome.kind == OutcomeKind::passed) {
            listing.tests = parse_test_list(result.out->str());
            if (listing.tests && !locations.empty()) {
              if (const auto json = read_file_if_present(locations))
                add_test_locations(*listing.tests, *json);
            }
          } else if (outcome.kind == OutcomeKind::failed_to_start) {
            listing.tests = fail("cannot run: " + outcome.error);
          } else if (outcome.kind == OutcomeKind::timed_out) {
            listing.tests = fail("listing its tests timed out");
          } else if (outcome.kind == OutcomeKind::cancelled) {
            listing.tests = fail("not listed: the run was interrupted");
          } else {
            listing.tests = fail("listing its tests failed (" + describe(outcome) +
                                 "): a global set-up problem, or not a GoogleTest binary");
          }
          if (!locations.empty()) ::unlink(locations.c_str());
          start_more();
        });
    running_.emplace(i, std::move(child));
  }
}

std::vector<Listing> list_tests(const std::vector<std::string>& binaries,
                                const ListOptions& options) {
  boost::asio::io_context io(1);
  TestLister lister(io, options);
  lister.start(binaries);
  io.run();
  return lister.take();
}

}  // namespace procpool::gtest
