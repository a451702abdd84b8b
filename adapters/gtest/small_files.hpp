// The few file operations the gtest executor needs on its per-attempt files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace procpool::gtest {

// The file's content, or nothing when it cannot be opened (not written).
std::optional<std::string> read_file_if_present(const std::filesystem::path& path);
// Removes what a test left in its TEST_TMPDIR; usually there is nothing.
void empty_directory(const std::filesystem::path& dir);

}  // namespace procpool::gtest
