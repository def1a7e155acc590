// The follow-the-sun schedule without a store: coverage validation and the on-duty choice at
// many UTC hours and languages.
#include "control/support_schedule.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace candela::control {
namespace {

using namespace std::chrono;

const std::vector<int> kEveryDay = {0, 1, 2, 3, 4, 5, 6};

std::vector<SupportCentre> default_centres() {
  return {{"BRM", "Broomfield", "Broomfield, CO", "US", {"en", "es"}},
          {"TUL", "Tulsa", "Tulsa, OK", "US", {"en"}},
          {"DUB", "Dublin", "Dublin", "IE", {"en", "ga", "fr", "de"}},
          {"LON", "London", "London", "GB", {"en", "fr", "es", "it"}}};
}

std::vector<std::string> codes() {
  return {"BRM", "TUL", "DUB", "LON"};
}

// The migration's defaults: DUB 06–14, LON 10–18, BRM 14–22, TUL 22–06, priority in that order.
std::vector<ScheduleEntry> default_schedule() {
  return {{"DUB", kEveryDay, 6 * 60, 14 * 60, 1},
          {"LON", kEveryDay, 10 * 60, 18 * 60, 2},
          {"BRM", kEveryDay, 14 * 60, 22 * 60, 3},
          {"TUL", kEveryDay, 22 * 60, 6 * 60, 4}};
}

// 2026-11-23 is a Monday.
SysTime at(int day_of_month, int hour, int minute = 0) {
  return sys_days{year{2026} / November / day_of_month} + hours(hour) + minutes(minute);
}

struct RoutingCase {
  int day;
  int hour;
  int minute;
  const char* language;
  const char* centre;
  bool matched;
};

class DefaultRouting : public ::testing::TestWithParam<RoutingCase> {};

TEST_P(DefaultRouting, PicksTheCentreOnDuty) {
  const auto& c = GetParam();
  const auto schedule = default_schedule();
  const auto centres = default_centres();
  auto choice = choose_on_duty(schedule, centres, at(c.day, c.hour, c.minute), c.language);
  ASSERT_TRUE(choice.has_value());
  EXPECT_EQ(choice->centre->code, c.centre)
      << c.day << " " << c.hour << ":" << c.minute << " " << c.language;
  EXPECT_EQ(choice->language_matched, c.matched);
}

INSTANTIATE_TEST_SUITE_P(
    Hours, DefaultRouting,
    ::testing::Values(RoutingCase{23, 8, 0, "en", "DUB", true},    // only Dublin
                      RoutingCase{23, 12, 0, "es", "LON", true},   // Dublin lacks es
                      RoutingCase{23, 12, 0, "en", "DUB", true},   // both: priority
                      RoutingCase{23, 12, 0, "de", "DUB", true},   // only Dublin speaks de
                      RoutingCase{23, 12, 0, "it", "LON", true},   // only London speaks it
                      RoutingCase{23, 16, 0, "es", "LON", true},   // LON and BRM: priority
                      RoutingCase{23, 16, 0, "en", "LON", true},   // LON and BRM
                      RoutingCase{23, 16, 0, "fr", "LON", true},   // BRM lacks fr
                      RoutingCase{23, 19, 0, "es", "BRM", true},   // London has closed
                      RoutingCase{23, 19, 0, "fr", "BRM", false},  // nobody: first on duty
                      RoutingCase{23, 3, 0, "en", "TUL", true},    // Tulsa, after midnight
                      RoutingCase{23, 3, 0, "es", "TUL", false},   // Tulsa has no es
                      RoutingCase{23, 22, 0, "en", "TUL", true},   // Tulsa starts at 22:00
                      RoutingCase{23, 21, 59, "en", "BRM", true},  // end is exclusive
                      RoutingCase{23, 5, 59, "en", "TUL", true},   // last minute of Tulsa
                      RoutingCase{23, 6, 0, "en", "DUB", true},    // Dublin takes over
                      RoutingCase{23, 14, 0, "en", "LON", true},   // Dublin has closed
                      RoutingCase{23, 14, 0, "ga", "LON", false},  // nobody speaks ga now
                      RoutingCase{29, 0, 0, "en", "TUL", true},    // Sunday midnight
                      RoutingCase{23, 12, 0, "es-MX", "LON", true},
                      RoutingCase{23, 12, 0, "ES", "LON", true},
                      RoutingCase{23, 12, 0, "", "DUB", false}));

TEST(SupportSchedule, AShiftAcrossMidnightBelongsToTheDayItStarts) {
  // Tulsa's Monday 22:00–06:00 shift covers Monday 23:00 and Tuesday 03:00; Tuesday's night is
  // Broomfield's (a 24-hour rota on every other hour makes the schedule complete).
  std::vector<ScheduleEntry> schedule = {{"DUB", kEveryDay, 6 * 60, 22 * 60, 1},
                                         {"TUL", {0}, 22 * 60, 6 * 60, 1},
                                         {"BRM", {1, 2, 3, 4, 5, 6}, 22 * 60, 6 * 60, 1}};
  EXPECT_TRUE(validate_schedule(schedule, codes()).ok());
  const auto centres = default_centres();
  EXPECT_EQ(choose_on_duty(schedule, centres, at(23, 23), "en")->centre->code, "TUL");  // Mon
  EXPECT_EQ(choose_on_duty(schedule, centres, at(24, 3), "en")->centre->code, "TUL");   // Tue
  EXPECT_EQ(choose_on_duty(schedule, centres, at(23, 3), "en")->centre->code, "BRM");   // Mon
  EXPECT_EQ(choose_on_duty(schedule, centres, at(24, 23), "en")->centre->code, "BRM");  // Tue
  // Sunday's night shift runs into Monday morning.
  EXPECT_TRUE(covers(schedule[2], 0, 5 * 60 + 59));
  EXPECT_FALSE(covers(schedule[2], 0, 6 * 60));
  EXPECT_FALSE(covers(schedule[1], 0, 3 * 60));
  EXPECT_TRUE(covers(schedule[1], 1, 0));
}

TEST(SupportSchedule, DefaultScheduleCoversTheWholeWeek) {
  EXPECT_TRUE(validate_schedule(default_schedule(), codes()).ok());
}

TEST(SupportSchedule, AGapIsNamedByDayAndHours) {
  auto schedule = default_schedule();
  schedule.erase(schedule.begin() + 2);  // no Broomfield: 18:00–22:00 uncovered
  schedule[0].days = {0, 1, 2, 3, 4};    // Dublin off at weekends: 06:00–10:00 uncovered
  auto status = validate_schedule(schedule, codes());
  ASSERT_FALSE(status.ok());
  std::vector<std::string> messages;
  for (const auto& [where, message] : status.failure().fields) {
    EXPECT_EQ(where, "/schedule");
    messages.push_back(message);
  }
  const std::vector<std::string> expected = {
      "no centre on duty on mon 18:00–22:00 UTC", "no centre on duty on tue 18:00–22:00 UTC",
      "no centre on duty on wed 18:00–22:00 UTC", "no centre on duty on thu 18:00–22:00 UTC",
      "no centre on duty on fri 18:00–22:00 UTC", "no centre on duty on sat 06:00–10:00 UTC",
      "no centre on duty on sat 18:00–22:00 UTC", "no centre on duty on sun 06:00–10:00 UTC",
      "no centre on duty on sun 18:00–22:00 UTC"};
  EXPECT_EQ(messages, expected);
}

TEST(SupportSchedule, AMissingNightAfterAShiftEndingAtMidnightIsAGap) {
  std::vector<ScheduleEntry> schedule = {{"DUB", kEveryDay, 0, 24 * 60, 1}};
  EXPECT_TRUE(validate_schedule(schedule, codes()).ok());
  schedule = {{"DUB", kEveryDay, 6 * 60, 24 * 60, 1}, {"TUL", {1, 2, 3, 4, 5, 6}, 0, 6 * 60, 1}};
  auto status = validate_schedule(schedule, codes());
  ASSERT_FALSE(status.ok());
  ASSERT_EQ(status.failure().fields.size(), 1u);
  EXPECT_EQ(status.failure().fields[0].second, "no centre on duty on mon 00:00–06:00 UTC");
}

TEST(SupportSchedule, BadEntriesAreLocated) {
  auto schedule = default_schedule();
  schedule[1].centre = "PAR";
  schedule[2].days = {};
  schedule[3].days = {1, 1};
  schedule[0].priority = 0;
  schedule[0].end_minute = schedule[0].start_minute;
  auto status = validate_schedule(schedule, codes());
  ASSERT_FALSE(status.ok());
  std::vector<std::string> where;
  for (const auto& field : status.failure().fields)
    where.push_back(field.first);
  const std::vector<std::string> expected = {"/schedule/0/end", "/schedule/0/priority",
                                             "/schedule/1/centre", "/schedule/2/days",
                                             "/schedule/3/days"};
  EXPECT_EQ(where, expected);
  EXPECT_FALSE(validate_schedule({}, codes()).ok());
}

TEST(SupportSchedule, ClockTimes) {
  EXPECT_EQ(parse_clock_time("00:00", false), 0);
  EXPECT_EQ(parse_clock_time("06:30", false), 390);
  EXPECT_EQ(parse_clock_time("23:59", false), 1439);
  EXPECT_EQ(parse_clock_time("24:00", true), 1440);
  EXPECT_FALSE(parse_clock_time("24:00", false));
  EXPECT_FALSE(parse_clock_time("24:01", true));
  EXPECT_FALSE(parse_clock_time("6:00", false));
  EXPECT_FALSE(parse_clock_time("12:60", false));
  EXPECT_FALSE(parse_clock_time("12-00", false));
  EXPECT_FALSE(parse_clock_time("ab:cd", false));
  EXPECT_FALSE(parse_clock_time("12:00:00", false));
  EXPECT_EQ(format_clock_time(390), "06:30");
  EXPECT_EQ(format_clock_time(1440), "24:00");
}

TEST(SupportSchedule, WeekdaysAndLanguages) {
  EXPECT_EQ(parse_weekday("mon"), 0);
  EXPECT_EQ(parse_weekday("sun"), 6);
  EXPECT_FALSE(parse_weekday("Mon"));
  EXPECT_FALSE(parse_weekday("monday"));
  EXPECT_EQ(utc_day_minute(at(23, 8, 15)).day, 0);
  EXPECT_EQ(utc_day_minute(at(23, 8, 15)).minute, 495);
  EXPECT_EQ(utc_day_minute(at(29, 23, 59)).day, 6);
  EXPECT_TRUE(is_iso639_1("en"));
  EXPECT_TRUE(is_iso639_1("ga"));
  EXPECT_TRUE(is_iso639_1("zu"));
  EXPECT_FALSE(is_iso639_1("xx"));
  EXPECT_FALSE(is_iso639_1("EN"));
  EXPECT_FALSE(is_iso639_1("eng"));
  EXPECT_FALSE(is_iso639_1("e"));
  EXPECT_EQ(primary_language("pt-BR"), "pt");
  EXPECT_EQ(primary_language("FR_ca"), "fr");
}

}  // namespace
}  // namespace candela::control
