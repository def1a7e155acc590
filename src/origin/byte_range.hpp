// Single byte-range requests (RFC 9110 §14.2): the origin answers 206, 416 or ignores the field.
#pragma once

#include <cstdint>
#include <string_view>

namespace candela::origin {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
  std::uint64_t length() const { return last - first + 1; }
};

enum class RangeOutcome {
  kIgnore,         // no usable Range: serve the whole representation (200)
  kSatisfiable,    // serve `range` (206)
  kUnsatisfiable,  // 416 with Content-Range: bytes */size
};

struct RangeDecision {
  RangeOutcome outcome = RangeOutcome::kIgnore;
  ByteRange range;
};

// Interprets a Range field value for a representation of `size` bytes. Syntax errors, other units
// and multi-range requests are ignored (allowed by §14.2), which keeps the origin simple while a
// cache in front of it still sees the common single-range forms "a-b", "a-" and "-n".
RangeDecision decide_range(std::string_view field, std::uint64_t size);

}  // namespace candela::origin
