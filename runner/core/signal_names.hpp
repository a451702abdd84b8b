// Signal names and descriptions from the C library where it has them (posix/, windows/), and
// the exit codes its runtime gives a meaning.
#pragma once

namespace procpool {

// "SEGV" for 11; nullptr for a number without a name.
const char* signal_abbreviation(int signal);
// "Segmentation fault" for 11; nullptr for a number without one.
const char* signal_description(int signal);
// What this platform's C runtime means by an exit code, where it means something: on Windows
// abort() ends a program with exit code 3 (an exit code, not an exception); nullptr elsewhere.
const char* exit_code_meaning(int code);

}  // namespace procpool
