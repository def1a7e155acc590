// Parsing of the Range field for one byte range.
#include "origin/byte_range.hpp"

#include <charconv>
#include <optional>

#include "http/text.hpp"

namespace candela::origin {

namespace {
std::optional<std::uint64_t> parse_digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] + 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

RangeDecision decide_range(std::string_view field, std::uint64_t size) {
  RangeDecision ignore;
  field = http::trim_ows(field);
  const auto eq = field.find('=');
  if (eq == std::string_view::npos ||
      !iequals_ascii(http::trim_ows(field.substr(0, eq)), "bytes")) {
    return ignore;
  }
  const auto spec = http::trim_ows(field.substr(eq + 1));
  if (spec.find(',') != std::string_view::npos) return ignore;
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return ignore;
  const auto first_text = http::trim_ows(spec.substr(0, dash));
  const auto last_text = http::trim_ows(spec.substr(dash + 1));

  if (first_text.empty()) {  // suffix range: the last n bytes
    const auto n = parse_digits(last_text);
    if (!n) return ignore;
    if (*n == 0 || size == 0) return {RangeOutcome::kUnsatisfiable, {}};
    const auto len = *n < size ? *n : size;
    return {RangeOutcome::kSatisfiable, {size - len, size - 1}};
  }
  const auto first = parse_digits(first_text);
  if (!first) return ignore;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!last_text.empty()) {
    const auto parsed_last = parse_digits(last_text);
    if (!parsed_last || *parsed_last < *first) return ignore;
    if (*parsed_last < last) last = *parsed_last;
  }
  if (*first >= size) return {RangeOutcome::kUnsatisfiable, {}};
  return {RangeOutcome::kSatisfiable, {*first, last}};
}

}  // namespace candela::origin
