#include "wire.hpp"

#include <stdexcept>

#include "link.hpp"
#include "procpool/errors.hpp"
#include "procpool/runner/core/fd_io.hpp"

namespace procpool::detail::wire {
namespace {

bool receive_all(int fd, char* data, std::size_t size) {
  while (size > 0) {
    std::size_t n = 0;
    if (receive_some(fd, data, size, /*wait=*/true, n) != Io::done) return false;
    data += n;
    size -= n;
  }
  return true;
}

template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
T take(const std::string& in, std::size_t& at) {
  T value;
  std::memcpy(&value, in.data() + at, sizeof value);
  at += sizeof value;
  return value;
}

}  // namespace

void append_message(std::string& wire, std::string_view body) {
  put(wire, static_cast<std::uint64_t>(body.size()));
  wire += body;
}

bool send_message(int fd, const std::string& body) {
  if (body.size() > kPrefetchBytes) {  // big: no copy, two sends
    const std::uint64_t size = body.size();
    return send_all(fd, std::string_view(reinterpret_cast<const char*>(&size), sizeof size)) &&
           send_all(fd, body);
  }
  std::string wire;
  append_message(wire, body);
  return send_all(fd, wire);
}

bool receive_message(int fd, std::string& body) {
  std::uint64_t size = 0;
  if (!receive_all(fd, reinterpret_cast<char*>(&size), sizeof size)) return false;
  body.resize(size);
  return receive_all(fd, body.data(), size);
}

bool read_available(int fd, std::string& inbox, bool wait) {
  constexpr std::size_t kChunk = 64 * 1024;
  char chunk[kChunk];  // not inbox.resize(+64 KiB): that zero-fills 64 KiB per read
  for (;;) {
    std::size_t n = 0;
    switch (receive_some(fd, chunk, kChunk, wait, n)) {
      case Io::done:
        inbox.append(chunk, n);
        if (wait) return true;
        break;
      case Io::would_block:
        return true;
      case Io::closed:
        return false;
    }
  }
}

std::string encode(const Invocation& call) {
  std::string out;
  put(out, reinterpret_cast<std::uintptr_t>(call.invoker));
  put(out, reinterpret_cast<std::uintptr_t>(call.fn));
  out += call.args;
  return out;
}

Invocation decode(const std::string& in) {
  std::size_t at = 0;
  Invocation call;
  call.invoker = reinterpret_cast<Invoker>(take<std::uintptr_t>(in, at));
  call.fn = reinterpret_cast<AnyFunction>(take<std::uintptr_t>(in, at));
  call.args = in.substr(at);
  return call;
}

std::string encode_named(const Invocation& call) {
  const RegisteredTask* task = find_registered_task(call.fn);
  if (!task) throw UsageError("procpool::Pool: function is not registered (PROCPOOL_TASK)");
  std::string out(1, call.invoker == task->map ? 'm' : 'c');
  put(out, static_cast<std::uint32_t>(task->name.size()));
  out += task->name;
  out += call.args;
  return out;
}

Invocation decode_named(const std::string& in) {
  std::size_t at = 1;
  const auto size = take<std::uint32_t>(in, at);
  const std::string name = in.substr(at, size);
  const RegisteredTask* task = find_registered_task(name);
  if (!task) throw std::runtime_error("no task registered as '" + name + "' in the worker");
  return Invocation{in[0] == 'm' ? task->map : task->call, task->fn, in.substr(at + size)};
}

std::string ready_reply() { return std::string(1, '\2'); }

bool is_ready_reply(const std::string& reply) { return reply.size() == 1 && reply[0] == '\2'; }

std::string result_reply(const std::string& result) { return std::string(1, '\0') + result; }

std::string error_reply(const std::string& type, const std::string& message) {
  return std::string(1, '\1') + type + '\0' + message;
}

Reply decode_reply(const std::string& reply) {
  Reply decoded;
  if (!reply.empty() && reply[0] == '\0') {
    decoded.ok = true;
    decoded.payload = reply.substr(1);
    return decoded;
  }
  const std::string body = reply.empty() ? std::string() : reply.substr(1);
  const auto nul = body.find('\0');
  decoded.error_type = body.substr(0, nul);
  decoded.payload = nul == std::string::npos ? "" : body.substr(nul + 1);
  return decoded;
}

}  // namespace procpool::detail::wire
