#include "procpool/runner/core/host_name.hpp"

#include <windows.h>

#include "procpool/runner/core/windows_text.hpp"

namespace procpool {

std::string host_name() {
  wchar_t name[256] = {};
  DWORD size = 255;
  if (!::GetComputerNameExW(ComputerNameDnsHostname, name, &size)) return {};
  return utf8(std::wstring_view(name, size));
}

}  // namespace procpool
