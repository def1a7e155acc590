// GMT as notices print it: weekday, day, month, year, hours and minutes, and "GMT".
#include "control/gmt_time.hpp"

#include <gtest/gtest.h>

#include "control/database.hpp"

namespace candela::control {
namespace {

TEST(GmtTimeTest, FormatsWeekdayDateAndTimeInGmt) {
  EXPECT_EQ(format_gmt(from_epoch_ms(1796436000000)), "Sat 05 Dec 2026 02:00 GMT");
  EXPECT_EQ(format_gmt(from_epoch_ms(1796436000000 + 59'999)), "Sat 05 Dec 2026 02:00 GMT");
  EXPECT_EQ(format_gmt(from_epoch_ms(0)), "Thu 01 Jan 1970 00:00 GMT");
  // 2028-02-29T23:59:00Z: a leap day, just before midnight.
  EXPECT_EQ(format_gmt(from_epoch_ms(1835481540000)), "Tue 29 Feb 2028 23:59 GMT");
  // Summer: still GMT, never BST (the handbook's notices use one zone all year).
  EXPECT_EQ(format_gmt(from_epoch_ms(1782900000000)), "Wed 01 Jul 2026 10:00 GMT");
}

TEST(GmtTimeTest, DurationsInDaysHoursAndMinutes) {
  EXPECT_EQ(format_duration(std::chrono::minutes(270)), "4 h 30 min");
  EXPECT_EQ(format_duration(std::chrono::minutes(45)), "45 min");
  EXPECT_EQ(format_duration(std::chrono::minutes(60 * 24 * 2 + 180)), "2 d 3 h");
  EXPECT_EQ(format_duration(std::chrono::minutes(0)), "0 min");
}

}  // namespace
}  // namespace candela::control
