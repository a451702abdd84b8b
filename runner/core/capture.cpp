#include "procpool/runner/core/capture.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "procpool/runner/core/fd_io.hpp"
#include "spill_file.hpp"

namespace procpool {
Capture::Capture(Capture&& other) noexcept
    : memory_cap_(other.memory_cap_),
      memory_(std::move(other.memory_)),
      spill_fd_(std::exchange(other.spill_fd_, -1)),
      size_(std::exchange(other.size_, 0)),
      error_(std::move(other.error_)) {}

Capture& Capture::operator=(Capture&& other) noexcept {
  if (this != &other) {
    if (spill_fd_ >= 0) close_spill_file(spill_fd_);
    memory_cap_ = other.memory_cap_;
    memory_ = std::move(other.memory_);
    spill_fd_ = std::exchange(other.spill_fd_, -1);
    size_ = std::exchange(other.size_, 0);
    error_ = std::move(other.error_);
  }
  return *this;
}

Capture::~Capture() {
  if (spill_fd_ >= 0) close_spill_file(spill_fd_);
}

void Capture::spill() {
  spill_fd_ = open_spill_file(error_);
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
  std::uint64_t offset = 0;
  while (true) {
    const long long n = read_spill_file_at(spill_fd_, buffer.data(), buffer.size(), offset);
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
  const long long n = read_spill_file_at(spill_fd_, out.data(), max_bytes, size_ - max_bytes);
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

}  // namespace procpool
