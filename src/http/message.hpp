// Parsed HTTP/1.x message heads. Views point into the buffer that was parsed.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

#include "http/headers.hpp"

namespace candela::http {

// How the body of a message is delimited (RFC 9112 §6.3).
enum class BodyFraming : std::uint8_t {
  kNone,           // no body (e.g. GET without Content-Length, 204, 304, response to HEAD)
  kContentLength,  // exactly content_length bytes
  kChunked,        // chunked transfer coding
  kUntilClose,     // response body ends when the connection closes
};

struct RequestHead {
  std::string_view method;
  std::string_view target;  // request-target as sent (any of the four forms)
  // Target without the query. A view into the buffer for origin- and absolute-form; the static
  // "/" for asterisk-form and for an absolute-form target without a path; empty for CONNECT.
  std::string_view path;
  std::string_view query;  // after '?', without it; empty if none
  std::string_view host;   // Host field, or the authority of an absolute/authority-form target;
                           // port kept; empty only for HTTP/1.0 without Host
  int version_minor = 1;   // HTTP/1.<version_minor>
  HeaderView headers;
  BodyFraming framing = BodyFraming::kNone;
  std::uint64_t content_length = 0;
  bool keep_alive = true;        // after connection/version rules
  bool expect_continue = false;  // "Expect: 100-continue"
  std::size_t head_size = 0;     // bytes of (skipped empty lines,) request line, fields, CRLF

  // Resets every member but keeps the field vector's capacity (no allocation per message).
  void clear() {
    HeaderView kept = std::move(headers);
    kept.clear();
    *this = RequestHead();
    headers = std::move(kept);
  }
};

struct ResponseHead {
  int status = 0;
  std::string_view reason;
  int version_minor = 1;
  HeaderView headers;
  BodyFraming framing = BodyFraming::kNone;
  std::uint64_t content_length = 0;  // a valid Content-Length, even when framing is kNone (HEAD)
  bool keep_alive = true;            // false also when the body is delimited by close
  std::size_t head_size = 0;

  // Resets every member but keeps the field vector's capacity (no allocation per message).
  void clear() {
    HeaderView kept = std::move(headers);
    kept.clear();
    *this = ResponseHead();
    headers = std::move(kept);
  }
};

}  // namespace candela::http
