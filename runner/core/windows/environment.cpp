#include "procpool/runner/core/environment.hpp"

#include <windows.h>
// after windows.h, which it needs
#include <shlwapi.h>

#include <cwchar>

#include "procpool/runner/core/windows_text.hpp"

namespace procpool {

std::vector<std::string> environment_variable_names() {
  std::vector<std::string> names;
  wchar_t* block = ::GetEnvironmentStringsW();
  if (!block) return names;
  for (const wchar_t* entry = block; *entry; entry += std::wcslen(entry) + 1) {
    const std::wstring_view text(entry);
    const std::size_t equals = text.find(L'=', 1);  // "=C:=C:\dir": a name starting with '='
    if (equals == std::wstring_view::npos || text[0] == L'=') continue;
    names.push_back(utf8(text.substr(0, equals)));
  }
  ::FreeEnvironmentStringsW(block);
  return names;
}

bool name_matches_pattern(const std::string& pattern, const std::string& name) {
  return ::PathMatchSpecW(utf16(name).c_str(), utf16(pattern).c_str());
}

}  // namespace procpool
