// The Pool's wire format (internal): how tasks and results travel over a worker's Unix socket.
// A message is a 64-bit length and that many bytes. A task is an Invocation encoded by address
// (fork: the worker shares our addresses) or by registered name (spawn); a reply is a result or
// an exception's type and message.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "procpool/detail/pool_core.hpp"

namespace procpool::detail::wire {

// Far below Linux's default Unix-socket buffer (~208 KiB): prefetched tasks never block a send.
inline constexpr std::size_t kPrefetchBytes = 64 * 1024;

// One message as it goes on the wire; batches of them are sent with one system call.
void append_message(std::string& wire, std::string_view body);
// False when the peer is gone (send_all: never a SIGPIPE).
bool send_message(int fd, const std::string& body);
// Reads exactly one message. False on EOF or error: the peer is gone.
bool receive_message(int fd, std::string& body);

// Appends whatever `fd` has ready to `inbox` (blocking for some only when `wait`). False when
// the peer is gone (EOF or error); what arrived before that stays in `inbox`.
bool read_available(int fd, std::string& inbox, bool wait);

// Hands the complete messages at the front of `inbox` to `take` in order while it returns true,
// then drops what was taken with one erase (erasing message by message would move the rest of
// a full buffer each time).
template <typename Take>
void take_messages(std::string& inbox, Take take) {
  std::size_t at = 0;
  std::string body;
  for (bool more = true; more;) {
    std::uint64_t size = 0;
    if (inbox.size() - at < sizeof size) break;
    std::memcpy(&size, inbox.data() + at, sizeof size);
    if (inbox.size() - at - sizeof size < size) break;
    body.assign(inbox, at + sizeof size, size);
    at += sizeof size + size;
    more = take(body);
  }
  inbox.erase(0, at);
}

// Tasks for forked workers: the invoker's and the function's addresses, then the arguments.
std::string encode(const Invocation& call);
Invocation decode(const std::string& message);
// Tasks for spawned workers: [kind 'c'/'m'][u32 name length][name][arguments]. encode_named
// throws UsageError for an unregistered function; decode_named throws std::runtime_error for a
// name the worker does not know.
std::string encode_named(const Invocation& call);
Invocation decode_named(const std::string& message);

// A worker's first message, once its initializer ran: it is ready to serve. A worker that dies
// before sending it died at start (see PoolCore::on_worker_gone).
std::string ready_reply();
bool is_ready_reply(const std::string& reply);

// Replies: "\0" + result bytes, or "\1" + exception type + "\0" + message.
std::string result_reply(const std::string& result);
std::string error_reply(const std::string& type, const std::string& message);
struct Reply {
  bool ok = false;
  std::string payload;  // the result bytes, or the exception's message
  std::string error_type;
};
Reply decode_reply(const std::string& reply);

}  // namespace procpool::detail::wire
