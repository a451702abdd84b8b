// Signal names and descriptions from the C library where it has them (posix/, windows/).
#pragma once

namespace procpool {

// "SEGV" for 11; nullptr for a number without a name.
const char* signal_abbreviation(int signal);
// "Segmentation fault" for 11; nullptr for a number without one.
const char* signal_description(int signal);

}  // namespace procpool
