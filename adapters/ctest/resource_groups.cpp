#include "procpool/adapters/ctest/resource_groups.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <numeric>
#include <sstream>

#include <nlohmann/json.hpp>

namespace procpool::ctest {
namespace {

// CTest's rules for names: a type is [a-z_][a-z0-9_]*, an id [a-z0-9_]+.
bool valid_name(const std::string& name, bool may_start_with_digit) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || c == '_' ||
                    (c >= '0' && c <= '9' && (i > 0 || may_start_with_digit));
    if (!ok) return false;
  }
  return true;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

Result<ResourceSpec> parse_resource_spec(std::string_view text, const std::string& path) {
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [&](const std::string& why) {
    return fail("resource spec file " + path + ": " + why);
  };
  if (doc.is_discarded() || !doc.is_object()) return bad("not a JSON object");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_object() || version->value("major", -1) != 1) {
    return bad("\"version\" must be {\"major\": 1, \"minor\": 0}");
  }
  const auto local = doc.find("local");
  if (local == doc.end() || !local->is_array() || local->size() != 1 || !(*local)[0].is_object()) {
    return bad("\"local\" must be an array of one object");
  }
  ResourceSpec spec;
  spec.path = path;
  for (const auto& [type, resources] : (*local)[0].items()) {
    if (!valid_name(type, false)) return bad("bad resource type name '" + type + "'");
    if (!resources.is_array()) return bad("\"" + type + "\" must be an array");
    auto& list = spec.types[type];
    for (const auto& resource : resources) {
      if (!resource.is_object() || !resource.contains("id") || !resource["id"].is_string()) {
        return bad("each \"" + type + "\" resource needs a string \"id\"");
      }
      Resource r{resource["id"].get<std::string>(), 1};
      if (!valid_name(r.id, true)) return bad("bad resource id '" + r.id + "'");
      if (resource.contains("slots")) {
        const auto& slots = resource["slots"];
        if (!slots.is_number_unsigned() || slots.get<unsigned long long>() > 1'000'000) {
          return bad("\"slots\" of " + type + " '" + r.id + "' must be a non-negative integer");
        }
        r.slots = slots.get<unsigned>();
      }
      list.push_back(std::move(r));
    }
  }
  return spec;
}

Result<ResourceSpec> load_resource_spec(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail("cannot read the resource spec file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_resource_spec(text.str(), path);
}

ResourceAllocator::ResourceAllocator(ResourceSpec spec,
                                     std::map<std::string, std::vector<ResourceGroup>> groups)
    : spec_(std::move(spec)), groups_(std::move(groups)) {
  for (const auto& [type, resources] : spec_.types) {
    for (const auto& r : resources) free_[type].push_back(r.slots);
  }
}

std::optional<ResourceAllocator::Allocation> ResourceAllocator::allocate(
    const std::vector<ResourceGroup>& groups,
    std::map<std::string, std::vector<unsigned>> free) const {
  // Every requirement, largest first (the hardest to place), then placed by backtracking: the
  // resource with the most free slots first, as CTest's packer prefers.
  struct Need {
    std::size_t group, item;
    const Requirement* requirement;
  };
  std::vector<Need> needs;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (std::size_t i = 0; i < groups[g].size(); ++i) needs.push_back({g, i, &groups[g][i]});
  }
  std::stable_sort(needs.begin(), needs.end(), [](const Need& a, const Need& b) {
    return a.requirement->slots > b.requirement->slots;
  });
  Allocation allocation(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) allocation[g].assign(groups[g].size(), 0);
  constexpr int kMostSteps = 100'000;  // placing never costs more than this per admission
  int steps = 0;
  std::function<bool(std::size_t)> place = [&](std::size_t n) -> bool {
    if (n == needs.size()) return true;
    if (++steps > kMostSteps) return false;
    const Need& need = needs[n];
    auto found = free.find(need.requirement->type);
    if (found == free.end()) return false;
    std::vector<unsigned>& slots = found->second;
    std::vector<std::size_t> order(slots.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return slots[a] > slots[b]; });
    for (std::size_t r : order) {
      if (slots[r] < need.requirement->slots) break;
      slots[r] -= need.requirement->slots;
      allocation[need.group][need.item] = r;
      if (place(n + 1)) return true;
      slots[r] += need.requirement->slots;
    }
    return false;
  };
  if (!place(0)) return std::nullopt;
  return allocation;
}

bool ResourceAllocator::admit(std::size_t index, const TaskSpec& task) {
  const auto groups = groups_.find(report_name(task));
  if (groups == groups_.end() || groups->second.empty() || insufficient(groups->first)) {
    held_[index] = {report_name(task), {}};  // nothing to hold (or refused when it starts)
    return true;
  }
  auto allocation = allocate(groups->second, free_);
  if (!allocation) return false;
  for (std::size_t g = 0; g < groups->second.size(); ++g) {
    for (std::size_t i = 0; i < groups->second[g].size(); ++i) {
      const Requirement& requirement = groups->second[g][i];
      free_[requirement.type][(*allocation)[g][i]] -= requirement.slots;
    }
  }
  held_[index] = {groups->first, std::move(*allocation)};
  return true;
}

void ResourceAllocator::release(std::size_t index) {
  const auto held = held_.find(index);
  if (held == held_.end()) return;
  const auto groups = groups_.find(held->second.first);
  const Allocation& allocation = held->second.second;
  if (groups != groups_.end()) {
    for (std::size_t g = 0; g < allocation.size(); ++g) {
      for (std::size_t i = 0; i < allocation[g].size(); ++i) {
        const Requirement& requirement = groups->second[g][i];
        free_[requirement.type][allocation[g][i]] += requirement.slots;
      }
    }
  }
  held_.erase(held);
}

std::vector<EnvVar> ResourceAllocator::environment(std::size_t index) const {
  const auto held = held_.find(index);
  if (held == held_.end() || held->second.second.empty()) {
    return {{"CTEST_RESOURCE_GROUP_COUNT", "0"}};
  }
  const auto& groups = groups_.at(held->second.first);
  const Allocation& allocation = held->second.second;
  std::vector<EnvVar> env{{"CTEST_RESOURCE_GROUP_COUNT", std::to_string(groups.size())}};
  for (std::size_t g = 0; g < groups.size(); ++g) {
    // By type, in name order (as ctest lists them): "id:<id>,slots:<n>" joined by ';'.
    std::map<std::string, std::string> by_type;
    for (std::size_t i = 0; i < groups[g].size(); ++i) {
      const Requirement& requirement = groups[g][i];
      std::string& value = by_type[requirement.type];
      value += (value.empty() ? "" : ";") + std::string("id:") +
               spec_.types.at(requirement.type)[allocation[g][i]].id +
               ",slots:" + std::to_string(requirement.slots);
    }
    std::string types;
    const std::string prefix = "CTEST_RESOURCE_GROUP_" + std::to_string(g);
    for (const auto& [type, value] : by_type) {
      types += (types.empty() ? "" : ",") + type;
      env.push_back({prefix + "_" + upper(type), value});
    }
    env.push_back({prefix, types});
  }
  return env;
}

std::optional<std::string> ResourceAllocator::insufficient(const std::string& test) const {
  const auto groups = groups_.find(test);
  if (groups == groups_.end() || groups->second.empty()) return std::nullopt;
  std::map<std::string, std::vector<unsigned>> all;
  for (const auto& [type, resources] : spec_.types) {
    for (const auto& r : resources) all[type].push_back(r.slots);
  }
  if (allocate(groups->second, all)) return std::nullopt;
  // CTest's text: what the test asked for of each type, and what there is.
  std::map<std::string, std::vector<unsigned>> asked;
  for (const auto& group : groups->second) {
    for (const auto& requirement : group) asked[requirement.type].push_back(requirement.slots);
  }
  std::string text = "Insufficient resources for test " + test + ":\n";
  for (const auto& [type, amounts] : asked) {
    text += "\n  Test requested resources of type '" + type + "' in the following amounts:\n";
    for (unsigned slots : amounts) text += "    " + std::to_string(slots) + " slots\n";
    text += "  but only the following units were available:\n";
    const auto resources = spec_.types.find(type);
    if (resources != spec_.types.end()) {
      for (const auto& r : resources->second) {
        text += "    '" + r.id + "': " + std::to_string(r.slots) + " slots\n";
      }
    }
  }
  text += "\nResource spec file:\n\n  " + spec_.path;
  return text;
}

}  // namespace procpool::ctest
