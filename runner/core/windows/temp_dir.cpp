#include "procpool/runner/core/temp_dir.hpp"

#include <windows.h>
#include <cstdlib>
#include <random>

#include "procpool/runner/core/windows_text.hpp"

namespace procpool {

// %TEMP% as Windows programs find it (GetTempPathW reads TMP, TEMP, USERPROFILE in turn); TMPDIR
// first, as on Linux, so one variable moves procpool's files on both.
std::string temp_root() {
  if (const char* dir = std::getenv("TMPDIR"); dir && *dir) return dir;
  wchar_t buffer[MAX_PATH + 1];
  const DWORD length = ::GetTempPathW(MAX_PATH + 1, buffer);
  std::string root =
      length ? utf8(std::wstring_view(buffer, length)) : std::string("C:\\Windows\\Temp");
  while (root.size() > 3 && (root.back() == '\\' || root.back() == '/')) root.pop_back();
  return root;
}

Result<std::string> make_temp_directory(const std::string& prefix) {
  const std::string root = temp_root();
  std::random_device entropy;
  DWORD error = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string path = root + "\\" + prefix + "-" + std::to_string(entropy() % 1000000000u);
    if (::CreateDirectoryW(utf16(path).c_str(), nullptr)) return path;
    error = ::GetLastError();
    if (error != ERROR_ALREADY_EXISTS) break;
  }
  return fail_os(
      static_cast<int>(error),
      "cannot create a temporary directory in " + root + ": " + windows_error_text(error),
      "set TMPDIR to a writable directory");
}

std::optional<std::string> make_memory_directory(const std::string&) { return std::nullopt; }

}  // namespace procpool
