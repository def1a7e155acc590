#include "common/money.hpp"

#include <cstdlib>

namespace candela {
namespace {

constexpr long long kMaxAmountMinor = 10'000'000'000'000LL;  // 10^13

// "1234" → "1,234".
std::string group_thousands(const std::string& digits) {
  std::string out;
  const std::size_t lead = digits.size() % 3;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (i + 3 - lead) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

struct Parts {
  bool negative = false;
  std::string whole;     // decimal digits of the major units
  std::string fraction;  // two digits
};

Parts split(long long minor) {
  Parts parts;
  parts.negative = minor < 0;
  // Through unsigned so that the most negative value does not overflow.
  const unsigned long long magnitude = parts.negative
                                           ? 0ULL - static_cast<unsigned long long>(minor)
                                           : static_cast<unsigned long long>(minor);
  parts.whole = std::to_string(magnitude / 100);
  const unsigned long long cents = magnitude % 100;
  parts.fraction =
      std::string(1, static_cast<char>('0' + cents / 10)) + static_cast<char>('0' + cents % 10);
  return parts;
}

}  // namespace

long long divide_rounded(Int128 numerator, Int128 denominator) {
  if (denominator <= 0) std::abort();  // a programming error: every caller divides by a count
  const bool negative = numerator < 0;
  const Int128 magnitude = negative ? -numerator : numerator;
  Int128 quotient = magnitude / denominator;
  const Int128 remainder = magnitude % denominator;
  if (remainder * 2 >= denominator) ++quotient;  // half (and more) rounds away from zero
  return static_cast<long long>(negative ? -quotient : quotient);
}

std::string format_amount(long long minor) {
  const Parts parts = split(minor);
  return (parts.negative ? "-" : "") + parts.whole + "." + parts.fraction;
}

std::string format_money(long long minor, std::string_view currency) {
  const Parts parts = split(minor);
  return std::string(currency) + " " + (parts.negative ? "-" : "") + group_thousands(parts.whole) +
         "." + parts.fraction;
}

std::optional<long long> parse_amount(std::string_view text) {
  std::size_t at = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++at;
  long long whole = 0;
  std::size_t whole_digits = 0;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
    whole = whole * 10 + (text[at] - '0');
    if (whole > kMaxAmountMinor) return std::nullopt;  // stops long inputs from overflowing
    ++whole_digits;
    ++at;
  }
  if (whole_digits == 0) return std::nullopt;
  long long fraction = 0;
  if (at < text.size()) {
    if (text[at] != '.') return std::nullopt;
    ++at;
    const std::size_t fraction_digits = text.size() - at;
    if (fraction_digits < 1 || fraction_digits > 2) return std::nullopt;
    for (; at < text.size(); ++at) {
      if (text[at] < '0' || text[at] > '9') return std::nullopt;
      fraction = fraction * 10 + (text[at] - '0');
    }
    if (fraction_digits == 1) fraction *= 10;
  }
  const long long minor = whole * 100 + fraction;
  if (minor > kMaxAmountMinor) return std::nullopt;
  return negative ? -minor : minor;
}

}  // namespace candela
