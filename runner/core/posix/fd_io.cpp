#include "procpool/runner/core/fd_io.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>

namespace procpool {
namespace {

template <typename Transfer>
bool transfer_all(std::string_view bytes, Transfer transfer) {
  while (!bytes.empty()) {
    const ssize_t n = transfer(bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) {
      errno = EIO;  // a write that moves nothing would loop forever
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

bool write_all(int fd, std::string_view bytes) {
  return transfer_all(bytes,
                      [fd](const char* data, std::size_t size) { return ::write(fd, data, size); });
}

bool send_all(int socket, std::string_view bytes) {
  return transfer_all(bytes, [socket](const char* data, std::size_t size) {
    return ::send(socket, data, size, MSG_NOSIGNAL);
  });
}

void keep_socket_from_children(std::uintptr_t socket) {
  const int fd = static_cast<int>(socket);
  const int flags = ::fcntl(fd, F_GETFD);
  if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

}  // namespace procpool
