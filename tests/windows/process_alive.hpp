// For Windows tests: whether a process a test started (or its child did) is still running.
#pragma once

#include <windows.h>

namespace procpool::windows_testing {

inline bool process_alive(unsigned long pid) {
  HANDLE process = ::OpenProcess(SYNCHRONIZE, FALSE, pid);
  if (!process) return false;
  const bool running = ::WaitForSingleObject(process, 0) == WAIT_TIMEOUT;
  ::CloseHandle(process);
  return running;
}

}  // namespace procpool::windows_testing
