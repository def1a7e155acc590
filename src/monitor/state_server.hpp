// The monitor's own HTTP listener (--listen): GET /state, /healthz and /metrics, one request per
// connection, answered from the monitor's loop.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/listen_address.hpp"

namespace boost::asio {
class io_context;
}

namespace candela::monitor {

struct StateReply {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
};

// Answers a GET (or HEAD) of `path`; the query is not passed.
using StateHandler = std::function<StateReply(std::string_view path)>;

class StateServer {
 public:
  // Listens at once (throws std::runtime_error with a clear message when it cannot).
  StateServer(boost::asio::io_context& io, const http::ListenAddress& listen, StateHandler handler);
  ~StateServer();
  StateServer(const StateServer&) = delete;
  StateServer& operator=(const StateServer&) = delete;

  unsigned short port() const;
  void close();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace candela::monitor
