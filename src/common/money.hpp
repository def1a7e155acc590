// Money: always an integer count of the currency's minor unit (cents for USD), never floating
// point. Rounding rule, used everywhere a charge is derived (proration, usage, percentages):
// compute the exact fraction, then round once, half away from zero, to a whole minor unit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace candela {

// A 128-bit signed integer for exact intermediate products (GCC/Clang extension; the
// `__extension__` keeps -Wpedantic quiet). Use this name, not `__int128`, in callers.
__extension__ typedef __int128 Int128;

// round(numerator / denominator) half away from zero; denominator must be > 0. 128-bit
// intermediate values, so products of amounts, days and rates cannot overflow.
long long divide_rounded(Int128 numerator, Int128 denominator);

// "1234.56", "-0.05", "0.00": plain, two decimals, for CSV and machine-readable output.
std::string format_amount(long long minor);
// "USD 1,234.56", "USD -0.05": for people (invoices, notices, the UI's server-rendered pages).
std::string format_money(long long minor, std::string_view currency = "USD");

// Parses what a person types for an amount: optional "-", digits, optionally "." and one or two
// digits ("500", "500.5", "500.50"); no exponent, no thousands separators, at most
// 10^13 minor units. nullopt for anything else.
std::optional<long long> parse_amount(std::string_view text);

}  // namespace candela
