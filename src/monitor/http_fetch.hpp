// A one-shot asynchronous HTTP/1.1 client for the monitor: one request per connection, one
// deadline for the whole exchange, so a slow or dead peer never holds up the caller's loop.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace boost::asio {
class io_context;
}

namespace candela::monitor {

struct HostPort {
  std::string host;  // without brackets for IPv6
  std::string port;
};

// "host:port" or "[v6]:port" (the edges' address and admin_address form).
Result<HostPort> parse_host_port(std::string_view text);

struct FetchRequest {
  HostPort peer;
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;  // besides Host and Connection
  std::string body;                                          // sent with content_type if set
  std::string content_type = "application/json";
  std::chrono::milliseconds timeout{1000};  // connect, send and the whole answer together
  std::size_t max_body_bytes = 16u << 20;
};

struct FetchReply {
  int status = 0;
  std::string body;
};

// An Error means no complete answer arrived (refused, timed out, closed, too large); HTTP error
// statuses are replies. `done` runs exactly once, on `io`'s thread.
using FetchDone = std::function<void(Result<FetchReply>)>;
void async_fetch(boost::asio::io_context& io, FetchRequest request, FetchDone done);

}  // namespace candela::monitor
