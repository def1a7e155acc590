// One request to an origin (or parent) over a pooled keep-alive connection, streamed into a body.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "cache/cache_object.hpp"
#include "http/headers.hpp"
#include "http/message.hpp"

namespace candela::edge {

class Worker;

struct OriginRequest {
  std::string host;  // where to connect (name or IP)
  std::uint16_t port = 80;
  std::string method;      // decides the framing of the response (HEAD has no body)
  std::string bytes;       // the whole request as sent: head and body
  bool idempotent = true;  // a failure on a reused connection may be retried on a fresh one
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds response_timeout{15000};
  std::chrono::milliseconds read_timeout{15000};
  std::string property_id;  // the bytes received are counted for this property's usage
};

struct OriginResponse {
  int status = 0;
  http::HeaderList headers;  // as received, framing fields included
  http::BodyFraming framing = http::BodyFraming::kNone;
  std::uint64_t content_length = 0;
};

enum class FetchError : std::uint8_t {
  kConnectFailed,    // → 502
  kTimeout,          // no response head in time → 504
  kBadResponse,      // unparseable or unsafely framed response → 502
  kConnectionReset,  // the origin closed before a response head → 502
};
const char* describe(FetchError e) noexcept;
int status_for(FetchError e) noexcept;

class OriginFetchHandler {
 public:
  virtual ~OriginFetchHandler() = default;
  // The response head arrived. Returns the object its body is written into (finished or failed
  // by the fetch), or null to drop the body (the connection is then closed, not reused).
  virtual cache::ObjectRef on_response_head(OriginResponse& response) = 0;
  // The fetch failed before a response head; the body buffer, if any, is not involved.
  virtual void on_fetch_error(FetchError error) = 0;
};

// Starts the fetch on `worker`'s event loop. The handler is kept alive until the fetch ends.
void start_origin_fetch(Worker& worker, OriginRequest request,
                        std::shared_ptr<OriginFetchHandler> handler);

}  // namespace candela::edge
