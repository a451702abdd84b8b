#include "procpool/adapters/gtest/event_listener.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include "procpool/runner/core/fd_io.hpp"

namespace procpool::gtest {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// An event line longer than this (a failure message of megabytes) keeps its first part: enough
// for any report, and one line cannot cost unbounded memory.
constexpr std::size_t kLongestLine = 1 << 20;
// A process opening connections without end is refused the rest.
constexpr std::size_t kMostConnections = 256;

}  // namespace

// A connection wakes the runner only once this much has arrived (or it closed): see the header.
constexpr int kWakeAt = 64 * 1024;
constexpr std::chrono::milliseconds kReadEvery{20};

EventListener::EventListener(asio::io_context& io, OnEvent on_event)
    : io_(io),
      on_event_(std::move(on_event)),
      acceptor_(io),
      patience_timer_(io),
      tick_timer_(io) {}

EventListener::~EventListener() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& connection : connections_) connection->socket.close(ignored);
}

Result<std::shared_ptr<EventListener>> EventListener::open(asio::io_context& io,
                                                           const std::string& address,
                                                           OnEvent on_event) {
  std::shared_ptr<EventListener> listener(new EventListener(io, std::move(on_event)));
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) return fail("cannot listen for gtest's events on '" + address + "': not an IP address");
  const tcp::endpoint endpoint(ip, 0);
  auto& acceptor = listener->acceptor_;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) keep_socket_from_children(acceptor.native_handle());
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) acceptor.non_blocking(true, ec);
  if (ec) {
    return fail_os(ec.value(),
                   "cannot listen for gtest's events on " + address + ": " + ec.message());
  }
  listener->port_ = acceptor.local_endpoint(ec).port();
  if (ec) return fail_os(ec.value(), "cannot listen for gtest's events: " + ec.message());
  listener->accept_more();
  return listener;
}

void EventListener::accept_more() {
  if (closed_) return;
  auto connection = std::make_shared<Connection>(io_);
  acceptor_.async_accept(connection->socket,
                         [self = shared_from_this(), connection](boost::system::error_code ec) {
                           if (ec || self->closed_) return;
                           self->adopt(connection);
                           self->accept_more();
                         });
}

void EventListener::accept_waiting() {
  while (!closed_) {
    auto connection = std::make_shared<Connection>(io_);
    boost::system::error_code ec;
    acceptor_.accept(connection->socket, ec);
    if (ec) return;  // nothing waiting (would block), or an error: either way, none to read
    adopt(connection);
  }
}

void EventListener::adopt(const std::shared_ptr<Connection>& connection) {
  if (connections_.size() >= kMostConnections) {
    boost::system::error_code ignored;
    connection->socket.close(ignored);
    return;
  }
  keep_socket_from_children(connection->socket.native_handle());
  boost::system::error_code ignored;  // where the system has no low watermark: woken sooner
  connection->socket.set_option(asio::socket_base::receive_low_watermark(kWakeAt), ignored);
  connection->socket.non_blocking(true, ignored);
  connections_.push_back(connection);
  read_now(*connection);  // what came with the connection; the rest as it arrives
  wait_for_bytes(connection);
  if (!ticking_) tick();
}

void EventListener::wait_for_bytes(const std::shared_ptr<Connection>& connection) {
  if (closed_ || connection->closed) return;
  // Readiness only: every read is read_now's, so bytes are handled in the order they came.
  connection->socket.async_wait(
      asio::socket_base::wait_read,
      [self = shared_from_this(), connection](boost::system::error_code ec) {
        if (ec || self->closed_) return;
        self->read_now(*connection);
        self->wait_for_bytes(connection);
      });
}

void EventListener::read_now(Connection& connection) {
  while (!closed_ && !connection.closed) {
    boost::system::error_code ec;
    const std::size_t n = connection.socket.read_some(asio::buffer(connection.buffer), ec);
    if (n > 0) {
      on_bytes(connection, std::string_view(connection.buffer.data(), n));
      // Less than a buffer: that was all there was. Reading on would chase a program still
      // writing, a few bytes a call; the next wake or tick reads the rest.
      if (n < connection.buffer.size()) return;
      continue;
    }
    if (ec == asio::error::would_block || ec == asio::error::try_again) return;
    if (ec == asio::error::interrupted) continue;
    // The end of the connection: a last line without its newline still counts.
    if (!connection.line.empty()) {
      const std::string last = std::move(connection.line);
      connection.line.clear();
      on_line(connection, last);
    }
    connection.closed = true;
    if (connection.role == Connection::Role::undecided) connection.role = Connection::Role::other;
    maybe_finished();
  }
}

void EventListener::drain() {
  // A copy: handing events over may close the listener.
  const auto connections = connections_;
  for (const auto& connection : connections) read_now(*connection);
}

void EventListener::tick() {
  ticking_ = true;
  tick_timer_.expires_after(kReadEvery);
  tick_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->ticking_ = false;
    if (ec || self->closed_) return;
    self->drain();
    if (!self->closed_) self->tick();
  });
}

void EventListener::on_bytes(Connection& connection, std::string_view bytes) {
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, newline);
    if (!connection.line_too_long) {
      const std::size_t room = kLongestLine - std::min(kLongestLine, connection.line.size());
      connection.line.append(piece.substr(0, room));
      if (piece.size() > room) connection.line_too_long = true;
    }
    if (newline == std::string_view::npos) break;
    std::string line = std::move(connection.line);
    connection.line.clear();
    connection.line_too_long = false;
    on_line(connection, line);
    bytes.remove_prefix(newline + 1);
  }
}

void EventListener::on_line(Connection& connection, std::string_view line) {
  if (connection.role == Connection::Role::other) return;
  ProgramEvent event;
  const auto status = connection.decoder.decode(line, event);
  using Status = StreamDecoder::Status;
  if (connection.role == Connection::Role::undecided) {
    if (status == Status::version) {
      version_seen_ = true;
      return;
    }
    // The program's connection is the first to start a program; a death test's child program
    // sends only the version, anything else is not gtest's.
    if (status == Status::event && event.kind == ProgramEvent::Kind::program_start && !program_) {
      connection.role = Connection::Role::program;
      for (auto& each : connections_) {
        if (each.get() == &connection) program_ = each;
      }
    } else {
      connection.role = Connection::Role::other;
      maybe_finished();
      return;
    }
  }
  if (status == Status::error) {
    protocol_error_ = true;
    return;
  }
  if (status == Status::event && on_event_) on_event_(event);
}

void EventListener::finish(std::chrono::milliseconds patience, std::function<void()> then) {
  accept_waiting();
  drain();
  finished_ = std::move(then);
  patience_timer_.expires_after(patience);
  patience_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || !self->finished_) return;
    auto then = std::move(self->finished_);
    self->finished_ = nullptr;
    self->close();
    then();
  });
  // From the loop, never inside finish(): the caller may not expect its callback yet.
  asio::post(io_, [self = shared_from_this()] { self->maybe_finished(); });
}

void EventListener::maybe_finished() {
  if (!finished_) return;
  for (const auto& connection : connections_) {
    if (connection->role == Connection::Role::undecided && !connection->closed) return;
  }
  if (program_ && !program_->closed) return;
  auto then = std::move(finished_);
  finished_ = nullptr;
  close();
  then();
}

void EventListener::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  patience_timer_.cancel();
  tick_timer_.cancel();
  acceptor_.close(ignored);
  for (auto& connection : connections_) connection->socket.close(ignored);
}

}  // namespace procpool::gtest
