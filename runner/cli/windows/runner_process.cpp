#include "../runner_process.hpp"

#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include "../stop_signals.hpp"

namespace procpool::cli {

Result<void> become_runner(char**, const std::string&) {
  // Tasks' output is passed on byte for byte: in the C runtime's text mode each "\r\n" a task
  // wrote would become "\r\r\n".
  ::_setmode(1, _O_BINARY);
  ::_setmode(2, _O_BINARY);
  ::SetConsoleOutputCP(CP_UTF8);  // what procpool prints is UTF-8
  // A task that crashes ends with its exception code, never waits on an error dialog no one
  // will close (tasks inherit this error mode).
  ::SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
  // Ctrl-C, Ctrl-Break and the console's closing are read by every phase (stop_signals.hpp).
  return StopSignals::install();
}

}  // namespace procpool::cli
