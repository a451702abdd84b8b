#include "procpool/runner/report/status_line.hpp"

#include <unistd.h>
#include <cerrno>
#include <cstdio>

namespace procpool::report {

void write_capture(int fd, const Capture& capture, const std::string& prefix) {
  if (prefix.empty()) {
    capture.for_each_chunk([fd](std::string_view chunk) { write_all(fd, chunk); });
    return;
  }
  bool at_line_start = true;
  std::string tagged;
  capture.for_each_chunk([&](std::string_view chunk) {
    tagged.clear();
    for (char c : chunk) {
      if (at_line_start) tagged += prefix;
      tagged += c;
      at_line_start = c == '\n';
    }
    write_all(fd, tagged);
  });
  // A last line without its newline gets one: the next task's tagged line must start a line of
  // its own, or a reader would take it for this task's. (GNU parallel runs them together.)
  if (!at_line_start) write_all(fd, "\n");
}

std::string truncation_note(const std::string& name, const Capture& out, const Capture& err) {
  const std::string& why = !out.error().empty() ? out.error() : err.error();
  if (why.empty()) return {};
  return "procpool: output of " + name + " is incomplete: " + why;
}

void StatusLine::clear() {
  if (!shown_) return;
  write_all(fd_, "\r\x1b[2K");
  shown_ = false;
}

void StatusLine::draw(const std::string& text) {
  if (!enabled_) return;
  write_all(fd_, "\r\x1b[2K" + text);
  shown_ = true;
}

void StatusLine::note(const std::string& line) {
  clear();
  write_all(fd_, line + "\n");
}

std::string Progress::text() const {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char line[160];
  std::snprintf(line, sizeof line, "[%zu/%zu] %u running, %zu failed, %.1f s", done, total, running,
                failed, elapsed);
  return line;
}

}  // namespace procpool::report
