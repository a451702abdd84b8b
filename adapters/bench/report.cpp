#include "procpool/adapters/bench/report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

namespace procpool::bench {

namespace {

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

// 812345 -> "812k", 1234 -> "1234", 12.5 -> "12.5": tasks/s readable at a glance.
std::string rate_text(double rate) {
  if (rate >= 100000) return format("%.0fk", rate / 1000);
  if (rate >= 100) return format("%.0f", rate);
  return format("%.3g", rate);
}

std::string duration_text(double seconds) {
  if (seconds < 1e-3) return format("%.1f µs", seconds * 1e6);
  if (seconds < 1) return format("%.2f ms", seconds * 1e3);
  return format("%.2f s", seconds);
}

const CellResult* find(const std::vector<CellResult>& results, const std::string& executor,
                       Workload workload, const std::string& size) {
  for (const auto& r : results) {
    if (r.cell.executor == executor && r.cell.workload == workload && r.cell.size.text == size)
      return &r;
  }
  return nullptr;
}

// Executors and sizes in the order they first appear (the grid's order), sizes by value.
std::vector<std::string> executors_of(const std::vector<CellResult>& results) {
  std::vector<std::string> names;
  for (const auto& r : results) {
    if (std::find(names.begin(), names.end(), r.cell.executor) == names.end())
      names.push_back(r.cell.executor);
  }
  return names;
}

std::vector<Size> sizes_of(const std::vector<CellResult>& results, Workload workload) {
  std::vector<Size> sizes;
  for (const auto& r : results) {
    if (r.cell.workload != workload) continue;
    if (std::none_of(sizes.begin(), sizes.end(),
                     [&](const Size& s) { return s.text == r.cell.size.text; }))
      sizes.push_back(r.cell.size);
  }
  std::stable_sort(sizes.begin(), sizes.end(),
                   [](const Size& a, const Size& b) { return a.value < b.value; });
  return sizes;
}

std::vector<Workload> workloads_of(const std::vector<CellResult>& results) {
  std::vector<Workload> workloads;
  for (const auto& r : results) {
    if (std::find(workloads.begin(), workloads.end(), r.cell.workload) == workloads.end())
      workloads.push_back(r.cell.workload);
  }
  return workloads;
}

nlohmann::ordered_json record(const CellResult& r) {
  return {{"executor", r.cell.executor},    {"workload", to_string(r.cell.workload)},
          {"size", r.cell.size.text},       {"jobs", r.cell.jobs},
          {"tasks", r.cell.tasks},          {"seconds", r.seconds},
          {"tasks_per_s", r.tasks_per_s()}, {"failed", r.failed}};
}

std::string pad(const std::string& text, std::size_t width) {
  // Width in characters, counting "×" and "µ" (two bytes each in UTF-8) as one.
  std::size_t shown = 0;
  for (unsigned char c : text) shown += (c & 0xC0) != 0x80;
  return text + std::string(width > shown ? width - shown : 0, ' ');
}

}  // namespace

std::string to_csv(const std::vector<CellResult>& results) {
  std::string csv = std::string(kCsvHeader) + "\n";
  for (const auto& r : results) {
    csv += r.cell.executor + "," + std::string(to_string(r.cell.workload)) + "," +
           r.cell.size.text + "," + std::to_string(r.cell.jobs) + "," +
           std::to_string(r.cell.tasks) + "," + format("%.6f", r.seconds) + "," +
           format("%.1f", r.tasks_per_s()) + "," + std::to_string(r.failed) + "\n";
  }
  return csv;
}

std::string to_json(const std::vector<CellResult>& results) {
  nlohmann::ordered_json records = nlohmann::ordered_json::array();
  for (const auto& r : results) records.push_back(record(r));
  return records.dump(2) + "\n";
}

std::optional<Size> crossover(const std::vector<CellResult>& results, const std::string& executor,
                              Workload workload, double fraction) {
  std::optional<Size> from;
  for (const Size& size : sizes_of(results, workload)) {
    const CellResult* reference = find(results, "tbb", workload, size.text);
    const CellResult* mine = find(results, executor, workload, size.text);
    if (!reference || !mine || reference->tasks_per_s() <= 0) continue;
    const bool reaches = mine->tasks_per_s() >= fraction * reference->tasks_per_s();
    if (!reaches)
      from.reset();
    else if (!from)
      from = size;
  }
  return from;
}

std::string format_report(const std::vector<CellResult>& results) {
  std::string text;
  const auto executors = executors_of(results);
  const bool have_tbb = std::find(executors.begin(), executors.end(), "tbb") != executors.end();
  constexpr std::size_t kColumn = 17;
  for (Workload workload : workloads_of(results)) {
    const auto sizes = sizes_of(results, workload);
    unsigned jobs = 0;
    for (const auto& r : results)
      if (r.cell.workload == workload && r.cell.executor != "sequential") jobs = r.cell.jobs;
    text += "\n" + std::string(to_string(workload)) + ": tasks/s" +
            (jobs ? " with " + std::to_string(jobs) + " workers" : "") +
            (have_tbb ? " (× tbb's)" : "") + "\n";
    text += pad("size", 8);
    for (const auto& e : executors) text += pad(e, kColumn);
    text += "\n";
    std::vector<std::string> notes;
    for (const Size& size : sizes) {
      text += pad(size.text, 8);
      const CellResult* reference = find(results, "tbb", workload, size.text);
      for (const auto& e : executors) {
        const CellResult* r = find(results, e, workload, size.text);
        std::string cell = "-";
        if (r && r->lost) {
          cell = "lost";
        } else if (r) {
          cell = rate_text(r->tasks_per_s());
          if (reference && e != "tbb" && reference->tasks_per_s() > 0)
            cell += " (" + format("%.2f", r->tasks_per_s() / reference->tasks_per_s()) + "×)";
          if (r->failed > 0) cell += " !" + std::to_string(r->failed);
        }
        if (r && !r->note.empty()) notes.push_back(e + " " + size.text + ": " + r->note);
        text += pad(cell, kColumn);
      }
      text += "\n";
    }
    if (workload == Workload::noop) {
      text += "per-task cost (noop): ";
      std::string sep;
      for (const auto& e : executors) {
        const CellResult* r = find(results, e, workload, "0");
        if (!r || r->tasks_per_s() <= 0) continue;
        const double wall = 1 / r->tasks_per_s();
        text += sep + e + " " + duration_text(wall) + " (" + duration_text(wall * r->cell.jobs) +
                " of a worker)";
        sep = ", ";
      }
      text += "\n";
    }
    // Not for crash: there tbb loses its runs, and "reaching 90 % of nothing" says nothing.
    if (have_tbb && size_kind(workload) == SizeKind::duration && workload != Workload::crash &&
        sizes.size() > 1) {
      for (const std::string e : {"pool", "process"}) {
        if (std::find(executors.begin(), executors.end(), e) == executors.end()) continue;
        const auto from = crossover(results, e, workload);
        text += e + " reaches 90% of tbb's throughput " +
                (from ? "from " + from->text + " tasks on"
                      : "at none of these sizes (up to " + sizes.back().text + ")") +
                "\n";
      }
    }
    for (const auto& note : notes) text += "  " + note + "\n";
  }
  return text;
}

}  // namespace procpool::bench
