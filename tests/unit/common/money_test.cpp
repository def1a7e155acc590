// Tests for integer money: the one rounding rule, formatting and parsing of amounts.
#include "common/money.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace candela {
namespace {

TEST(Money, DivideRoundedRoundsHalfAwayFromZero) {
  struct Case {
    long long numerator;
    long long denominator;
    long long expected;
  };
  for (const Case& c :
       {Case{0, 7, 0}, Case{10, 5, 2}, Case{5, 2, 3}, Case{-5, 2, -3}, Case{3, 2, 2},
        Case{-3, 2, -2}, Case{1, 2, 1}, Case{-1, 2, -1}, Case{1, 3, 0}, Case{2, 3, 1},
        Case{-2, 3, -1}, Case{-1, 3, 0}, Case{249, 100, 2}, Case{250, 100, 3}, Case{251, 100, 3},
        Case{-249, 100, -2}, Case{-250, 100, -3}, Case{-251, 100, -3},
        // 50000 × 20 / 29 = 34482.758… ; 50000 × 19 / 28 = 33928.571…
        Case{50000LL * 20, 29, 34483}, Case{50000LL * 19, 28, 33929},
        // exactly .5: 15 / 2 → 8, 45 / 6 = 7.5 → 8
        Case{15, 2, 8}, Case{45, 6, 8}, Case{-45, 6, -8}}) {
    EXPECT_EQ(divide_rounded(c.numerator, c.denominator), c.expected)
        << c.numerator << " / " << c.denominator;
  }
}

TEST(Money, DivideRoundedKeepsProductsBeyond64Bits) {
  // 10^13 minor units × 10^9 bytes × 4500 overflows 64 bits; the quotient does not.
  const Int128 numerator = static_cast<Int128>(10'000'000'000'000LL) * 1'000'000'000LL * 4500;
  EXPECT_EQ(divide_rounded(numerator, static_cast<Int128>(1'000'000'000LL) * 4500),
            10'000'000'000'000LL);
  EXPECT_EQ(divide_rounded(numerator + 1, static_cast<Int128>(1'000'000'000LL) * 9000),
            5'000'000'000'000LL);
}

TEST(Money, FormatsPlainAmounts) {
  struct Case {
    long long minor;
    const char* text;
  };
  for (const Case& c :
       {Case{0, "0.00"}, Case{5, "0.05"}, Case{-5, "-0.05"}, Case{123456, "1234.56"},
        Case{-123456, "-1234.56"}, Case{100, "1.00"}, Case{1000000000, "10000000.00"},
        Case{std::numeric_limits<long long>::min(), "-92233720368547758.08"}}) {
    EXPECT_EQ(format_amount(c.minor), c.text) << c.minor;
  }
}

TEST(Money, FormatsAmountsForPeople) {
  struct Case {
    long long minor;
    const char* currency;
    const char* text;
  };
  for (const Case& c :
       {Case{123456, "USD", "USD 1,234.56"}, Case{-5, "USD", "USD -0.05"},
        Case{0, "USD", "USD 0.00"}, Case{99999, "EUR", "EUR 999.99"},
        Case{100000, "USD", "USD 1,000.00"}, Case{1234567, "USD", "USD 12,345.67"},
        Case{12345678, "USD", "USD 123,456.78"}, Case{123456789012, "GBP", "GBP 1,234,567,890.12"},
        Case{-100000000, "USD", "USD -1,000,000.00"}}) {
    EXPECT_EQ(format_money(c.minor, c.currency), c.text) << c.minor;
  }
  EXPECT_EQ(format_money(250), "USD 2.50");
}

TEST(Money, ParsesWhatPeopleType) {
  struct Case {
    const char* text;
    long long minor;
  };
  for (const Case& c :
       {Case{"500", 50000}, Case{"500.5", 50050}, Case{"500.50", 50050}, Case{"0.05", 5},
        Case{"-0.05", -5}, Case{"1234.56", 123456}, Case{"0", 0}, Case{"007.10", 710},
        Case{"100000000000", 10'000'000'000'000}, Case{"-100000000000.00", -10'000'000'000'000}}) {
    const auto parsed = parse_amount(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text;
    EXPECT_EQ(*parsed, c.minor) << c.text;
  }
}

TEST(Money, RejectsAnythingElse) {
  for (const char* text : {"",
                           "-",
                           ".",
                           ".5",
                           "500.",
                           "500.505",
                           "1e3",
                           "1,000",
                           "1 000",
                           "+5",
                           "--5",
                           "5-",
                           "USD 5",
                           "5.0a",
                           "0x10",
                           "100000000000.01",
                           "99999999999999999999999",
                           " 5",
                           "5 ",
                           "NaN",
                           "inf"}) {
    EXPECT_FALSE(parse_amount(text).has_value()) << '"' << text << '"';
  }
}

}  // namespace
}  // namespace candela
