#include "procpool/runner/core/file_names.hpp"

#include <windows.h>

#include "procpool/runner/core/windows_text.hpp"

namespace procpool {

// NTFS and ReFS allow 255 UTF-16 units; counting UTF-8 bytes against it is on the safe side.
std::size_t max_file_name_length(const std::string&) { return 255; }

// Windows' access rights are ACLs that _waccess does not read: only the read-only attribute. The
// run's reports find out for certain when they are written (an error naming the file).
std::optional<std::string> cannot_create_files_in(const std::string& dir) {
  const DWORD attributes = ::GetFileAttributesW(utf16(dir).c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES) return windows_error_text(::GetLastError());
  return std::nullopt;
}

}  // namespace procpool
