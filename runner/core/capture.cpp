#include "procpool/runner/core/capture.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "procpool/runner/core/fd_io.hpp"
#include "procpool/runner/core/temp_dir.hpp"

namespace procpool {
namespace {

// An unnamed file that disappears when closed: O_TMPFILE where the file system has it,
// otherwise mkstemp + unlink.
int open_anonymous_file(std::string& error) {
  const std::string dir = temp_root();
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string path = dir + "/procpool-capture-XXXXXX";
  fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) {
    error = "cannot create a spill file in " + dir + ": " + std::strerror(errno);
    return -1;
  }
  ::unlink(path.c_str());
  return fd;
}

}  // namespace

Capture::Capture(Capture&& other) noexcept
    : memory_cap_(other.memory_cap_),
      memory_(std::move(other.memory_)),
      spill_fd_(std::exchange(other.spill_fd_, -1)),
      size_(std::exchange(other.size_, 0)),
      error_(std::move(other.error_)) {}

Capture& Capture::operator=(Capture&& other) noexcept {
  if (this != &other) {
    if (spill_fd_ >= 0) ::close(spill_fd_);
    memory_cap_ = other.memory_cap_;
    memory_ = std::move(other.memory_);
    spill_fd_ = std::exchange(other.spill_fd_, -1);
    size_ = std::exchange(other.size_, 0);
    error_ = std::move(other.error_);
  }
  return *this;
}

Capture::~Capture() {
  if (spill_fd_ >= 0) ::close(spill_fd_);
}

void Capture::spill() {
  spill_fd_ = open_anonymous_file(error_);
  if (spill_fd_ < 0) return;
  if (!write_all(spill_fd_, memory_)) {
    error_ = std::string("cannot write the spill file: ") + std::strerror(errno);
  }
  std::string().swap(memory_);  // give the memory back, not just clear it
}

void Capture::append(std::string_view bytes) {
  if (bytes.empty() || !error_.empty()) return;
  if (spill_fd_ < 0 && memory_.size() + bytes.size() > memory_cap_) spill();
  if (spill_fd_ >= 0) {
    if (!write_all(spill_fd_, bytes)) {
      error_ = std::string("cannot write the spill file: ") + std::strerror(errno);
      return;
    }
  } else if (!error_.empty()) {
    return;  // spilling failed: keep what fits, drop the rest, error_ says so
  } else {
    memory_.append(bytes);
  }
  size_ += bytes.size();
}

void Capture::for_each_chunk(const std::function<void(std::string_view)>& sink) const {
  if (spill_fd_ < 0) {
    if (!memory_.empty()) sink(memory_);
    return;
  }
  std::string buffer(64 * 1024, '\0');
  off_t offset = 0;
  while (true) {
    ssize_t n = ::pread(spill_fd_, buffer.data(), buffer.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    sink(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    offset += n;
  }
}

std::string Capture::str() const {
  std::string all;
  all.reserve(size_);
  for_each_chunk([&](std::string_view chunk) { all.append(chunk); });
  return all;
}

std::string Capture::tail(std::size_t max_bytes) const {
  if (size_ <= max_bytes) return str();
  if (spill_fd_ < 0) return memory_.substr(memory_.size() - max_bytes);
  std::string out(max_bytes, '\0');
  ssize_t n = ::pread(spill_fd_, out.data(), max_bytes, static_cast<off_t>(size_ - max_bytes));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

}  // namespace procpool
