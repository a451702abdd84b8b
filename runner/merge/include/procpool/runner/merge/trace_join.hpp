// procpool merge --trace: the shards' --trace files joined into one trace, each shard a process
// of its own (its tracks, slots and run, as it wrote them), laid on one time axis.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "procpool/runner/core/result.hpp"

namespace procpool::merge {

struct ShardTrace {
  std::string path;
  nlohmann::json events;                // its traceEvents array
  std::optional<long long> start_unix;  // µs since 1970 at its time 0, when procpool wrote it
};

// Reads every trace in `inputs` (Chrome's trace-event JSON, object or array form; procpool's
// own or any other writer's). Fails naming the file that cannot be read or is not a trace.
Result<std::vector<ShardTrace>> read_shard_traces(const std::vector<std::string>& inputs);

// Writes them to `output` as one trace, atomically. Shard k (from 1, in the order given)
// becomes process k, named "<its process name> (<file>)". Traces procpool wrote say when they
// began (otherData.start_unix_us): they are placed at their real times, the earliest at 0; a
// trace without it starts at 0.
Result<void> write_joined_trace(std::vector<ShardTrace> traces, const std::string& output);

}  // namespace procpool::merge
