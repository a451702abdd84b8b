#include "procpool/runner/core/fd_io.hpp"

#include <winsock2.h>
// after winsock2.h, which must come first
#include <io.h>
#include <windows.h>
#include <cerrno>

namespace procpool {

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const unsigned chunk = bytes.size() > (1u << 30) ? (1u << 30) : unsigned(bytes.size());
    const int n = ::_write(fd, bytes.data(), chunk);
    if (n < 0) return false;
    if (n == 0) {
      errno = EIO;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Windows has no SIGPIPE: a peer that went away is already an error value. A socket in
// non-blocking mode (the library's manager ends) is waited on until it takes more.
bool send_all(int socket, std::string_view bytes) {
  const auto s = static_cast<SOCKET>(static_cast<unsigned>(socket));
  while (!bytes.empty()) {
    const int chunk = bytes.size() > (1u << 30) ? (1 << 30) : int(bytes.size());
    const int n = ::send(s, bytes.data(), chunk, 0);
    if (n == SOCKET_ERROR && ::WSAGetLastError() == WSAEWOULDBLOCK) {
      WSAPOLLFD entry{s, POLLWRNORM, 0};
      ::WSAPoll(&entry, 1, -1);
      continue;
    }
    if (n <= 0) {
      errno = EIO;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void keep_socket_from_children(std::uintptr_t socket) {
  ::SetHandleInformation(reinterpret_cast<HANDLE>(socket), HANDLE_FLAG_INHERIT, 0);
}

}  // namespace procpool
