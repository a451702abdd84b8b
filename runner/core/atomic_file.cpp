// What atomic files do the same on every platform, on top of AtomicFile (posix/, windows/).
#include "procpool/runner/core/atomic_file.hpp"

namespace procpool {

Result<void> Directory::write_file(const std::string& name, std::string_view content) const {
  AtomicFile file(*this, name);
  file.write(content);
  return file.commit();
}

Result<void> write_file_atomically(const std::string& path, std::string_view content,
                                   Durability durability) {
  AtomicFile file(path, durability);
  file.write(content);
  return file.commit();
}

}  // namespace procpool
