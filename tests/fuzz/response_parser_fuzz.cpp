// Fuzzes parse_response_head: views stay inside the input, and every prefix agrees with the whole.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "http/parser.hpp"

namespace {

using candela::http::BodyFraming;
using candela::http::ParseError;
using candela::http::ParseLimits;
using candela::http::ParseResult;
using candela::http::ParseStatus;
using candela::http::ResponseHead;

void check(bool ok) {
  if (!ok) std::abort();
}

bool inside(std::string_view v, std::string_view buf) {
  return v.empty() || (v.data() >= buf.data() && v.data() + v.size() <= buf.data() + buf.size());
}

ParseResult parse_copy(const std::uint8_t* data, std::size_t n, std::string_view method,
                       const ParseLimits& limits, ResponseHead& head,
                       std::unique_ptr<char[]>& keep) {
  keep.reset(new char[n == 0 ? 1 : n]);
  if (n != 0) std::memcpy(keep.get(), data, n);
  return candela::http::parse_response_head(std::string_view(keep.get(), n), method, limits, head);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "CONNECT"};
  const std::string_view method = kMethods[data[0] & 3];
  ParseLimits limits;
  if (data[0] & 4) {
    limits.max_request_line = 16 + (data[0] >> 3);
    limits.max_header_bytes = 32 + 4 * (data[0] >> 3);
    limits.max_header_count = 1 + (data[0] >> 5);
  }
  ++data;
  --size;

  ResponseHead whole;
  std::unique_ptr<char[]> whole_buf;
  const ParseResult r = parse_copy(data, size, method, limits, whole, whole_buf);
  check(r.status != ParseStatus::kError || r.error == ParseError::kBadResponse);
  if (r.status == ParseStatus::kComplete) {
    const std::string_view head(whole_buf.get(), whole.head_size);
    check(whole.head_size > 0 && whole.head_size <= size);
    check(whole.status >= 100 && whole.status <= 999);
    check(inside(whole.reason, head));
    for (const auto& f : whole.headers) {
      check(!f.name.empty() && inside(f.name, head) && inside(f.value, head));
      check(f.value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos);
    }
    const bool te = whole.headers.contains("transfer-encoding");
    const bool cl = whole.headers.contains("content-length");
    check(!(te && cl));
    if (whole.framing == BodyFraming::kChunked) check(te);
    if (whole.framing == BodyFraming::kContentLength) check(cl);
    if (whole.framing == BodyFraming::kUntilClose) check(!whole.keep_alive);
    if (method == "HEAD" || whole.status == 204 || whole.status == 304 ||
        (whole.status >= 100 && whole.status < 200)) {
      check(whole.framing == BodyFraming::kNone);
    }
  }

  const std::size_t step = size <= 1024 ? 1 : size / 256;
  ResponseHead part;
  for (std::size_t n = 0; n < size; n += step) {
    std::unique_ptr<char[]> buf;
    const ParseResult p = parse_copy(data, n, method, limits, part, buf);
    if (p.status == ParseStatus::kIncomplete) {
      check(r.status != ParseStatus::kComplete || n < whole.head_size);
      continue;
    }
    check(p.status == r.status && p.error == r.error);
    if (p.status == ParseStatus::kComplete) {
      check(part.head_size == whole.head_size && part.status == whole.status);
      check(part.framing == whole.framing && part.content_length == whole.content_length);
      check(part.keep_alive == whole.keep_alive && part.headers.size() == whole.headers.size());
    }
  }
  return 0;
}
