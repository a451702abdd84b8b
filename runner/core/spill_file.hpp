// The file a Capture spills to once its output outgrows memory: unnamed (or deleted on close),
// readable at any offset. One implementation per platform (posix/, windows/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace procpool {

// A descriptor of a new empty file in temp_root() that nobody else can open and that vanishes
// when closed; -1 with `error` naming the directory and the reason.
int open_spill_file(std::string& error);

// Up to `size` bytes from `offset` (the file position is not used); -1 on error.
long long read_spill_file_at(int fd, char* data, std::size_t size, std::uint64_t offset);

void close_spill_file(int fd);

}  // namespace procpool
