#include "../signal_names.hpp"

#include <cstring>

namespace procpool {

// glibc >= 2.32; both return nullptr for numbers without a name.
const char* signal_abbreviation(int signal) { return ::sigabbrev_np(signal); }
const char* signal_description(int signal) { return ::sigdescr_np(signal); }

// abort() raises SIGABRT here: no exit code has a meaning of its own.
const char* exit_code_meaning(int) { return nullptr; }

}  // namespace procpool
