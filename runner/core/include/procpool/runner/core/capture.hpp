// The captured bytes of one stream of one task: kept in memory up to a cap, then spilled to an
// anonymous temporary file, so a task printing gigabytes costs the runner little memory.
// Binary-safe; move-only because it may own a file descriptor.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace procpool {

class Capture {
 public:
  static constexpr std::size_t default_memory_cap = 4u << 20;  // 4 MiB

  explicit Capture(std::size_t memory_cap = default_memory_cap) : memory_cap_(memory_cap) {}
  Capture(Capture&& other) noexcept;
  Capture& operator=(Capture&& other) noexcept;
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  ~Capture();

  void append(std::string_view bytes);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool spilled() const { return spill_fd_ >= 0; }
  // Set when bytes were lost (the spill file could not be written); says why.
  const std::string& error() const { return error_; }

  // Hands the whole content to `sink` in order, in chunks of at most 64 KiB.
  void for_each_chunk(const std::function<void(std::string_view)>& sink) const;
  // The whole content as one string: for small captures (tests, JSON excerpts).
  std::string str() const;
  // The last `max_bytes` bytes (or everything when smaller).
  std::string tail(std::size_t max_bytes) const;

 private:
  void spill();

  std::size_t memory_cap_;
  std::string memory_;  // the bytes while they fit; empty once spilled
  int spill_fd_ = -1;
  std::size_t size_ = 0;
  std::string error_;
};

}  // namespace procpool
