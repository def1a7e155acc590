// Byte range requests (RFC 9110 §14): parsing, If-Range, Content-Range and multipart layout.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"

namespace candela::cache {

// More range-specs than this and the Range field is ignored (the full response is sent):
// RFC 9110 §14.2 lets a server ignore requests for many ranges, a common denial-of-service.
inline constexpr std::size_t kMaxRanges = 16;

// An inclusive, satisfiable byte range within a representation.
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::uint64_t length() const noexcept { return last - first + 1; }
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

enum class RangeStatus : std::uint8_t {
  kIgnore,         // no usable Range: send 200 with the whole representation
  kSatisfiable,    // send 206 with `ranges`
  kUnsatisfiable,  // send 416 with Content-Range: bytes */length
};

struct RangeRequest {
  RangeStatus status = RangeStatus::kIgnore;
  std::array<ByteRange, kMaxRanges> ranges{};
  std::size_t count = 0;
  std::span<const ByteRange> view() const noexcept { return {ranges.data(), count}; }
};

// Parses a Range field value against a representation of `length` bytes, without allocating.
// - A unit other than "bytes" (case-insensitive), any syntactically invalid range-spec
//   (including last < first) or more than kMaxRanges specs → kIgnore (RFC 9110 §14.2).
// - Unsatisfiable specs are dropped; if none remain → kUnsatisfiable. A suffix longer than the
//   representation selects all of it; a last-pos past the end is cut to the end.
// - Overlapping or adjacent ranges are coalesced (sorted, then merged); ranges that do not
//   touch keep the client's order, as RFC 9110 §14.6 asks.
// - A zero-length representation → kIgnore (there is no byte a 206 could carry).
// Range applies to GET only; callers check the method (RFC 9110 §14.2).
RangeRequest parse_range(std::string_view value, std::uint64_t length) noexcept;

// If-Range (RFC 9110 §13.1.5): true when the range may be served. An entity-tag must match
// the stored ETag strongly (weak tags never match). A date must equal Last-Modified exactly,
// and Last-Modified must be strong: at least 60 s before the stored Date (RFC 9110 §8.8.2.2).
// Anything else (including garbage) is false: send the whole representation.
bool if_range_matches(std::string_view if_range, std::optional<std::string_view> etag,
                      std::optional<SysTime> last_modified, std::optional<SysTime> date) noexcept;

// "bytes 0-499/1234" is at most this long.
inline constexpr std::size_t kMaxContentRangeLength = 6 + 20 + 1 + 20 + 1 + 20;

// Writes "bytes first-last/length" to `out` (room for kMaxContentRangeLength); returns the size.
std::size_t format_content_range(ByteRange range, std::uint64_t length, char* out) noexcept;
std::string content_range(ByteRange range, std::uint64_t length);
// "bytes */length", for 416 responses.
std::string unsatisfied_content_range(std::uint64_t length);

// One piece of a response body: literal text, or a slice of the stored object.
struct BodyPiece {
  enum class Kind : std::uint8_t { kText, kSlice };
  Kind kind = Kind::kText;
  std::string text;          // kText
  std::uint64_t offset = 0;  // kSlice
  std::uint64_t length = 0;  // kSlice: bytes; kText: text.size()
};

// A multipart/byteranges body (RFC 9110 §14.6) described without copying the object.
struct MultipartBody {
  std::string content_type;  // "multipart/byteranges; boundary=..."
  std::vector<BodyPiece> pieces;
  std::uint64_t content_length = 0;  // sum of all piece lengths
};

// Builds the layout for `ranges` of a `length`-byte object whose own type is
// `part_content_type` (omitted from the parts when empty). `boundary` must not occur in the
// object; use make_boundary.
MultipartBody build_multipart_byteranges(std::span<const ByteRange> ranges, std::uint64_t length,
                                         std::string_view part_content_type,
                                         std::string_view boundary);

// A 24-character boundary derived from `seed` (pass something unpredictable per response,
// e.g. a random number), so objects cannot be crafted to contain it.
std::string make_boundary(std::uint64_t seed);

}  // namespace candela::cache
