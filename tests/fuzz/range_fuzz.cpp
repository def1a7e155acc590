// Fuzz target: Range parsing yields ranges inside the object, coalesced, and consistent layouts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "cache/range.hpp"

using namespace candela::cache;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // First two bytes choose the object length (small, so ranges hit its edges often).
  const std::uint64_t length = (static_cast<std::uint64_t>(data[0]) << 8) | data[1];
  const std::string_view value(reinterpret_cast<const char*>(data + 2), size - 2);

  const RangeRequest r = parse_range(value, length);
  switch (r.status) {
    case RangeStatus::kIgnore:
    case RangeStatus::kUnsatisfiable:
      if (r.count != 0) std::abort();
      if (r.status == RangeStatus::kUnsatisfiable && length == 0) std::abort();
      return 0;
    case RangeStatus::kSatisfiable:
      break;
  }
  if (r.count == 0 || r.count > kMaxRanges || length == 0) std::abort();
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < r.count; ++i) {
    const ByteRange& a = r.ranges[i];
    if (a.first > a.last || a.last >= length) std::abort();
    total += a.length();
    for (std::size_t j = i + 1; j < r.count; ++j) {
      const ByteRange& b = r.ranges[j];
      // After coalescing no two ranges overlap or touch.
      if (!(a.last + 1 < b.first || b.last + 1 < a.first)) std::abort();
    }
    char buf[kMaxContentRangeLength];
    const std::size_t n = format_content_range(a, length, buf);
    if (n > kMaxContentRangeLength || std::memcmp(buf, "bytes ", 6) != 0) std::abort();
  }
  if (total > length) std::abort();

  const MultipartBody body = build_multipart_byteranges(r.view(), length, "text/plain", "B0UND");
  std::uint64_t sum = 0;
  std::uint64_t slices = 0;
  for (const BodyPiece& p : body.pieces) {
    if (p.kind == BodyPiece::Kind::kSlice) {
      if (p.offset + p.length > length) std::abort();
      slices += p.length;
    } else if (p.length != p.text.size()) {
      std::abort();
    }
    sum += p.length;
  }
  if (sum != body.content_length || slices != total) std::abort();
  return 0;
}
