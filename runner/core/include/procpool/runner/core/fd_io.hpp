// Writing a whole buffer to a descriptor: the loop every writer needs (short writes, EINTR),
// written once.
#pragma once

#include <cstdint>
#include <string_view>

namespace procpool {

// Writes every byte to a file or pipe. False on error, with errno saying why.
bool write_all(int fd, std::string_view bytes);

// The same for a socket, with MSG_NOSIGNAL: a peer that went away is an error value (EPIPE),
// never a SIGPIPE that would kill a program which did not ignore it.
bool send_all(int socket, std::string_view bytes);

// A listening or connected socket no child process may inherit (Linux: close-on-exec; Windows:
// not inheritable), for sockets made by a library that does not say.
void keep_socket_from_children(std::uintptr_t socket);

}  // namespace procpool
