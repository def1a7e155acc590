// Syntax check of Structured Field dictionaries (RFC 8941 §4.2.2) for targeted cache fields.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace candela::cache {

// The type of a dictionary member's value; a member without `=` is the Boolean true.
enum class SfValueType : std::uint8_t {
  kInteger,
  kDecimal,
  kString,
  kToken,
  kByteSequence,
  kBoolean,
  kDate,
  kInnerList,
};

// Walks one field line as a Structured Field dictionary and calls `on_member(key, type)` for
// each member. Returns false on a syntax error or when `on_member` returns false; the caller
// must then ignore the whole field (RFC 8941 §4.2, RFC 9213 §2.1). Unlike RFC 8941, keys may
// contain upper-case letters, because cache directive names have always been case-insensitive.
bool walk_sf_dictionary(
    std::string_view line,
    const std::function<bool(std::string_view key, SfValueType type)>& on_member);

}  // namespace candela::cache
