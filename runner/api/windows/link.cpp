// The library's links on Windows (see link.hpp): loopback TCP sockets. A child started by
// start_program connects back to a listener made for it and proves itself with a one-time
// key; a socket handed down through CreateProcess would be simpler, but under Wine the child's
// sends on an inherited socket never reach us (tried with Wine 8: the parent reads EOF).
// Exit handles cannot be polled with sockets, so a child's end shows as EOF on its link, which
// only it holds (its socket is not inheritable).
#include <winsock2.h>
// after winsock2.h, which must come first
#include <bcrypt.h>
#include <windows.h>
#include <ws2tcpip.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "child_support.hpp"
#include "link.hpp"
#include "procpool/errors.hpp"
#include "procpool/runner/core/fd_io.hpp"
#include "procpool/runner/core/windows_text.hpp"
#include "procpool/runner/process/library_child.hpp"
#include "procpool/runner/process/reap.hpp"

namespace procpool::detail {
namespace {

constexpr const char* kLinkVariable = "PROCPOOL_LINK";  // "<port> <key>", for the child only
constexpr std::size_t kKeyBytes = 16;

SOCKET as_socket(int socket) { return static_cast<SOCKET>(static_cast<unsigned>(socket)); }
int as_int(SOCKET socket) { return static_cast<int>(socket); }

void start_winsock() {
  static const bool started = [] {
    WSADATA data;
    return ::WSAStartup(MAKEWORD(2, 2), &data) == 0;
  }();
  if (!started) throw Error("procpool: cannot start Windows sockets (WSAStartup failed)");
}

[[noreturn]] void fail_with(const std::string& what) {
  throw Error("procpool: " + what + ": " + windows_error_text(::WSAGetLastError()));
}

// A TCP socket no child inherits, with Nagle's delay off: tasks and results are small messages
// that must go at once.
SOCKET new_socket() {
  start_winsock();
  SOCKET s =
      ::WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET) fail_with("cannot create a socket");
  return s;
}

void no_delay(SOCKET s) {
  const BOOL on = TRUE;
  ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&on), sizeof on);
}

// A listener on 127.0.0.1 at a port the system picks; `port` is set to it.
SOCKET loopback_listener(unsigned short& port) {
  SOCKET listener = new_socket();
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int length = sizeof address;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 4) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::closesocket(listener);
    fail_with("cannot listen on the loopback interface");
  }
  port = ntohs(address.sin_port);
  return listener;
}

SOCKET connect_to(unsigned short port) {
  SOCKET s = new_socket();
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::connect(s, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::closesocket(s);
    return INVALID_SOCKET;
  }
  no_delay(s);
  return s;
}

bool readable_within(SOCKET s, int milliseconds) {
  WSAPOLLFD entry{s, POLLRDNORM, 0};
  return ::WSAPoll(&entry, 1, milliseconds) > 0;
}

std::string random_key() {
  unsigned char bytes[kKeyBytes];
  if (!BCRYPT_SUCCESS(
          ::BCryptGenRandom(nullptr, bytes, sizeof bytes, BCRYPT_USE_SYSTEM_PREFERRED_RNG))) {
    throw Error("procpool: cannot make a random key (BCryptGenRandom failed)");
  }
  std::string hex;
  for (unsigned char b : bytes) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", b);
    hex += two;
  }
  return hex;
}

// The key a connection sends first, read within a few seconds (a stranger may send nothing).
bool proves_key(SOCKET s, const std::string& key) {
  std::string got;
  char buffer[64];
  while (got.size() < key.size()) {
    if (!readable_within(s, 5000)) return false;
    const int n = ::recv(s, buffer, int(std::min(sizeof buffer, key.size() - got.size())), 0);
    if (n <= 0) return false;
    got.append(buffer, std::size_t(n));
  }
  return got == key;
}

std::wstring this_program() {
  std::wstring path(MAX_PATH, L'\0');
  for (;;) {
    const DWORD n = ::GetModuleFileNameW(nullptr, path.data(), DWORD(path.size()));
    if (n == 0)
      throw Error("procpool: cannot find this program: " + windows_error_text(::GetLastError()));
    if (n < path.size()) {
      path.resize(n);
      return path;
    }
    path.resize(path.size() * 2);
  }
}

// A link whose other end is already closed: reading it gives EOF at once.
int closed_link() {
  auto [ours, theirs] = connected_sockets();
  close_socket(theirs);
  make_manager_end(ours);
  return ours;
}

}  // namespace

std::pair<int, int> connected_sockets() {
  unsigned short port = 0;
  SOCKET listener = loopback_listener(port);
  SOCKET one = connect_to(port);
  SOCKET other = one == INVALID_SOCKET ? INVALID_SOCKET : ::accept(listener, nullptr, nullptr);
  // Only our own connection: the accepted peer must be `one` (another local process could race
  // to connect to the port).
  sockaddr_in mine{}, peer{};
  int mine_length = sizeof mine, peer_length = sizeof peer;
  const bool ours = other != INVALID_SOCKET &&
                    ::getsockname(one, reinterpret_cast<sockaddr*>(&mine), &mine_length) == 0 &&
                    ::getpeername(other, reinterpret_cast<sockaddr*>(&peer), &peer_length) == 0 &&
                    mine.sin_port == peer.sin_port && mine.sin_addr.s_addr == peer.sin_addr.s_addr;
  ::closesocket(listener);
  if (!ours) {
    if (one != INVALID_SOCKET) ::closesocket(one);
    if (other != INVALID_SOCKET) ::closesocket(other);
    fail_with("cannot connect a pair of sockets over the loopback interface");
  }
  no_delay(other);
  return {as_int(one), as_int(other)};
}

void make_manager_end(int socket) {
  u_long on = 1;
  ::ioctlsocket(as_socket(socket), FIONBIO, &on);
}

Io send_some(int socket, const char* data, std::size_t size, std::size_t& done) {
  done = 0;
  const int n = ::send(as_socket(socket), data, int(std::min<std::size_t>(size, 1u << 30)), 0);
  if (n == SOCKET_ERROR)
    return ::WSAGetLastError() == WSAEWOULDBLOCK ? Io::would_block : Io::closed;
  done = std::size_t(n);
  return Io::done;
}

// `wait` is the socket's own mode here: the manager's ends never block (make_manager_end), a
// child's always do.
Io receive_some(int socket, char* data, std::size_t size, bool, std::size_t& done) {
  done = 0;
  const int n = ::recv(as_socket(socket), data, int(std::min<std::size_t>(size, 1u << 30)), 0);
  if (n == SOCKET_ERROR)
    return ::WSAGetLastError() == WSAEWOULDBLOCK ? Io::would_block : Io::closed;
  if (n == 0) return Io::closed;
  done = std::size_t(n);
  return Io::done;
}

void shut_down_socket(int socket) { ::shutdown(as_socket(socket), SD_BOTH); }

void close_socket(int socket) {
  if (socket != -1) ::closesocket(as_socket(socket));
}

LinkedChild start_program(const std::string& program, const std::vector<EnvVar>& env,
                          const char* who) {
  unsigned short port = 0;
  SOCKET listener = loopback_listener(port);
  const std::string key = random_key();
  process::SpawnRequest request;
  request.argv = {program.empty() ? utf8(this_program()) : program};
  request.env = env;
  request.env.push_back({kLinkVariable, std::to_string(port) + " " + key});
  request.stdout_fd = 1;
  request.stderr_fd = 2;
  flush_standard_streams();
  auto started = process::start_library_child(request);
  if (!started) {
    ::closesocket(listener);
    throw Error(std::string(who) + ": cannot start a process: " + started.error());
  }
  LinkedChild child;
  child.pid = started->pid;
  child.exit_handle = started->exit_handle;
  // Until it connects, or ends without connecting (a program that fails before main(), or
  // whose main() lacks the guard).
  HANDLE process = LongToHandle(child.exit_handle);
  while (child.socket == -1) {
    const bool ended = ::WaitForSingleObject(process, 0) == WAIT_OBJECT_0;
    if (readable_within(listener, ended ? 0 : 20)) {
      SOCKET s = ::accept(listener, nullptr, nullptr);
      if (s == INVALID_SOCKET) continue;
      if (proves_key(s, key)) {
        no_delay(s);
        child.socket = as_int(s);
        make_manager_end(child.socket);
      } else {
        ::closesocket(s);
      }
    } else if (ended) {
      child.socket = closed_link();
    }
  }
  ::closesocket(listener);
  return child;
}

int socket_from_parent() {
  const char* link = std::getenv(kLinkVariable);
  if (!link) return -1;
  const std::string value = link;
  unset_environment_variable(kLinkVariable);  // not for its own children
  const auto space = value.find(' ');
  if (space == std::string::npos) return -1;
  const int port = std::atoi(value.substr(0, space).c_str());
  const std::string key = value.substr(space + 1);
  start_winsock();
  SOCKET s = connect_to(static_cast<unsigned short>(port));
  if (s == INVALID_SOCKET) return -1;
  if (!send_all(as_int(s), key)) {
    ::closesocket(s);
    return -1;
  }
  return as_int(s);
}

int this_process_id() { return static_cast<int>(::GetCurrentProcessId()); }

void unset_environment_variable(const char* name) {
  // _putenv changes the C runtime's copy (getenv's) and the process's (children's) both.
  ::_putenv((std::string(name) + "=").c_str());
}

Waker::Waker() {
  auto [read_end, write_end] = connected_sockets();
  read_end_ = read_end;
  write_end_ = write_end;
  make_manager_end(read_end_);
  make_manager_end(write_end_);
}

Waker::~Waker() {
  close_socket(read_end_);
  close_socket(write_end_);
}

void Waker::notify() {
  std::size_t sent;
  send_some(write_end_, "w", 1, sent);  // would_block: a wake-up is pending already
}

void Waker::drain() {
  char buffer[256];
  std::size_t got;
  while (receive_some(read_end_, buffer, sizeof buffer, false, got) == Io::done) {
  }
}

void Waker::close_in_forked_child() {}  // there is no fork

bool exit_handles_can_be_watched() { return false; }

bool wait_for_events(std::vector<Watched>& watched) {
  std::vector<WSAPOLLFD> entries;
  std::vector<std::size_t> of;  // entries[k] is watched[of[k]]
  for (std::size_t i = 0; i < watched.size(); ++i) {
    watched[i].readable = watched[i].writable = false;
    if (watched[i].is_exit) continue;
    entries.push_back(WSAPOLLFD{as_socket(watched[i].handle),
                                short(POLLRDNORM | (watched[i].want_write ? POLLWRNORM : 0)), 0});
    of.push_back(i);
  }
  if (::WSAPoll(entries.data(), ULONG(entries.size()), -1) == SOCKET_ERROR) return false;
  for (std::size_t k = 0; k < entries.size(); ++k) {
    watched[of[k]].writable = entries[k].revents & POLLWRNORM;
    watched[of[k]].readable = entries[k].revents & (POLLRDNORM | POLLHUP | POLLERR | POLLNVAL);
  }
  return true;
}

}  // namespace procpool::detail
