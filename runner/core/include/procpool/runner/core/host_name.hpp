// This machine's name, as reports record it and as cluster nodes reach it (posix/, windows/).
#pragma once

#include <string>

namespace procpool {

// Empty when the system cannot say.
std::string host_name();

}  // namespace procpool
