#include "../signal_names.hpp"

#include <csignal>

// Windows' C runtime has only the six signals of the C standard (and SIGBREAK); crashes are
// exception codes (Outcome::exception_code), so these names appear only in reports read back
// from a Linux run (procpool merge).
namespace procpool {

const char* signal_abbreviation(int signal) {
  switch (signal) {
    case 1:
      return "HUP";
    case 2:
      return "INT";
    case 3:
      return "QUIT";
    case 4:
      return "ILL";
    case 6:
      return "ABRT";
    case 8:
      return "FPE";
    case 9:
      return "KILL";
    case 11:
      return "SEGV";
    case 13:
      return "PIPE";
    case 14:
      return "ALRM";
    case 15:
      return "TERM";
  }
  return nullptr;
}

const char* signal_description(int signal) {
  switch (signal) {
    case 2:
      return "Interrupt";
    case 4:
      return "Illegal instruction";
    case 6:
      return "Aborted";
    case 8:
      return "Floating point exception";
    case 9:
      return "Killed";
    case 11:
      return "Segmentation fault";
    case 15:
      return "Terminated";
  }
  return nullptr;
}

const char* exit_code_meaning(int code) { return code == 3 ? "or abort()" : nullptr; }

}  // namespace procpool
