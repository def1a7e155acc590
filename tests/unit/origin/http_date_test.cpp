// HTTP date formatting and the three parse forms of RFC 9110 §5.6.7.
#include "origin/http_date.hpp"

#include <gtest/gtest.h>

namespace candela::origin {
namespace {

const SysTime kRfcExample = SysTime(std::chrono::seconds(784111777));  // 1994-11-06 08:49:37

TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(format_http_date(kRfcExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(SysTime{}), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(HttpDate, ParsesAllThreeAcceptedForms) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), kRfcExample);
}

TEST(HttpDate, RoundTripsAfterTheYear2038) {
  const SysTime t(std::chrono::seconds(4102444800LL + 3661));  // 2100-01-01 01:01:01
  EXPECT_EQ(format_http_date(t), "Fri, 01 Jan 2100 01:01:01 GMT");
  EXPECT_EQ(parse_http_date(format_http_date(t)), t);
}

TEST(HttpDate, RejectsMalformedDates) {
  EXPECT_FALSE(parse_http_date(""));
  EXPECT_FALSE(parse_http_date("yesterday"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT trailing"));
}

}  // namespace
}  // namespace candela::origin
