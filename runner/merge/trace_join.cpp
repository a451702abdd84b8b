#include "procpool/runner/merge/trace_join.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/core/bounded_read.hpp"

namespace procpool::merge {
namespace {

using nlohmann::json;

Result<ShardTrace> read_trace(const std::string& path) {
  // Bounded as a --json report is; fails "PATH: ..." naming the file.
  auto text = read_bounded_file(path, kMaxReportBytes, "trace");
  if (!text) return text.failure();
  json doc = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  ShardTrace trace{path, {}, std::nullopt};
  if (doc.is_array()) {
    trace.events = std::move(doc);
  } else if (doc.is_object() && doc.contains("traceEvents") && doc["traceEvents"].is_array()) {
    trace.events = std::move(doc["traceEvents"]);
    const json& other = doc.value("otherData", json::object());
    if (other.is_object() && other.contains("start_unix_us") &&
        other["start_unix_us"].is_number_integer()) {
      trace.start_unix = other["start_unix_us"].get<long long>();
    }
  } else {
    return fail(path +
                ": not a trace (Chrome's trace-event JSON: an array of events, or an "
                "object with \"traceEvents\")");
  }
  for (const json& event : trace.events) {
    if (!event.is_object()) return fail(path + ": not a trace: an event is not a JSON object");
  }
  return trace;
}

}  // namespace

Result<std::vector<ShardTrace>> read_shard_traces(const std::vector<std::string>& inputs) {
  std::vector<ShardTrace> traces;
  for (const auto& path : inputs) {
    auto trace = read_trace(path);
    if (!trace) return trace.failure();
    traces.push_back(std::move(*trace));
  }
  return traces;
}

Result<void> write_joined_trace(std::vector<ShardTrace> traces, const std::string& output) {
  long long earliest = 0;
  bool any_start = false;
  for (const ShardTrace& t : traces) {
    if (!t.start_unix) continue;
    earliest = any_start ? std::min(earliest, *t.start_unix) : *t.start_unix;
    any_start = true;
  }
  AtomicFile file(output);
  file.write(
      R"({"displayTimeUnit":"ms","otherData":{"generator":"procpool merge"},"traceEvents":[)");
  bool first = true;
  auto write = [&](const json& event) {
    file.write(first ? "\n" : ",\n");
    file.write(event.dump());
    first = false;
  };
  for (std::size_t k = 0; k < traces.size(); ++k) {
    ShardTrace& t = traces[k];
    const int pid = static_cast<int>(k) + 1;
    const long long shift = t.start_unix ? *t.start_unix - earliest : 0;
    const std::string file_name = std::filesystem::path(t.path).filename().string();
    bool named = false;
    for (json& event : t.events) {
      event["pid"] = pid;
      if (event.contains("ts") && event["ts"].is_number_integer()) {
        event["ts"] = event["ts"].get<long long>() + shift;
      } else if (event.contains("ts") && event["ts"].is_number()) {
        event["ts"] = event["ts"].get<double>() + static_cast<double>(shift);
      }
      if (event.value("ph", "") == "M" && event.value("name", "") == "process_name") {
        const json args = event.value("args", json::object());
        const std::string name = args.is_object() ? args.value("name", "") : "";
        event["args"] = {{"name", (name.empty() ? "shard " + std::to_string(pid) : name) + " (" +
                                      file_name + ")"}};
        named = true;
      }
      write(event);
    }
    if (!named) {
      write({{"name", "process_name"},
             {"cat", "__metadata"},
             {"ph", "M"},
             {"pid", pid},
             {"args", {{"name", "shard " + std::to_string(pid) + " (" + file_name + ")"}}}});
    }
    // Shards side by side, in the order given.
    write({{"name", "process_sort_index"},
           {"cat", "__metadata"},
           {"ph", "M"},
           {"pid", pid},
           {"args", {{"sort_index", pid}}}});
  }
  file.write("\n]}\n");
  return file.commit();
}

}  // namespace procpool::merge
