#include "procpool/runner/core/file_names.hpp"

namespace procpool {

// NTFS and ReFS allow 255 UTF-16 units; counting UTF-8 bytes against it is on the safe side.
std::size_t max_file_name_length(const std::string&) { return 255; }

}  // namespace procpool
