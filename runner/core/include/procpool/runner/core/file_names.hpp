// How long a file name may be in a directory (posix/: what its file system says; windows/: 255,
// NTFS's limit), for reports that name files after tests.
#pragma once

#include <cstddef>
#include <string>

namespace procpool {

// The longest file name `dir` accepts, in bytes; 255 where the system cannot say.
std::size_t max_file_name_length(const std::string& dir);

}  // namespace procpool
