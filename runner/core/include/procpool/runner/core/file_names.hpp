// What a directory allows: how long a file name may be (posix/: what its file system says;
// windows/: 255, NTFS's limit), and whether we may write in it, for reports checked before a run.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace procpool {

// The longest file name `dir` accepts, in bytes; 255 where the system cannot say.
std::size_t max_file_name_length(const std::string& dir);

// Why this process cannot create files in the directory `dir` ("Permission denied"), or nothing
// when it can.
std::optional<std::string> cannot_create_files_in(const std::string& dir);

}  // namespace procpool
