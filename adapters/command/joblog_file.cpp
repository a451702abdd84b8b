#include "procpool/adapters/command/joblog_file.hpp"

#include <charconv>
#include <vector>

#include "text_lines.hpp"

namespace procpool::command {
namespace {

template <typename Number>
bool parse_number(std::string_view text, Number& value) {
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  return parsed.ec == std::errc() && parsed.ptr == text.data() + text.size();
}

}  // namespace

Result<std::map<std::size_t, JoblogEntry>> read_joblog(std::string_view content) {
  std::map<std::size_t, JoblogEntry> entries;
  std::size_t line_number = 0;
  while (!content.empty()) {
    std::string_view line = take_line(content);
    ++line_number;
    if (line_number == 1) {
      if (line.rfind("Seq\t", 0) != 0) {
        return fail("line 1 is not a joblog header (Seq<TAB>Host<TAB>...)");
      }
      continue;
    }
    if (line.empty()) continue;
    // Nine columns; the command (the last) may itself hold tabs.
    std::vector<std::string_view> columns;
    for (int c = 0; c < 8; ++c) {
      const auto tab = line.find('\t');
      if (tab == std::string_view::npos) break;
      columns.push_back(line.substr(0, tab));
      line.remove_prefix(tab + 1);
    }
    columns.push_back(line);
    std::size_t seq = 0;
    int exitval = 0;
    int signal = 0;
    if (columns.size() != 9 || !parse_number(columns[0], seq) || seq == 0 ||
        !parse_number(columns[6], exitval) || !parse_number(columns[7], signal)) {
      return fail("line " + std::to_string(line_number) +
                  " is not a joblog row (Seq, Host, Starttime, JobRuntime, Send, Receive, "
                  "Exitval, Signal, Command)");
    }
    JoblogEntry& entry = entries[seq];
    const bool ok = exitval == 0 && signal == 0;
    entry.succeeded = entry.succeeded || ok;
    if (!ok || entry.command.empty()) entry.command = std::string(columns[8]);
  }
  return entries;
}

}  // namespace procpool::command
