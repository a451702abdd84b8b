#include "procpool/adapters/slurm/job_record.hpp"

#include <charconv>
#include <cstdint>

namespace procpool::slurm {

bool JobRecord::ended() const {
  // Slurm's final job states (slurm.h, job_states); anything else is still on its way.
  for (std::string_view final_state : {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL",
                                       "PREEMPTED", "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY"}) {
    if (state == final_state) return true;
  }
  return false;
}

std::vector<std::string> job_record_query(const std::string& name) {
  return {"squeue", "--noheader", "--states=all", "--name=" + name, "--format=%i|%T|%r"};
}

std::optional<JobRecord> parse_job_record(std::string_view squeue_output) {
  std::optional<JobRecord> newest;
  std::uint64_t newest_id = 0;
  while (!squeue_output.empty()) {
    const auto end = squeue_output.find('\n');
    std::string_view line = squeue_output.substr(0, end);
    squeue_output.remove_prefix(end == std::string_view::npos ? squeue_output.size() : end + 1);
    const auto first = line.find('|');
    const auto second = first == std::string_view::npos ? first : line.find('|', first + 1);
    if (second == std::string_view::npos) continue;
    const std::string_view id = line.substr(0, first);
    std::uint64_t number = 0;
    const auto [rest, error] = std::from_chars(id.data(), id.data() + id.size(), number);
    if (error != std::errc() || rest != id.data() + id.size()) continue;
    if (newest && number < newest_id) continue;
    newest_id = number;
    newest = JobRecord{std::string(id), std::string(line.substr(first + 1, second - first - 1)),
                       std::string(line.substr(second + 1))};
  }
  return newest;
}

}  // namespace procpool::slurm
