// HTTP/1.1 message head parsing (RFC 9112) with limits that defend the edge from hostile input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/message.hpp"

namespace candela::http {

struct ParseLimits {
  std::size_t max_request_line = 8 * 1024;     // longer → 414
  std::size_t max_header_bytes = 32 * 1024;    // whole head; larger → 431
  std::size_t max_header_count = 128;          // more fields → 431
  std::uint64_t max_body_bytes = 64ull << 20;  // declared Content-Length larger → 413 (requests)
};

enum class ParseStatus : std::uint8_t {
  kComplete,    // `out` holds the head; the body (if any) starts at out.head_size
  kIncomplete,  // need more bytes
  kError,       // see ParseError
};

enum class ParseError : std::uint8_t {
  kNone,
  kBadRequest,           // 400: syntax, bad Host, ambiguous framing (CL+TE, conflicting CL, ...)
  kUriTooLong,           // 414
  kHeadersTooLarge,      // 431
  kBodyTooLarge,         // 413
  kUnsupportedCoding,    // 501: transfer coding other than chunked
  kVersionNotSupported,  // 505
  kBadResponse,          // an origin's response that cannot be framed safely (→ 502)
};

// The HTTP status code for an error, e.g. 431 for kHeadersTooLarge; 0 for kNone.
int status_for(ParseError e) noexcept;
// A short human explanation of the error, for the response body and the log.
std::string_view describe(ParseError e) noexcept;

struct ParseResult {
  ParseStatus status = ParseStatus::kIncomplete;
  ParseError error = ParseError::kNone;
  // Which rule refused the message (a string literal, empty unless kError), for logs and
  // debugging: e.g. "Content-Length together with Transfer-Encoding".
  std::string_view detail;
};

// Parses a request head from the start of `buffer`. Views in `out` point into `buffer`.
// Returns kIncomplete until the blank line that ends the head has arrived; enforces `limits`
// even on an incomplete head, so a slow or endless head is refused early. Lines may end in
// CRLF or a bare LF (RFC 9112 §2.2); a CR anywhere else is an error. Empty lines before the
// request line are skipped (§2.2) and count towards head_size and max_header_bytes.
ParseResult parse_request_head(std::string_view buffer, const ParseLimits& limits,
                               RequestHead& out);

// Parses an origin's response head. `request_method` decides framing for HEAD (and CONNECT);
// 1xx, 204 and 304 responses have no body. Every error is reported as kBadResponse.
// limits.max_body_bytes does not apply: an origin's object size is the cache's concern.
ParseResult parse_response_head(std::string_view buffer, std::string_view request_method,
                                const ParseLimits& limits, ResponseHead& out);

// Incremental decoder of the chunked transfer coding (RFC 9112 §7.1). Trailer fields are
// read and discarded (bounded by max_trailer_bytes). Unlike message heads, chunk framing
// must use CRLF: a bare LF is an error, because disagreement over chunk line endings is a
// known request smuggling vector and the edge must never guess.
class ChunkedDecoder {
 public:
  enum class Result : std::uint8_t { kNeedMore, kDone, kError };

  // Longest chunk extension (";name=value..." after the size) accepted on one chunk line.
  static constexpr std::size_t kMaxExtensionBytes = 1024;

  explicit ChunkedDecoder(std::size_t max_trailer_bytes = 8 * 1024)
      : max_trailer_bytes_(max_trailer_bytes) {}

  // Consumes bytes from `in`; calls `sink(const char*, size_t)` for each run of body data.
  // Sets `consumed` to how many bytes of `in` were used (the rest belongs to the next message
  // when kDone is returned). After kDone or kError, further calls consume nothing and return
  // the same result until reset().
  template <typename Sink>
  Result decode(std::string_view in, std::size_t& consumed, Sink&& sink);

  void reset() { *this = ChunkedDecoder(max_trailer_bytes_); }
  std::uint64_t body_bytes() const { return body_bytes_; }

 private:
  enum class State : std::uint8_t {
    kSize,          // hex digits of the chunk size
    kSizeWs,        // BWS after the size, before ';'
    kExt,           // chunk extension up to CR
    kSizeLf,        // LF after the size line's CR
    kData,          // chunk_remaining_ bytes of data
    kDataCr,        // CR after the data
    kDataLf,        // LF after the data
    kTrailerStart,  // start of a trailer field line, or CR of the final empty line
    kTrailerName,   // trailer field name up to ':'
    kTrailerValue,  // trailer field value up to CR
    kTrailerLf,     // LF after a trailer field line
    kFinalLf,       // LF of the final empty line
    kDone,
    kError,
  };

  // Advances over framing bytes from `pos`. Stops when body data is available at `pos`
  // (returns kNeedMore with `data_len` > 0, already accounted for), when `in` is exhausted
  // (kNeedMore, data_len 0), at the end of the message (kDone) or at a bad byte (kError).
  Result step(std::string_view in, std::size_t& pos, std::size_t& data_len);

  State state_ = State::kSize;
  std::uint64_t chunk_remaining_ = 0;
  std::uint64_t body_bytes_ = 0;
  std::size_t size_digits_ = 0;
  std::size_t ext_bytes_ = 0;
  std::size_t trailer_bytes_ = 0;
  std::size_t max_trailer_bytes_;
};

template <typename Sink>
ChunkedDecoder::Result ChunkedDecoder::decode(std::string_view in, std::size_t& consumed,
                                              Sink&& sink) {
  std::size_t pos = 0;
  for (;;) {
    std::size_t data_len = 0;
    const Result r = step(in, pos, data_len);
    if (data_len == 0) {
      consumed = pos;
      return r;
    }
    sink(in.data() + pos, data_len);
    pos += data_len;
  }
}

}  // namespace candela::http
