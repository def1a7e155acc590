// One event loop (one thread) of the edge: its io_context, its origin connection pool and the
// client connections it owns. Internal to the edge; the only header that exposes Asio.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "edge/property_table.hpp"

namespace candela::edge {

class EdgeRuntime;
class ClientConnection;

class Worker {
 public:
  Worker(EdgeRuntime& runtime, unsigned index);
  ~Worker();

  boost::asio::io_context& io() { return io_; }
  EdgeRuntime& runtime() { return runtime_; }
  unsigned index() const { return index_; }

  // The property table this loop serves from; replaced on this loop's thread on reload.
  const std::shared_ptr<const PropertyTable>& properties() const { return properties_; }
  void set_properties(std::shared_ptr<const PropertyTable> table) {
    properties_ = std::move(table);
  }

  // Idle keep-alive connections to origins, by "host:port". Sockets belong to this loop.
  boost::asio::ip::tcp::socket take_pooled(const std::string& endpoint, bool& found);
  void give_back(const std::string& endpoint, boost::asio::ip::tcp::socket socket);

  // A clock read once per sweep tick: precise enough for timeouts of seconds, and free to read.
  std::chrono::steady_clock::time_point coarse_now() const { return coarse_now_; }
  // Starts the periodic sweep that enforces connection deadlines (on this loop's thread).
  void start_sweeping();

  // A connection waiting for a fill's outcome or for body bytes has no I/O pending that would
  // keep it alive; the loop holds it until it is woken (and releases it when the loop ends).
  // Callbacks from fills hold weak references only, so nothing leaks if a fill never ends.
  void park(std::shared_ptr<ClientConnection> c);
  // The parked connection, released from the loop's hold; null if it was not parked.
  std::shared_ptr<ClientConnection> unpark(ClientConnection* c);

  // Connection bookkeeping for graceful shutdown and deadlines.
  void attach(ClientConnection* c) { connections_.insert(c); }
  void detach(ClientConnection* c);
  // Stops new requests: idle connections close now, busy ones after their response.
  void begin_drain();
  bool draining() const { return draining_; }
  std::size_t connection_count() const { return connections_.size(); }

 private:
  static constexpr std::size_t kMaxIdlePerOrigin = 64;
  // Deadlines are checked by one timer per loop instead of one timer operation per request.
  static constexpr std::chrono::milliseconds kSweepInterval{250};

  void sweep();

  // Declared before io_ so that they outlive it: connections destroyed with the loop's
  // pending handlers still detach themselves from this set.
  EdgeRuntime& runtime_;
  unsigned index_;
  std::unordered_set<ClientConnection*> connections_;
  bool draining_ = false;
  // One thread runs this loop and only it touches the loop's sockets and timers, so the
  // reactor's per-socket locking is switched off; posting from other threads stays safe.
  boost::asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  std::shared_ptr<const PropertyTable> properties_;
  std::unordered_map<std::string, std::vector<boost::asio::ip::tcp::socket>> idle_origin_;
  boost::asio::steady_timer sweep_timer_{io_};
  std::chrono::steady_clock::time_point coarse_now_ = std::chrono::steady_clock::now();
  std::vector<std::weak_ptr<ClientConnection>> expired_;  // reused by sweep()
  std::unordered_map<ClientConnection*, std::shared_ptr<ClientConnection>> parked_;
};

}  // namespace candela::edge
