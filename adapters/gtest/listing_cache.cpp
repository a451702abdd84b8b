#include "procpool/adapters/gtest/listing_cache.hpp"

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/core/bounded_read.hpp"
#include "procpool/runner/core/environment.hpp"
#include "procpool/runner/core/file_identity.hpp"

namespace procpool::gtest {
namespace {

constexpr const char* kFormat = "procpool-listings";
constexpr int kVersion = 1;
// Far above any real suite's listings (20,000 tests take ~2 MB); a larger file is not ours.
constexpr std::size_t kMaxCacheBytes = 256u << 20;

}  // namespace

std::optional<std::string> listing_key(const std::string& binary, const ListOptions& options) {
  const auto id = regular_file_identity(binary);
  if (!id) return std::nullopt;
  nlohmann::json key = {
      {"program", binary},
      {"file", {id->device, id->file, id->size, id->changed_seconds, id->changed_nanoseconds}},
      {"filter", options.filter},
      {"args", options.extra_args},
      {"stream", options.stream}};
  // gtest reads its flags from GTEST_* variables as well (GTEST_FILTER selects what it lists).
  nlohmann::json variables = nlohmann::json::object();
  for (const std::string& name : environment_variable_names()) {
    if (name.rfind("GTEST_", 0) != 0) continue;
    const char* value = std::getenv(name.c_str());
    variables[name] = value ? value : "";
  }
  key["variables"] = std::move(variables);
  return key.dump();
}

std::string ListingCache::path_for_history(const std::string& history_path) {
  std::filesystem::path path(history_path);
  const std::string stem =
      path.extension() == ".json" ? path.stem().string() : path.filename().string();
  return (path.parent_path() / (stem + ".listings.json")).string();
}

ListingCache ListingCache::load(const std::string& path) {
  ListingCache cache;
  cache.path_ = path;
  auto text = read_bounded_file(path, kMaxCacheBytes, "listing cache");
  if (!text) return cache;
  const auto doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || doc.value("format", "") != kFormat ||
      doc.value("version", 0) != kVersion || !doc.contains("programs") ||
      !doc["programs"].is_object()) {
    return cache;
  }
  for (const auto& [key, entry] : doc["programs"].items()) {
    if (!entry.is_array()) continue;
    std::vector<ListedTest> tests;
    bool whole = true;
    for (const auto& test : entry) {
      if (!test.is_array() || test.size() != 4 || !test[0].is_string() || !test[1].is_string() ||
          !test[2].is_string() || !test[3].is_number_unsigned()) {
        whole = false;
        break;
      }
      tests.push_back({test[0].get<std::string>(), test[1].get<std::string>(),
                       test[2].get<std::string>(), test[3].get<unsigned>()});
    }
    if (whole) cache.entries_[key] = std::move(tests);
  }
  return cache;
}

std::optional<std::vector<ListedTest>> ListingCache::find(const std::string& key) const {
  const auto found = entries_.find(key);
  if (found == entries_.end()) return std::nullopt;
  return found->second;
}

void ListingCache::put(const std::string& key, std::vector<ListedTest> tests) {
  auto& entry = entries_[key];
  if (entry.empty() || !same_tests(entry, tests)) changed_ = true;
  entry = std::move(tests);
}

Result<void> ListingCache::save() const {
  if (!changed_) return {};
  nlohmann::json programs = nlohmann::json::object();
  for (const auto& [key, tests] : entries_) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& test : tests) list.push_back({test.suite, test.name, test.file, test.line});
    programs[key] = std::move(list);
  }
  const nlohmann::json doc = {{"format", kFormat}, {"version", kVersion}, {"programs", programs}};
  std::error_code ec;
  const auto parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  return write_file_atomically(path_, doc.dump(), Durability::cache);  // only a cache
}

bool same_tests(const std::vector<ListedTest>& a, const std::vector<ListedTest>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].suite != b[i].suite || a[i].name != b[i].name || a[i].file != b[i].file ||
        a[i].line != b[i].line) {
      return false;
    }
  }
  return true;
}

}  // namespace procpool::gtest
