#include "procpool/adapters/gtest/listing.hpp"

#include <unistd.h>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <utility>

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

std::optional<std::vector<ListedTest>> parse_json_test_list(const std::string& json) {
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("testsuites") || !doc["testsuites"].is_array()) {
    return std::nullopt;
  }
  auto text = [](const nlohmann::json& object, const char* key) -> const std::string* {
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get_ptr<const std::string*>()
                                                       : nullptr;
  };
  std::vector<ListedTest> tests;
  for (const auto& suite : doc["testsuites"]) {
    if (!suite.is_object()) return std::nullopt;
    const std::string* suite_name = text(suite, "name");
    const auto entries = suite.find("testsuite");
    if (!suite_name || entries == suite.end() || !entries->is_array()) return std::nullopt;
    for (const auto& entry : *entries) {
      const std::string* name = entry.is_object() ? text(entry, "name") : nullptr;
      if (!name) return std::nullopt;  // a listing that names no test is no listing
      ListedTest test{*suite_name, *name};
      if (const std::string* file = text(entry, "file")) test.file = *file;
      const auto line = entry.find("line");
      if (line != entry.end() && line->is_number_unsigned() &&
          line->get<std::uint64_t>() <= std::numeric_limits<unsigned>::max()) {
        test.line = line->get<unsigned>();
      }
      tests.push_back(std::move(test));
    }
  }
  return tests;
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
  for (auto& [index, running] : running_) running.child->stop(StopPolicy::immediate());
}

void TestLister::start_more() {
  while (!stopped_ && running_.size() < std::max(1u, options_.jobs) && !pending_.empty()) {
    const std::size_t i = pending_.front();
    pending_.pop_front();
    list(i, /*plain=*/false);
  }
  if (done() && on_done_) std::exchange(on_done_, nullptr)();
}

void TestLister::list(std::size_t i, bool plain) {
  Listing& listing = listings_[i];
  process::SpawnRequest request;
  request.argv = {listing.binary, "--gtest_list_tests"};
  if (!options_.filter.empty()) request.argv.push_back("--gtest_filter=" + options_.filter);
  request.argv.insert(request.argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::string json;
  std::shared_ptr<EventListener> listener;
  if (!plain) {
    // Last, so that they win over the same flags among the extra arguments.
    json = options_.json_dir + "/list-" + std::to_string(i) + ".json";
    request.argv.push_back("--gtest_output=json:" + json);
    auto opened = options_.stream ? EventListener::open(io_, options_.stream_address, nullptr)
                                  : Result<std::shared_ptr<EventListener>>(fail(""));
    if (opened) {
      listener = *opened;
      request.argv.push_back("--gtest_stream_result_to=" + options_.stream_address + ":" +
                             std::to_string(listener->port()));
    } else if (options_.stream) {
      listing.stream_error = opened.error();
    }
  }
  request.env_unset = {"GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX", "GTEST_SHARD_STATUS_FILE",
                       "GTEST_OUTPUT", "GTEST_STREAM_RESULT_TO"};
  process::ChildOptions child_options;
  child_options.timeout = options_.timeout;
  child_options.stop = StopPolicy::graceful(std::chrono::seconds(1));
  child_options.background = options_.background;
  auto child = process::Child::start(
      io_, request, child_options, [this, i, plain, json](AttemptResult result) {
        auto listener = running_[i].listener;
        auto conclude = [this, i, plain, json, listener, result = std::move(result)] {
          const bool streamed = listener && listener->version_seen();
          if (listener) listener->close();
          listed(i, plain, result, json, streamed);
        };
        if (!listener) return conclude();
        // The program's first line may still be on its way: wait for its connection.
        listener->finish(std::chrono::seconds(2), std::move(conclude));
      });
  running_[i] = Running{std::move(child), std::move(listener)};
}

void TestLister::listed(std::size_t i, bool plain, const AttemptResult& result,
                        const std::string& json, bool streamed) {
  running_.erase(i);
  Listing& listing = listings_[i];
  // A plain listing that follows a failed one: say what went wrong with the stream.
  if (plain && listing.stream_error.empty() && !listing.output.empty()) {
    const std::string& before = listing.output;
    const auto refused = before.find("stream_result_to: failed to connect");
    listing.stream_error =
        refused != std::string::npos
            ? "gtest could not connect to procpool's stream on " + options_.stream_address +
                  " (no loopback in this network namespace?)"
            : "listing with gtest's JSON listing and result stream failed, and without them "
              "succeeded";
  }
  listing.output = result.out->str() + result.err->str();
  const Outcome& outcome = result.outcome;
  std::optional<std::string> json_text = json.empty() ? std::nullopt : read_file_if_present(json);
  if (!json.empty()) ::unlink(json.c_str());
  if (outcome.kind == OutcomeKind::passed) {
    listing.events = streamed ? EventSource::stream : EventSource::console;
    auto from_json = json_text ? parse_json_test_list(*json_text) : std::nullopt;
    if (from_json) {
      listing.tests = std::move(*from_json);
    } else {
      listing.tests = parse_test_list(result.out->str());
      if (!listing.tests && !plain && !stopped_) {
        // A gtest that does not know a flag shows its help instead of the list: once more with
        // only the text listing (and its console read for verdicts).
        list(i, /*plain=*/true);
        return;
      }
    }
  } else if (!plain && !stopped_ &&
             (outcome.kind == OutcomeKind::failed || outcome.kind == OutcomeKind::signalled)) {
    // Perhaps one of the flags only procpool adds (a stream it could not reach, a report it
    // could not write): once more with the text listing alone, whose failure then stands.
    list(i, /*plain=*/true);
    return;
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
  start_more();
}

}  // namespace procpool::gtest
