// Reading a GNU parallel joblog back (procpool's --joblog writes the same format) for
// `--resume`, `--resume-failed` and `--retry-failed`, which GNU parallel defines by sequence
// number: the input, the command and the joblog must stay the same between the runs.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "procpool/runner/core/result.hpp"

namespace procpool::command {

struct JoblogEntry {
  bool succeeded = false;  // some row of this Seq has Exitval 0 and Signal 0
  std::string command;     // the Command column of its last failing row (else of its last row)
};

// Seq -> what the joblog says of it. A header line is required (GNU parallel writes one); a row
// that is not Seq<TAB>...<TAB>Command with 9 columns and numbers where numbers belong is an
// error naming its line.
Result<std::map<std::size_t, JoblogEntry>> read_joblog(std::string_view content);

}  // namespace procpool::command
