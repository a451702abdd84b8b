// The library's links on Linux (see link.hpp): Unix socket pairs, the child's end as its
// descriptor 3, an eventfd to wake the manager, poll() over sockets and pidfds.
#include "link.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "child_support.hpp"
#include "procpool/errors.hpp"
#include "procpool/runner/process/spawn.hpp"

namespace procpool::detail {

std::pair<int, int> connected_sockets() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    throw Error(std::string("procpool::Pool: socketpair failed: ") + std::strerror(errno));
  }
  return {fds[0], fds[1]};
}

void make_manager_end(int) {}  // each call says MSG_DONTWAIT

Io send_some(int socket, const char* data, std::size_t size, std::size_t& done) {
  done = 0;
  for (;;) {
    const ssize_t n = ::send(socket, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Io::would_block;
    if (n <= 0) return Io::closed;
    done = static_cast<std::size_t>(n);
    return Io::done;
  }
}

Io receive_some(int socket, char* data, std::size_t size, bool wait, std::size_t& done) {
  done = 0;
  for (;;) {
    const ssize_t n = ::recv(socket, data, size, wait ? 0 : MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Io::would_block;
    if (n <= 0) return Io::closed;
    done = static_cast<std::size_t>(n);
    return Io::done;
  }
}

void shut_down_socket(int socket) { ::shutdown(socket, SHUT_RDWR); }

void close_socket(int socket) {
  if (socket >= 0) ::close(socket);
}

LinkedChild start_program(const std::string& program, const std::vector<EnvVar>& env,
                          const char* who) {
  process::SpawnRequest request;
  request.argv = {program};
  if (program.empty()) {
    char self[4096];
    const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0) throw Error(std::string(who) + ": cannot find this program (/proc/self/exe)");
    request.argv = {std::string(self, static_cast<std::size_t>(length))};
  }
  auto [ours, theirs] = connected_sockets();
  request.env = env;
  // The child's end is its descriptor 3; its standard input is /dev/null, so a task reading
  // stdin cannot eat the protocol.
  request.fd3 = theirs;
  request.stdout_fd = 1;
  request.stderr_fd = 2;
  flush_standard_streams();  // what we printed comes before what the child prints, as on Windows
  boost::asio::io_context io;
  // Started by the long-lived starter thread: the child's "dies with its parent" is tied to
  // that thread, not to whichever thread made the pool (see child_support.hpp).
  std::optional<Result<process::SpawnedProcess>> spawned;
  on_starter_thread([&] { spawned.emplace(process::spawn_process(io.get_executor(), request)); });
  ::close(theirs);
  if (!*spawned) {
    ::close(ours);
    throw Error(std::string(who) + ": cannot start a process: " + spawned->error());
  }
  LinkedChild child;
  child.pid = (*spawned)->process.id();
  child.exit_handle = (*spawned)->exit_fd;
  child.socket = ours;
  (*spawned)->process.detach();  // reaped by the caller, not by bp2::process's destructor
  return child;
}

int socket_from_parent() { return 3; }

int this_process_id() { return static_cast<int>(::getpid()); }

void unset_environment_variable(const char* name) { ::unsetenv(name); }

Waker::Waker() {
  read_end_ = write_end_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (read_end_ < 0)
    throw Error(std::string("procpool::Pool: eventfd failed: ") + std::strerror(errno));
}

Waker::~Waker() {
  if (read_end_ >= 0) ::close(read_end_);
}

void Waker::notify() {
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(write_end_, &one, sizeof one);
}

void Waker::drain() {
  std::uint64_t count;
  [[maybe_unused]] ssize_t n = ::read(read_end_, &count, sizeof count);
}

void Waker::close_in_forked_child() {
  ::close(read_end_);
  read_end_ = write_end_ = -1;
}

bool exit_handles_can_be_watched() { return true; }

bool wait_for_events(std::vector<Watched>& watched) {
  std::vector<pollfd> fds;
  fds.reserve(watched.size());
  for (const Watched& w : watched) {
    const short events = w.is_exit ? POLLIN : short(POLLIN | (w.want_write ? POLLOUT : 0));
    fds.push_back({w.handle, events, 0});
  }
  if (::poll(fds.data(), fds.size(), -1) < 0) return errno == EINTR;
  for (std::size_t i = 0; i < fds.size(); ++i) {
    watched[i].writable = fds[i].revents & POLLOUT;
    watched[i].readable = fds[i].revents & ~POLLOUT;
  }
  return true;
}

}  // namespace procpool::detail
