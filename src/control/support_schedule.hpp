// The follow-the-sun duty schedule as plain values: parsing "HH:MM" and day names, validation
// (known centres, 24x7 coverage with located errors naming each uncovered day and hours), and
// the choice of the centre on duty at an instant. No storage here; control/support_centres
// loads and stores it.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"
#include "control/support_centres.hpp"

namespace candela::control {

inline constexpr int kMinutesPerDay = 24 * 60;

// Day 0 = Monday … 6 = Sunday (ISO order), named "mon" … "sun" on the wire and in the store.
std::string_view weekday_name(int day);
std::optional<int> parse_weekday(std::string_view name);

// "HH:MM" with 00 ≤ HH ≤ 23 (or "24:00" when `allow_end_of_day`), 00 ≤ MM ≤ 59 → minute of day.
std::optional<int> parse_clock_time(std::string_view text, bool allow_end_of_day);
// Minute of day (0..1440) → "HH:MM"; 1440 is "24:00".
std::string format_clock_time(int minute);

// One shift: `centre` is on duty on `days` from start_minute (inclusive) to end_minute
// (exclusive). end_minute < start_minute crosses midnight: the hours after midnight belong to the
// day the shift started (a Monday 22:00–06:00 shift covers Tuesday 00:00–06:00).
struct ScheduleEntry {
  std::string centre;
  std::vector<int> days;  // 0..6, ascending, no repeats
  int start_minute = 0;   // 0..1439
  int end_minute = 0;     // 1..1440, != start_minute
  int priority = 1;       // 1 = first among centres on duty at the same time
  bool operator==(const ScheduleEntry&) const = default;
};

// Does `entry` cover minute `minute` (0..1439) of day `day` (0..6)?
bool covers(const ScheduleEntry& entry, int day, int minute);

// Everything wrong with a schedule, located at "/schedule/<i>/<field>", plus one error per
// uncovered stretch at "/schedule" ("no centre on duty on tue 06:00–10:00 UTC"). Ok when the
// schedule is valid and covers all 7 days × 24 h.
Status validate_schedule(const std::vector<ScheduleEntry>& schedule,
                         const std::vector<std::string>& known_centres);

// Which entry handles `at` for `language`: of the entries on duty, the first by priority
// (then schedule order) whose centre offers `language`, else the first by priority.
// `language` is compared by its primary subtag, lower-case ("es-MX" → "es"). Empty when no
// entry is on duty (a schedule that was not validated).
struct DutyChoice {
  const ScheduleEntry* entry = nullptr;
  const SupportCentre* centre = nullptr;
  bool language_matched = false;
};
std::optional<DutyChoice> choose_on_duty(const std::vector<ScheduleEntry>& schedule,
                                         const std::vector<SupportCentre>& centres, SysTime at,
                                         std::string_view language);

// The UTC weekday (0 = Monday) and minute of the day of `at`.
struct UtcDayMinute {
  int day = 0;
  int minute = 0;
};
UtcDayMinute utc_day_minute(SysTime at);

// "es-MX" → "es"; "EN" → "en".
std::string primary_language(std::string_view language);
// True for an ISO 639-1 code (two lower-case letters of the standard's list).
bool is_iso639_1(std::string_view code);

}  // namespace candela::control
