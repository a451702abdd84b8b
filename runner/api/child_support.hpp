// What every forked child of the library does alike (internal: not an installed header).
#pragma once

#include <string>

namespace procpool::detail {

// C and C++ standard streams, so a fork does not copy unflushed output and a child's output is
// out before it leaves with _exit.
void flush_standard_streams();

// The demangled type of the exception being handled ("std::invalid_argument").
std::string current_exception_type();

}  // namespace procpool::detail
