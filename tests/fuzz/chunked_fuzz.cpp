// Fuzzes ChunkedDecoder: any split of the input gives the same result, and encoding a random
// body with random chunk sizes, extensions and trailers round-trips and stops at the exact end.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "http/parser.hpp"

namespace {

using candela::http::ChunkedDecoder;
using Result = ChunkedDecoder::Result;

void check(bool ok) {
  if (!ok) std::abort();
}

struct Outcome {
  Result result = Result::kNeedMore;
  std::string body;
  std::size_t consumed = 0;
  bool operator==(const Outcome&) const = default;
};

// Feeds `in` as consecutive pieces cut at `cuts` (ascending offsets), each in its own
// exactly-sized heap copy so AddressSanitizer sees any read past a piece.
template <std::size_t N>
Outcome decode_split(std::string_view in, const std::size_t (&cuts)[N], std::size_t max_trailer) {
  ChunkedDecoder d(max_trailer);
  Outcome out;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= N; ++i) {
    const std::size_t end = i < N ? cuts[i] : in.size();
    if (end < begin) continue;
    const std::size_t n = end - begin;
    std::unique_ptr<char[]> piece(new char[n == 0 ? 1 : n]);
    if (n != 0) std::memcpy(piece.get(), in.data() + begin, n);
    std::size_t used = 0;
    out.result =
        d.decode(std::string_view(piece.get(), n), used, [&](const char* p, std::size_t len) {
          check(p >= piece.get() && p + len <= piece.get() + n);
          out.body.append(p, len);
        });
    check(used <= n);
    out.consumed += used;
    if (out.result != Result::kNeedMore) break;
    check(used == n);
    begin = end;
  }
  check(d.body_bytes() == out.body.size());
  return out;
}

// Raw bytes as a chunked stream: splitting anywhere must not change anything.
void fuzz_raw(std::string_view in, std::size_t max_trailer) {
  const std::size_t none[1] = {in.size()};
  const Outcome whole = decode_split(in, none, max_trailer);
  check(whole.consumed <= in.size());
  if (whole.result == Result::kNeedMore) check(whole.consumed == in.size());
  const std::size_t step = in.size() <= 512 ? 1 : in.size() / 128;
  for (std::size_t k = 0; k <= in.size(); k += step) {
    const std::size_t one[1] = {k};
    check(decode_split(in, one, max_trailer) == whole);
  }
  if (in.size() <= 256) {  // one byte at a time
    Outcome bytes;
    ChunkedDecoder d(max_trailer);
    for (std::size_t i = 0; i < in.size(); ++i) {
      std::size_t used = 0;
      bytes.result = d.decode(in.substr(i, 1), used,
                              [&](const char* p, std::size_t n) { bytes.body.append(p, n); });
      bytes.consumed += used;
      if (bytes.result != Result::kNeedMore) break;
    }
    check(bytes == whole);
  }
}

// Builds a valid encoding of a body taken from the input and checks it decodes back.
void fuzz_round_trip(std::string_view in) {
  if (in.size() < 4) return;
  const std::uint8_t seed = static_cast<std::uint8_t>(in[0]);
  const std::size_t max_chunk = 1 + static_cast<std::uint8_t>(in[1]);
  const std::string_view body = in.substr(2);
  std::string encoded;
  std::size_t pos = 0;
  unsigned salt = seed;
  while (pos < body.size()) {
    salt = salt * 1103515245u + 12345u;
    const std::size_t n = std::min(body.size() - pos, 1 + (salt >> 16) % max_chunk);
    char hex[17];
    const int len = std::snprintf(hex, sizeof hex, (salt & 0x100) ? "%zX" : "%zx", n);
    if (salt & 0x200) encoded += "00";  // leading zeros are allowed
    encoded.append(hex, static_cast<std::size_t>(len));
    if (salt & 0x400) encoded += ";ext=\"v\"";
    if (salt & 0x800) encoded += " ;x";
    encoded += "\r\n";
    encoded.append(body.substr(pos, n));
    encoded += "\r\n";
    pos += n;
  }
  encoded += "0\r\n";
  if (seed & 1) encoded += "Trailer-A: 1\r\nB:\r\n";
  encoded += "\r\n";
  const std::size_t end = encoded.size();
  encoded += "GET /next HTTP/1.1\r\n";  // the start of the next message must be left alone

  const std::size_t none[1] = {encoded.size()};
  const Outcome whole = decode_split(encoded, none, 8 * 1024);
  check(whole.result == Result::kDone && whole.body == body && whole.consumed == end);
  const std::size_t cuts[3] = {seed % (end + 1), (seed * 7u) % (end + 1), end};
  const Outcome split = decode_split(encoded, cuts, 8 * 1024);
  check(split == whole);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    fuzz_round_trip(in);
  } else {
    fuzz_raw(in, data[0] & 2 ? 16 : 8 * 1024);
  }
  return 0;
}
