#include "procpool/runner/plan/partition.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <numeric>

namespace procpool::plan {

Result<Shard> Shard::parse(const std::string& text) {
  const auto slash = text.find('/');
  Shard shard;
  auto number = [](std::string_view s, std::size_t& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
  };
  if (slash == std::string::npos || !number(std::string_view(text).substr(0, slash), shard.index) ||
      !number(std::string_view(text).substr(slash + 1), shard.total) || shard.total == 0 ||
      shard.index == 0 || shard.index > shard.total) {
    return fail("--shard takes K/N with 1 <= K <= N (e.g. 2/3), got '" + text + "'");
  }
  return shard;
}

std::uint64_t stable_hash(const std::string& text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::vector<std::size_t> select_shard(const std::vector<std::string>& ids,
                                      const std::vector<std::optional<double>>& seconds,
                                      const Shard& shard) {
  std::vector<std::size_t> selected;
  double known_total = 0;
  std::size_t known = 0;
  for (const auto& s : seconds) {
    if (s) {
      known_total += *s;
      ++known;
    }
  }
  if (known == 0) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (stable_hash(ids[i]) % shard.total == shard.index - 1) selected.push_back(i);
    }
    return selected;
  }
  const double mean = known_total / static_cast<double>(known);
  std::vector<std::size_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0);
  auto weight = [&](std::size_t i) { return seconds[i].value_or(mean); };
  // Deterministic: by weight descending, then by id, so every machine agrees.
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (weight(a) != weight(b)) return weight(a) > weight(b);
    return ids[a] < ids[b];
  });
  std::vector<double> load(shard.total, 0.0);
  for (std::size_t i : order) {
    const auto lightest = std::min_element(load.begin(), load.end()) - load.begin();
    load[lightest] += weight(i);
    if (static_cast<std::size_t>(lightest) == shard.index - 1) selected.push_back(i);
  }
  std::sort(selected.begin(), selected.end());
  return selected;
}

std::vector<std::size_t> longest_first(const std::vector<std::optional<double>>& seconds,
                                       const std::vector<double>& costs) {
  std::vector<std::size_t> order(seconds.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (seconds[a].has_value() != seconds[b].has_value()) return !seconds[a].has_value();
    if (!seconds[a]) return !costs.empty() && costs[a] > costs[b];
    return *seconds[a] > *seconds[b];
  });
  return order;
}

}  // namespace procpool::plan
