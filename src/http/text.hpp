// ASCII helpers for HTTP field syntax (RFC 9110 §5.6): optional whitespace and case folding.
#pragma once

#include <string_view>

namespace candela::http {

// OWS: space or horizontal tab.
constexpr bool is_ows(char c) noexcept {
  return c == ' ' || c == '\t';
}

// Lower-cases ASCII letters only; field names and most tokens are case-insensitive ASCII.
constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

// `s` without leading and trailing OWS.
constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back()))
    s.remove_suffix(1);
  return s;
}

}  // namespace candela::http
