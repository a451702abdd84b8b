// Windows only: procpool keeps text as UTF-8 everywhere; Windows' wide ("W") calls take UTF-16.
// Converting at each call keeps non-ASCII paths and arguments intact (the "A" calls would go
// through the ANSI code page and lose them).
#pragma once

#include <string>
#include <string_view>

namespace procpool {

std::wstring utf16(std::string_view utf8);
std::string utf8(std::wstring_view utf16);

// The system's text for an error code from GetLastError(), without its trailing line break,
// e.g. "The system cannot find the file specified." (in English under Wine and on most CI).
std::string windows_error_text(unsigned long code);

}  // namespace procpool
