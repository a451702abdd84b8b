// Choosing and ordering the tests of a run: shards for CI matrix jobs, longest first.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "procpool/runner/core/result.hpp"

namespace procpool::plan {

struct Shard {
  std::size_t index = 1;  // 1-based
  std::size_t total = 1;

  // "2/3" -> {2, 3}; on bad input the failure says why.
  static Result<Shard> parse(const std::string& text);
};

// Which of `ids` belong to `shard`: every id lands in exactly one shard, the same one on every
// machine given the same ids and durations. Without durations (all empty), by a stable hash of
// the id. With some, by greedy longest-processing-time packing so the shards' total durations
// come out close; ids without a duration count as the mean of the known ones.
std::vector<std::size_t> select_shard(const std::vector<std::string>& ids,
                                      const std::vector<std::optional<double>>& seconds,
                                      const Shard& shard);

// The order to start tests in: those without history first (by `costs` when given, highest
// first, as CTest orders by COST; else in their listed order), then the rest longest first.
// Returns positions into `seconds`.
std::vector<std::size_t> longest_first(const std::vector<std::optional<double>>& seconds,
                                       const std::vector<double>& costs = {});

// FNV-1a, 64-bit: stable across machines and releases (std::hash is not).
std::uint64_t stable_hash(const std::string& text);

}  // namespace procpool::plan
