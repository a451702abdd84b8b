#include "procpool/runner/process/windows_command_line.hpp"

namespace procpool::process {

std::string quote_windows_argument(const std::string& argument) {
  if (!argument.empty() && argument.find_first_of(" \t\n\v\"") == std::string::npos) {
    return argument;
  }
  std::string quoted = "\"";
  std::size_t backslashes = 0;
  for (char c : argument) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    if (c == '"') {
      quoted.append(backslashes * 2 + 1, '\\');  // each backslash escaped, then the quote
    } else {
      quoted.append(backslashes, '\\');  // backslashes not before a quote are literal
    }
    backslashes = 0;
    quoted += c;
  }
  quoted.append(backslashes * 2, '\\');  // before the closing quote: escaped
  quoted += '"';
  return quoted;
}

namespace {

// shell_argv()'s shape: {"cmd.exe", "/d", "/s", "/c", script}.
bool is_shell_request(const std::vector<std::string>& argv) {
  return argv.size() == 5 && (argv[0] == "cmd.exe" || argv[0] == "cmd") && argv[1] == "/d" &&
         argv[2] == "/s" && argv[3] == "/c";
}

// UTF-16 units of UTF-8 text: one per code point below U+10000, two above.
std::size_t utf16_length(const std::string& text) {
  std::size_t units = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) units += (c >= 0xF0) ? 2 : 1;
  }
  return units;
}

}  // namespace

Result<std::string> windows_command_line(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0].empty()) return fail("empty command");
  if (argv[0].find('"') != std::string::npos) {
    return fail("a program name cannot hold a double quote on Windows: " + argv[0]);
  }
  std::string line =
      argv[0].find_first_of(" \t") == std::string::npos ? argv[0] : "\"" + argv[0] + "\"";
  if (is_shell_request(argv)) {
    // cmd.exe reads its command line its own way: `/s /c "script"` takes the script verbatim
    // between the first and the last quote (shell.hpp).
    line += " /d /s /c \"" + argv[4] + "\"";
  } else {
    for (std::size_t i = 1; i < argv.size(); ++i) line += " " + quote_windows_argument(argv[i]);
  }
  const std::size_t length = utf16_length(line);
  if (length + 1 > kMaxWindowsCommandLine) {
    return fail("command line too long for Windows: " + std::to_string(length) +
                    " characters, Windows allows " + std::to_string(kMaxWindowsCommandLine - 1),
                "pass long lists through a file (procpool run --tasks, or :::: FILE)");
  }
  return line;
}

std::vector<std::string> split_windows_command_line(const std::string& line) {
  std::vector<std::string> argv;
  std::size_t i = 0;
  // The program name: up to the next space, or the closing quote; no backslash rules.
  std::string program;
  if (i < line.size() && line[i] == '"') {
    ++i;
    while (i < line.size() && line[i] != '"') program += line[i++];
    if (i < line.size()) ++i;
  } else {
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') program += line[i++];
  }
  argv.push_back(program);
  for (;;) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    std::string argument;
    bool quoted = false;
    while (i < line.size() && (quoted || (line[i] != ' ' && line[i] != '\t'))) {
      std::size_t backslashes = 0;
      while (i < line.size() && line[i] == '\\') {
        ++backslashes;
        ++i;
      }
      if (i < line.size() && line[i] == '"') {
        argument.append(backslashes / 2, '\\');
        if (backslashes % 2 == 1) {
          argument += '"';
          ++i;
        } else if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
          argument += '"';  // "" inside quotes: a literal quote (the C runtime's rule)
          i += 2;
        } else {
          quoted = !quoted;
          ++i;
        }
        continue;
      }
      argument.append(backslashes, '\\');
      if (i < line.size() && (quoted || (line[i] != ' ' && line[i] != '\t'))) argument += line[i++];
    }
    argv.push_back(argument);
  }
  return argv;
}

}  // namespace procpool::process
