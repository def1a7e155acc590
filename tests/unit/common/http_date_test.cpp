// Tests for HTTP-date parsing and formatting (RFC 9110 §5.6.7).
#include "common/http_date.hpp"

#include <gtest/gtest.h>

#include <string>

namespace candela {
namespace {

constexpr std::int64_t k1994 = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT

TEST(HttpDate, ParsesAllThreeRfcFormatsToTheSameInstant) {
  for (const char* text : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                           "Sun Nov  6 08:49:37 1994"}) {
    const auto t = parse_http_date(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(to_unix_seconds(*t), k1994) << text;
  }
}

// Names are matched without regard to case, as cache-tests' optimal expires-parse cases ask.
TEST(HttpDate, IgnoresTheCaseOfDayMonthAndZoneNames) {
  for (const char* text : {"SUN, 06 NOV 1994 08:49:37 gmt", "sunday, 06-nov-94 08:49:37 gMT"}) {
    const auto t = parse_http_date(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(to_unix_seconds(*t), k1994) << text;
  }
}

TEST(HttpDate, RejectsGarbageAndNearMisses) {
  for (const char* text : {"", "0", "-1", "garbage", "Sun, 06 Nov 1994 08:49:37",  // no GMT
                           "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT",
                           "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                           "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                           "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ",
                           " Sun, 06 Nov 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
                           "Sun Nov 6 08:49:37 1994", "Sunday, 06-Nov-1994 08:49:37 GMT",
                           "Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:3a GMT"}) {
    EXPECT_FALSE(parse_http_date(text).has_value()) << '"' << text << '"';
  }
}

TEST(HttpDate, AcceptsLeapDayOnlyInLeapYears) {
  EXPECT_TRUE(parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT").has_value());
  EXPECT_TRUE(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT").has_value());
  EXPECT_FALSE(parse_http_date("Mon, 29 Feb 1900 00:00:00 GMT").has_value());
  EXPECT_FALSE(parse_http_date("Fri, 29 Feb 2023 00:00:00 GMT").has_value());
}

TEST(HttpDate, MatchesNamesCaseInsensitively) {
  const auto t = parse_http_date("sun, 06 NOV 1994 08:49:37 GMT");
  ASSERT_TRUE(t);
  EXPECT_EQ(to_unix_seconds(*t), k1994);
}

TEST(HttpDate, Rfc850TwoDigitYearUsesFixedPivotWithoutReference) {
  EXPECT_EQ(to_unix_seconds(*parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT")), 0);
  EXPECT_EQ(to_unix_seconds(*parse_http_date("Saturday, 01-Jan-00 00:00:00 GMT")), 946684800);
}

TEST(HttpDate, Rfc850YearMoreThanFiftyYearsAheadIsTakenFromThePastCentury) {
  const SysTime now = *parse_http_date("Wed, 01 Jan 2025 00:00:00 GMT");
  // "74" → 2074 is within 50 years of 2025; "80" → 2080 is more, so 1980.
  EXPECT_EQ(to_unix_seconds(*parse_http_date("Monday, 01-Jan-74 00:00:00 GMT", now)),
            to_unix_seconds(*parse_http_date("Mon, 01 Jan 2074 00:00:00 GMT")));
  EXPECT_EQ(to_unix_seconds(*parse_http_date("Tuesday, 01-Jan-80 00:00:00 GMT", now)),
            to_unix_seconds(*parse_http_date("Tue, 01 Jan 1980 00:00:00 GMT")));
}

TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(format_http_date(from_unix_seconds(k1994)), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(from_unix_seconds(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(format_http_date(from_unix_seconds(951782400)), "Tue, 29 Feb 2000 00:00:00 GMT");
}

TEST(HttpDate, FormatTruncatesSubSeconds) {
  const SysTime t = from_unix_seconds(k1994) + std::chrono::milliseconds(999);
  EXPECT_EQ(format_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(HttpDate, BufferVariantWritesExactly29CharactersAndNothingElse) {
  char buf[kHttpDateLength + 1];
  buf[kHttpDateLength] = '#';
  format_http_date(from_unix_seconds(k1994), buf);
  EXPECT_EQ(std::string(buf, kHttpDateLength), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(buf[kHttpDateLength], '#');
}

TEST(HttpDate, RoundTripsEveryDayOverFourCenturies) {
  // Each day from 1900 to 2261 (a full leap-year cycle plus): format then parse.
  for (std::int64_t s = -2208988800; s < 9200000000; s += 86400 + 3661) {
    const std::string text = format_http_date(from_unix_seconds(s));
    const auto back = parse_http_date(text);
    ASSERT_TRUE(back.has_value()) << text;
    ASSERT_EQ(to_unix_seconds(*back), s) << text;
  }
}

TEST(HttpDate, ClampsDatesBeyondTheClockRange) {
  const auto t = parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, SysTime::max());
}

}  // namespace
}  // namespace candela
