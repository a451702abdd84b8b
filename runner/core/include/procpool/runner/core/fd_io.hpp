// Writing a whole buffer to a descriptor: the loop every writer needs (short writes, EINTR),
// written once.
#pragma once

#include <string_view>

namespace procpool {

// Writes every byte to a file or pipe. False on error, with errno saying why.
bool write_all(int fd, std::string_view bytes);

// The same for a socket, with MSG_NOSIGNAL: a peer that went away is an error value (EPIPE),
// never a SIGPIPE that would kill a program which did not ignore it.
bool send_all(int socket, std::string_view bytes);

}  // namespace procpool
