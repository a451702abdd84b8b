// Listens for one gtest process's result stream (--gtest_stream_result_to=HOST:PORT) and hands
// its events over as they arrive.
//
// One listener per process, on a port the system picks: the protocol does not say which process
// is speaking. It must listen before the process starts (gtest aborts when it cannot connect).
// Several connections come: the program's own, and one from each death test's child program
// (measured on googletest's googletest-death-test-test: 11 that send only the protocol version).
// The program's is the first whose first event is TestProgramStart; the others are read and
// dropped. The program's connection may stay open after it exits (a process it left behind holds
// the socket), so the end of the process, not of the connection, ends the run: finish() waits
// for the connection to close only as long as the process's leftovers take to be killed.
//
// The stream is read in bursts, not line by line as it comes: gtest sends each event with a
// system call of its own, and waking for each cost the runner ~2 system calls per event (with
// 1 ms tests, batched, the stream cost 3 % more than reading the console; measured with
// benchmarks/gtest_events.sh). A connection wakes the runner only once 64 KiB have arrived or it
// closes, and what arrived meanwhile is read every 20 ms and whenever drain() asks (a deadline
// that ran out, the end of the process), always in the order sent.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "procpool/adapters/gtest/program_events.hpp"
#include "procpool/runner/core/result.hpp"

namespace procpool::gtest {

class EventListener : public std::enable_shared_from_this<EventListener> {
 public:
  using OnEvent = std::function<void(const ProgramEvent&)>;

  // Listens on `address` (an IP address; "127.0.0.1" for a process on this machine) at a port
  // the system picks. An error names the address and the reason.
  static Result<std::shared_ptr<EventListener>> open(boost::asio::io_context& io,
                                                     const std::string& address, OnEvent on_event);

  unsigned short port() const { return port_; }
  // The program's connection sent something that is not gtest's protocol.
  bool protocol_error() const { return protocol_error_; }
  bool program_connected() const { return program_ != nullptr; }
  // Some process sent gtest's protocol version: the program can stream (a listing sends only
  // that line).
  bool version_seen() const { return version_seen_; }

  // The process has ended: calls `then` once every event the program sent has been handed over
  // (its connection closed, or it never connected), or after `patience` at most. Events stop then.
  void finish(std::chrono::milliseconds patience, std::function<void()> then);
  // Reads what has arrived on every connection now, handing its events over.
  void drain();
  // Stops listening and reading now; no more events.
  void close();

  ~EventListener();
  EventListener(const EventListener&) = delete;
  EventListener& operator=(const EventListener&) = delete;

 private:
  struct Connection {
    explicit Connection(boost::asio::io_context& io) : socket(io) {}
    boost::asio::ip::tcp::socket socket;
    std::array<char, 64 * 1024> buffer;
    std::string line;            // an unfinished line
    bool line_too_long = false;  // dropping the rest of a line over the limit
    StreamDecoder decoder;
    enum class Role { undecided, program, other } role = Role::undecided;
    bool closed = false;
  };

  EventListener(boost::asio::io_context& io, OnEvent on_event);
  void accept_more();
  void adopt(const std::shared_ptr<Connection>& connection);
  void wait_for_bytes(const std::shared_ptr<Connection>& connection);
  void read_now(Connection& connection);
  void tick();
  void on_bytes(Connection& connection, std::string_view bytes);
  void on_line(Connection& connection, std::string_view line);
  // Accepts what is already waiting, without blocking (a process that ended may have connected
  // just before).
  void accept_waiting();
  void maybe_finished();

  boost::asio::io_context& io_;
  OnEvent on_event_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::list<std::shared_ptr<Connection>> connections_;
  std::shared_ptr<Connection> program_;
  bool protocol_error_ = false;
  bool version_seen_ = false;
  bool closed_ = false;
  std::function<void()> finished_;
  boost::asio::steady_timer patience_timer_;
  boost::asio::steady_timer tick_timer_;
  bool ticking_ = false;
};

}  // namespace procpool::gtest
