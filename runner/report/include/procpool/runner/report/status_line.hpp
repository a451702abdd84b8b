// The one-line live status on a terminal's stderr, and writing notes and output blocks around
// it so they scroll past instead of mixing with it.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "procpool/runner/core/capture.hpp"
#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/fd_io.hpp"

namespace procpool::report {

// Writes `capture` to `fd`, with `prefix` before every line when it is non-empty (and then the
// last line ends with a newline even when the task's did not).
void write_capture(int fd, const Capture& capture, const std::string& prefix = {});

// "" when both captures are whole; otherwise a line saying that `name`'s output was cut short
// and why (its spill file could not be written), so no output is lost silently.
std::string truncation_note(const std::string& name, const Capture& out, const Capture& err);

class StatusLine {
 public:
  // `in_place`: redraw one line (a terminal); otherwise (a log asked for it with --bar, --eta or
  // --progress) a new line when the text changed, at most once a second.
  StatusLine(int fd, bool enabled, bool in_place = true)
      : fd_(fd), enabled_(enabled), in_place_(in_place) {}
  void clear();                        // before anything else is written to the terminal
  void draw(const std::string& text);  // replaces the line (no-op when disabled)
  void note(const std::string& line);  // one full line on fd, around the status
  bool enabled() const { return enabled_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  bool enabled_;
  bool in_place_;
  bool shown_ = false;
  std::string last_;
  std::chrono::steady_clock::time_point last_at_{};
};

// What a console counts for its live status line.
struct Progress {
  // counts: "[12/100] 2 running, 1 failed, 3.4 s"; eta (GNU parallel's --eta): "ETA: 9s Left: 88
  // AVG: 0.10s  running:2 done:12 failed:1"; bar (--bar): "12% 12:88=9s [###.......]".
  enum class Style { counts, eta, bar };
  Style style = Style::counts;
  std::size_t total = 0;
  std::size_t done = 0;
  std::size_t failed = 0;
  unsigned running = 0;
  SteadyTime started{};
  std::string text() const;
};

// A reporter that owns the terminal (the run console and the test console): it keeps the
// progress counts, and the CLI has it redraw the live status line a few times a second.
class LiveConsole : public Reporter {
 public:
  void tick() { status_.draw(progress_.text()); }
  // Lets the lines of one turn of the event loop (a batch's results, a held run released) go out
  // in one write: `post` runs a function once the current handler has returned. A console that
  // cannot wait (one drawing a status line) writes each line at once, as it does without this.
  virtual void defer_writes(std::function<void(std::function<void()>)> post) { (void)post; }

 protected:
  LiveConsole(int fd, bool enabled, bool in_place = true,
              Progress::Style style = Progress::Style::counts)
      : status_(fd, enabled, in_place) {
    progress_.style = style;
  }
  StatusLine status_;
  Progress progress_;
};

}  // namespace procpool::report
