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
  if (!shown_ || !in_place_) return;
  write_all(fd_, "\r\x1b[2K");
  shown_ = false;
}

void StatusLine::draw(const std::string& text) {
  if (!enabled_) return;
  if (!in_place_) {
    const auto now = std::chrono::steady_clock::now();
    if (text == last_ || now - last_at_ < std::chrono::seconds(1)) return;
    last_ = text;
    last_at_ = now;
    write_all(fd_, text + "\n");
    return;
  }
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
  char line[200];
  const std::size_t left = total > done ? total - done : 0;
  const double average = done > 0 ? elapsed / static_cast<double>(done) : 0;
  // As GNU parallel estimates: the time per finished task so far, times what is left.
  const double eta = done > 0 ? average * static_cast<double>(left) : 0;
  switch (style) {
    case Style::counts:
      std::snprintf(line, sizeof line, "[%zu/%zu] %u running, %zu failed, %.1f s", done, total,
                    running, failed, elapsed);
      break;
    case Style::eta:
      std::snprintf(line, sizeof line,
                    "ETA: %.0fs Left: %zu AVG: %.2fs  running:%u done:%zu failed:%zu", eta, left,
                    average, running, done, failed);
      break;
    case Style::bar: {
      const int percent = total > 0 ? static_cast<int>(100 * done / total) : 100;
      constexpr int kWidth = 30;
      std::string bar(kWidth, '.');
      for (int i = 0; i < kWidth * percent / 100; ++i) bar[i] = '#';
      std::snprintf(line, sizeof line, "%d%% %zu:%zu=%.0fs [%s]", percent, done, left, eta,
                    bar.c_str());
      break;
    }
  }
  return line;
}

}  // namespace procpool::report
