#include "procpool/runner/core/file_identity.hpp"

#include <windows.h>

#include "procpool/runner/core/windows_text.hpp"

namespace procpool {

std::optional<FileIdentity> regular_file_identity(const std::string& path) {
  HANDLE file = ::CreateFileW(utf16(path).c_str(), FILE_READ_ATTRIBUTES,
                              FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                              OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) return std::nullopt;
  BY_HANDLE_FILE_INFORMATION info{};
  const bool read = ::GetFileInformationByHandle(file, &info);
  ::CloseHandle(file);
  if (!read || (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) return std::nullopt;
  // FILETIME: 100 ns steps since 1601.
  const std::uint64_t ticks = (std::uint64_t(info.ftLastWriteTime.dwHighDateTime) << 32) |
                              info.ftLastWriteTime.dwLowDateTime;
  return FileIdentity{info.dwVolumeSerialNumber,
                      (std::uint64_t(info.nFileIndexHigh) << 32) | info.nFileIndexLow,
                      (std::uint64_t(info.nFileSizeHigh) << 32) | info.nFileSizeLow,
                      static_cast<std::int64_t>(ticks / 10000000),
                      static_cast<std::int64_t>(ticks % 10000000) * 100};
}

}  // namespace procpool
