// A blocking HTTP/1.1 client for the edge's control-plane thread: one kept-alive connection to
// the portal, every step bounded by a timeout, and cancellable from another thread (shutdown).
// It runs its own io_context, never the serving loops.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace candela::edge {

struct PortalAddress {
  std::string host;
  std::string port;
  std::string url;  // as given, without a trailing '/'
};

// Accepts http://host[:port][/]. https is refused with a clear message: put the plain-HTTP side
// of a TLS proxy here until the edge speaks TLS to the portal.
Result<PortalAddress> parse_portal_address(std::string_view url);

struct PortalReply {
  int status = 0;
  std::string body;
  std::string www_authenticate;
};

class PortalConnection {
 public:
  explicit PortalConnection(PortalAddress address);
  ~PortalConnection();
  PortalConnection(const PortalConnection&) = delete;
  PortalConnection& operator=(const PortalConnection&) = delete;

  // Sends one request (a body of `content_type` when `body` is not empty) with "Authorization:
  // Bearer <token>" and waits up to `timeout` for each of connect, send and the whole answer. An
  // Error means no answer arrived (refused, timed out, closed, cancelled); HTTP errors are replies.
  Result<PortalReply> request(std::string_view method, std::string_view target,
                              std::string_view token, std::string_view body,
                              std::chrono::milliseconds timeout,
                              std::string_view content_type = "application/json");

  // Makes the request in progress (and every later one) fail at once. Thread-safe.
  void cancel();

  const PortalAddress& address() const { return address_; }

 private:
  struct Impl;
  PortalAddress address_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace candela::edge
