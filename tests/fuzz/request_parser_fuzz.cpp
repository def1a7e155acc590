// Fuzzes parse_request_head: views stay inside the input, and every prefix agrees with the whole.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "http/parser.hpp"

namespace {

using candela::http::BodyFraming;
using candela::http::ParseLimits;
using candela::http::ParseResult;
using candela::http::ParseStatus;
using candela::http::RequestHead;

void check(bool ok) {
  if (!ok) std::abort();
}

bool inside(std::string_view v, std::string_view buf) {
  return v.empty() || (v.data() >= buf.data() && v.data() + v.size() <= buf.data() + buf.size());
}

bool no_line_breaks(std::string_view v) {
  return v.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Parses a copy of exactly `n` bytes, so that AddressSanitizer catches any read past the end.
ParseResult parse_copy(const std::uint8_t* data, std::size_t n, const ParseLimits& limits,
                       RequestHead& head, std::unique_ptr<char[]>& keep) {
  keep.reset(new char[n == 0 ? 1 : n]);
  if (n != 0) std::memcpy(keep.get(), data, n);
  return candela::http::parse_request_head(std::string_view(keep.get(), n), limits, head);
}

void check_head(const RequestHead& h, std::string_view buf, const ParseLimits& limits) {
  check(h.head_size > 0 && h.head_size <= buf.size());
  const std::string_view head = buf.substr(0, h.head_size);
  check(!h.method.empty() && inside(h.method, head));
  check(!h.target.empty() && inside(h.target, head));
  check(h.path == "/" || inside(h.path, head));
  check(inside(h.query, head) && inside(h.host, head));
  check(h.version_minor == 0 || h.version_minor == 1);
  check(h.headers.size() <= limits.max_header_count);
  check(h.head_size <= limits.max_header_bytes);
  for (const auto& f : h.headers) {
    check(!f.name.empty() && inside(f.name, head) && inside(f.value, head));
    check(no_line_breaks(f.name) && no_line_breaks(f.value));
    check(f.name.find_first_of(" \t:") == std::string_view::npos);
  }
  check(no_line_breaks(h.target) && no_line_breaks(h.host));
  if (h.version_minor == 1) check(h.headers.count("host") == 1);
  const bool te = h.headers.contains("transfer-encoding");
  const bool cl = h.headers.contains("content-length");
  check(!(te && cl));  // the smuggling rule: never both
  switch (h.framing) {
    case BodyFraming::kChunked:
      check(te && h.version_minor == 1);
      break;
    case BodyFraming::kContentLength:
      check(cl && h.content_length <= limits.max_body_bytes);
      break;
    case BodyFraming::kNone:
      check(!te && !cl && h.content_length == 0);
      break;
    case BodyFraming::kUntilClose:
      check(false);  // never for a request
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks limits, so small limits (and their edge cases) get exercised too.
  ParseLimits limits;
  if (data[0] & 1) {
    limits.max_request_line = 16 + (data[0] >> 3);
    limits.max_header_bytes = 32 + 4 * (data[0] >> 1);
    limits.max_header_count = 1 + (data[0] >> 5);
    limits.max_body_bytes = data[0];
  }
  ++data;
  --size;

  RequestHead whole;
  std::unique_ptr<char[]> whole_buf;
  const ParseResult r = parse_copy(data, size, limits, whole, whole_buf);
  check((r.status == ParseStatus::kError) == (r.error != candela::http::ParseError::kNone));
  check((r.status == ParseStatus::kError) == !r.detail.empty());
  if (r.status == ParseStatus::kComplete) check_head(whole, {whole_buf.get(), size}, limits);

  // Splitting the input anywhere (a prefix arriving first) must give kIncomplete or the
  // same verdict: the result never depends on how the bytes were split into reads.
  const std::size_t step = size <= 1024 ? 1 : size / 256;
  RequestHead part;  // reused, as a connection reuses its head
  for (std::size_t n = 0; n < size; n += step) {
    std::unique_ptr<char[]> buf;
    const ParseResult p = parse_copy(data, n, limits, part, buf);
    if (p.status == ParseStatus::kIncomplete) {
      check(r.status != ParseStatus::kComplete || n < whole.head_size);
      continue;
    }
    check(p.status == r.status && p.error == r.error);
    if (p.status == ParseStatus::kComplete) {
      check(part.head_size == whole.head_size && part.headers.size() == whole.headers.size());
      check(part.framing == whole.framing && part.content_length == whole.content_length);
      check(part.keep_alive == whole.keep_alive && part.method == whole.method);
      check(part.host == whole.host && part.path == whole.path);
    }
  }
  return 0;
}
