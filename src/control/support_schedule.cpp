// Schedule parsing, 24x7 coverage validation and the on-duty choice.
#include "control/support_schedule.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <set>

namespace candela::control {
namespace {

constexpr std::array<std::string_view, 7> kWeekdays = {"mon", "tue", "wed", "thu",
                                                       "fri", "sat", "sun"};

// ISO 639-1 (2002, with later additions), as two-letter codes.
constexpr std::string_view kIso639_1 =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv "
    "cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr "
    "ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw "
    "ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv "
    "ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr "
    "ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi "
    "yo za zh zu";

int two_digits(std::string_view text) {
  if (text.size() != 2 || !std::isdigit(static_cast<unsigned char>(text[0])) ||
      !std::isdigit(static_cast<unsigned char>(text[1])))
    return -1;
  return (text[0] - '0') * 10 + (text[1] - '0');
}

std::string where(std::size_t index, std::string_view field) {
  return "/schedule/" + std::to_string(index) + "/" + std::string(field);
}

// One error per contiguous uncovered stretch of a day.
void report_gaps(const std::vector<ScheduleEntry>& schedule, Error& error) {
  for (int day = 0; day < 7; ++day) {
    int gap_start = -1;
    for (int minute = 0; minute <= kMinutesPerDay; ++minute) {
      const bool covered =
          minute < kMinutesPerDay && std::any_of(schedule.begin(), schedule.end(),
                                                 [&](auto& e) { return covers(e, day, minute); });
      if (!covered && minute < kMinutesPerDay && gap_start < 0) gap_start = minute;
      if ((covered || minute == kMinutesPerDay) && gap_start >= 0) {
        error.fields.emplace_back("/schedule", "no centre on duty on " +
                                                   std::string(weekday_name(day)) + " " +
                                                   format_clock_time(gap_start) + "–" +
                                                   format_clock_time(minute) + " UTC");
        gap_start = -1;
      }
    }
  }
}

}  // namespace

std::string_view weekday_name(int day) {
  return day >= 0 && day < 7 ? kWeekdays[static_cast<std::size_t>(day)] : std::string_view{};
}

std::optional<int> parse_weekday(std::string_view name) {
  for (std::size_t i = 0; i < kWeekdays.size(); ++i)
    if (kWeekdays[i] == name) return static_cast<int>(i);
  return std::nullopt;
}

std::optional<int> parse_clock_time(std::string_view text, bool allow_end_of_day) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  const int hours = two_digits(text.substr(0, 2));
  const int minutes = two_digits(text.substr(3, 2));
  if (hours < 0 || minutes < 0 || minutes > 59) return std::nullopt;
  if (hours == 24 && minutes == 0 && allow_end_of_day) return kMinutesPerDay;
  if (hours > 23) return std::nullopt;
  return hours * 60 + minutes;
}

std::string format_clock_time(int minute) {
  const int hours = minute / 60;
  const int minutes = minute % 60;
  std::string out;
  out += static_cast<char>('0' + hours / 10);
  out += static_cast<char>('0' + hours % 10);
  out += ':';
  out += static_cast<char>('0' + minutes / 10);
  out += static_cast<char>('0' + minutes % 10);
  return out;
}

bool covers(const ScheduleEntry& entry, int day, int minute) {
  const auto on = [&](int d) {
    return std::find(entry.days.begin(), entry.days.end(), d) != entry.days.end();
  };
  if (entry.start_minute < entry.end_minute)
    return on(day) && minute >= entry.start_minute && minute < entry.end_minute;
  // Crosses midnight: the evening part on the day itself, the morning part on the next day.
  return (on(day) && minute >= entry.start_minute) ||
         (on((day + 6) % 7) && minute < entry.end_minute);
}

Status validate_schedule(const std::vector<ScheduleEntry>& schedule,
                         const std::vector<std::string>& known_centres) {
  Error error{"the support schedule is not valid", ErrorKind::kInvalid};
  if (schedule.empty()) error.fields.emplace_back("/schedule", "must list at least one shift");
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    const auto& entry = schedule[i];
    if (std::find(known_centres.begin(), known_centres.end(), entry.centre) == known_centres.end())
      error.fields.emplace_back(where(i, "centre"),
                                "unknown support centre \"" + entry.centre + "\"");
    if (entry.days.empty())
      error.fields.emplace_back(where(i, "days"), "must name at least one day");
    std::set<int> seen;
    for (int day : entry.days)
      if (day < 0 || day > 6 || !seen.insert(day).second)
        error.fields.emplace_back(where(i, "days"), "days must be distinct, mon to sun");
    if (entry.start_minute < 0 || entry.start_minute >= kMinutesPerDay)
      error.fields.emplace_back(where(i, "start"), "must be a time of day 00:00–23:59");
    if (entry.end_minute <= 0 || entry.end_minute > kMinutesPerDay)
      error.fields.emplace_back(where(i, "end"), "must be a time of day 00:01–24:00");
    if (entry.start_minute == entry.end_minute)
      error.fields.emplace_back(where(i, "end"), "a shift cannot end when it starts");
    if (entry.priority < 1) error.fields.emplace_back(where(i, "priority"), "must be 1 or more");
  }
  // Coverage only means something once every shift is well formed.
  if (error.fields.empty()) report_gaps(schedule, error);
  if (!error.fields.empty()) return error;
  return ok_status();
}

UtcDayMinute utc_day_minute(SysTime at) {
  using namespace std::chrono;
  const auto day_start = floor<days>(at);
  const weekday wd{sys_days(day_start)};
  const auto minute = duration_cast<minutes>(at - day_start).count();
  return {static_cast<int>(wd.iso_encoding()) - 1, static_cast<int>(minute)};
}

std::string primary_language(std::string_view language) {
  std::string out;
  for (char c : language) {
    if (c == '-' || c == '_') break;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool is_iso639_1(std::string_view code) {
  if (code.size() != 2) return false;
  for (std::size_t i = 0; i + 2 <= kIso639_1.size(); i += 3)
    if (kIso639_1.substr(i, 2) == code) return true;
  return false;
}

std::optional<DutyChoice> choose_on_duty(const std::vector<ScheduleEntry>& schedule,
                                         const std::vector<SupportCentre>& centres, SysTime at,
                                         std::string_view language) {
  const auto [day, minute] = utc_day_minute(at);
  const std::string wanted = primary_language(language);
  std::vector<const ScheduleEntry*> on_duty;
  for (const auto& entry : schedule)
    if (covers(entry, day, minute)) on_duty.push_back(&entry);
  // stable: equal priorities keep schedule order.
  std::stable_sort(on_duty.begin(), on_duty.end(),
                   [](auto* a, auto* b) { return a->priority < b->priority; });
  const auto centre_of = [&](const ScheduleEntry* e) -> const SupportCentre* {
    for (const auto& c : centres)
      if (c.code == e->centre) return &c;
    return nullptr;
  };
  std::optional<DutyChoice> first;
  for (const auto* entry : on_duty) {
    const SupportCentre* centre = centre_of(entry);
    if (centre == nullptr) continue;
    const bool speaks =
        !wanted.empty() && std::find(centre->languages.begin(), centre->languages.end(), wanted) !=
                               centre->languages.end();
    if (speaks) return DutyChoice{entry, centre, true};
    if (!first) first = DutyChoice{entry, centre, false};
  }
  return first;
}

}  // namespace candela::control
