// How the library reaches the processes it starts (internal: not an installed header): a
// connected stream socket per child, "this program started again" for the spawn start method,
// and the manager's wake-up. Everything here differs by platform (posix/link.cpp,
// windows/link.cpp); the Pool and Process code above it does not.
//
// Sockets and exit handles are ints on both platforms: a descriptor on Linux; on Windows a
// SOCKET or a process HANDLE, which Windows keeps within 32 bits so that 32- and 64-bit
// processes can share them (HandleToLong).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "procpool/runner/core/task.hpp"

namespace procpool::detail {

// A connected pair of stream sockets (Linux: socketpair; Windows: over the loopback), neither
// inherited by children. Throws procpool::Error saying which call failed.
std::pair<int, int> connected_sockets();

// The parent's end of a link: the manager never blocks on it (send_some/receive_some with
// wait=false), so on Windows, where a call cannot ask for that, the socket itself is made so.
void make_manager_end(int socket);

// One send or receive. `done` is the byte count (0 when the peer is gone or on error).
enum class Io { done, would_block, closed };
Io send_some(int socket, const char* data, std::size_t size, std::size_t& done);
Io receive_some(int socket, char* data, std::size_t size, bool wait, std::size_t& done);
void shut_down_socket(int socket);  // both directions: the peer reads EOF
void close_socket(int socket);

// A child started by the library and linked to it: its pid, a handle to learn its end by
// (Linux: a pidfd, -1 if the kernel has none; Windows: its process handle) and our end of the
// link. The child dies with this process: Linux PR_SET_PDEATHSIG, Windows a job object that
// kills what is in it when this process ends.
struct LinkedChild {
  int pid = -1;
  int exit_handle = -1;
  int socket = -1;
};

// `program` (empty: this program, started again) with `env` added, its standard output and error
// ours, its standard input empty, and linked: the child finds its end with socket_from_parent().
// On Windows the child connects back; one that dies before it does gets a link that is already at
// EOF, so the caller learns its end exactly as it learns any child's. Throws procpool::Error
// (`who` names the caller in the message) when it cannot start.
LinkedChild start_program(const std::string& program, const std::vector<EnvVar>& env,
                          const char* who);

// In a child started so: its end of the link, or -1 when this process was not started so.
int socket_from_parent();

// This process's id.
int this_process_id();

// Removes a variable from this process's environment.
void unset_environment_variable(const char* name);

// Wakes a thread waiting in wait_for_events from any other thread. notify() may be called any
// number of times before the waiter drains it.
class Waker {
 public:
  Waker();  // throws procpool::Error
  ~Waker();
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;
  void notify();
  void drain();
  int handle() const { return read_end_; }  // for wait_for_events
  void close_in_forked_child();             // a forked worker must not hold it

 private:
  int read_end_ = -1;
  int write_end_ = -1;  // the same as read_end_ where one descriptor does both (eventfd)
};

// What wait_for_events watches: a socket (readable; writable too when `want_write`) or a child's
// exit handle. An exit handle cannot be watched so on Windows (exit_handles_can_be_watched() is
// false): there a child's end shows as EOF on its link, which no other process holds.
struct Watched {
  int handle = -1;
  bool is_exit = false;
  bool want_write = false;
  // Filled in: the socket has data or EOF or an error / can be written / the child ended.
  bool readable = false;
  bool writable = false;
};
bool exit_handles_can_be_watched();

// Waits until one of `watched` is ready (the results in its fields). False on an error other
// than an interruption, which the manager takes as the end.
bool wait_for_events(std::vector<Watched>& watched);

}  // namespace procpool::detail
