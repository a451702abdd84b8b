// The platform's shell, for `procpool run --shell` and --tasks lines: /bin/sh on Linux (posix/),
// cmd.exe on Windows (windows/).
#pragma once

#include <string>
#include <vector>

namespace procpool {

// Linux: {"/bin/sh", "-c", script}. Windows: {"cmd.exe", "/d", "/s", "/c", script}, which the
// process layer passes as `cmd.exe /d /s /c "script"`, the script verbatim (cmd.exe does not
// read the C runtime's backslash escapes; node's `shell: true` starts it the same way).
std::vector<std::string> shell_argv(const std::string& script);

// One input word quoted for that shell, so it reaches the command as one argument: sh's single
// quotes; on Windows double quotes with inner quotes doubled (cmd.exe still expands %NAME%
// inside them: it has no quoting that stops that).
std::string quote_for_shell(const std::string& word);

}  // namespace procpool
