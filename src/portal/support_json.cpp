// Support JSON: rendering and strict reading.
#include "portal/support_json.hpp"

#include <cmath>
#include <cstdio>

namespace candela::portal {
namespace {

std::string at(const std::string& base, std::size_t index) {
  return base + "/" + std::to_string(index);
}

std::optional<std::vector<std::string>> read_string_list(JsonReader& reader,
                                                         const std::string& pointer,
                                                         std::size_t max_length) {
  const nlohmann::json* list = reader.array(pointer);
  if (list == nullptr) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto item = reader.string(at(pointer, i), true, max_length);
    if (item) {
      out.push_back(*item);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

// An optional role member of `item`; absent or null means none (a wrong type is recorded).
std::optional<control::Role> read_role(JsonReader& reader, const nlohmann::json& item,
                                       const std::string& base, const char* member) {
  const auto found = item.find(member);
  if (found == item.end() || found->is_null()) return std::nullopt;
  const std::string pointer = base + "/" + member;
  auto text = reader.string(pointer, true, 64);
  if (!text) return std::nullopt;
  auto role = control::parse_role(*text);
  if (!role) {
    reader.add_error(pointer, "unknown role \"" + *text + "\"");
  }
  return role;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string decimal(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

}  // namespace

nlohmann::json support_centre_json(const control::SupportCentre& centre) {
  return {{"code", centre.code},
          {"name", centre.name},
          {"city", centre.city},
          {"country", centre.country},
          {"languages", centre.languages}};
}

nlohmann::json schedule_entry_json(const control::ScheduleEntry& entry) {
  auto days = nlohmann::json::array();
  for (int d : entry.days)
    days.push_back(control::weekday_name(d));
  return {{"centre", entry.centre},
          {"days", days},
          {"start", control::format_clock_time(entry.start_minute)},
          {"end", control::format_clock_time(entry.end_minute)},
          {"priority", entry.priority}};
}

nlohmann::json severity_level_json(const control::SeverityLevel& level) {
  return {{"severity", level.severity},
          {"name", level.name},
          {"definition", level.definition},
          {"examples", level.examples},
          {"initial_response_minutes", level.initial_response.count()},
          {"update_interval_minutes", level.update_interval.count()},
          {"restoration_minutes", level.restoration.count()}};
}

nlohmann::json escalation_level_json(const control::EscalationLevel& level) {
  const auto role = [](const std::optional<control::Role>& r) {
    return r ? nlohmann::json(control::role_name(*r)) : nlohmann::json(nullptr);
  };
  return {{"level", level.level},
          {"name", level.name},
          {"notify_role", role(level.notify_role)},
          {"notify_account_team_role", role(level.notify_account_team_role)},
          {"notify_user_ids", level.notify_user_ids}};
}

nlohmann::json mttr_report_json(const control::MttrReport& report) {
  auto rows = nlohmann::json::array();
  for (const auto& row : report.rows) {
    rows.push_back({{"month", row.month},
                    {"customer_number", row.customer_number},
                    {"customer_name", row.customer_name},
                    {"severity", row.severity},
                    {"tickets", row.tickets},
                    {"mttr_minutes", row.mttr_minutes},
                    {"excluded_pending_minutes", row.excluded_pending_minutes}});
  }
  auto totals = nlohmann::json::array();
  for (const auto& total : report.totals) {
    totals.push_back({{"severity", total.severity},
                      {"tickets", total.tickets},
                      {"mttr_minutes", total.mttr_minutes ? nlohmann::json(*total.mttr_minutes)
                                                          : nlohmann::json(nullptr)},
                      {"excluded_pending_minutes", total.excluded_pending_minutes}});
  }
  return {{"rule", report.rule}, {"rows", rows}, {"totals", totals}};
}

std::string mttr_report_csv(const control::MttrReport& report) {
  std::string body =
      "month,customer_number,customer_name,severity,tickets,mttr_minutes,"
      "excluded_pending_minutes\r\n";
  for (const auto& row : report.rows) {
    body += row.month + "," + csv_field(row.customer_number) + "," + csv_field(row.customer_name) +
            "," + std::to_string(row.severity) + "," + std::to_string(row.tickets) + "," +
            decimal(row.mttr_minutes) + "," + decimal(row.excluded_pending_minutes) + "\r\n";
  }
  return body;
}

std::optional<std::vector<control::ScheduleEntry>> read_schedule(JsonReader& reader) {
  reader.reject_unknown("", {"schedule", "reason"});
  reader.string("/reason", false, kMaxSupportReasonLength);
  const nlohmann::json* list = reader.array("/schedule");
  if (list == nullptr) return std::nullopt;
  std::vector<control::ScheduleEntry> schedule;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string base = at("/schedule", i);
    if (reader.object(base) == nullptr) continue;
    reader.reject_unknown(base, {"centre", "days", "start", "end", "priority"});
    control::ScheduleEntry entry;
    entry.centre = reader.string(base + "/centre", true, 16).value_or("");
    if (auto days = read_string_list(reader, base + "/days", 16)) {
      for (std::size_t d = 0; d < days->size(); ++d) {
        if (auto day = control::parse_weekday((*days)[d])) {
          entry.days.push_back(*day);
        } else {
          reader.add_error(at(base + "/days", d),
                           "must be one of mon, tue, wed, thu, fri, sat, sun");
        }
      }
    }
    if (auto start = reader.string(base + "/start", true, 16)) {
      if (auto minute = control::parse_clock_time(*start, false)) {
        entry.start_minute = *minute;
      } else {
        reader.add_error(base + "/start", "must be a UTC time HH:MM from 00:00 to 23:59");
      }
    }
    if (auto end = reader.string(base + "/end", true, 16)) {
      if (auto minute = control::parse_clock_time(*end, true)) {
        // "00:00" as an end means midnight at the end of the day.
        entry.end_minute = *minute == 0 ? control::kMinutesPerDay : *minute;
      } else {
        reader.add_error(base + "/end", "must be a UTC time HH:MM from 00:00 to 24:00");
      }
    }
    entry.priority = static_cast<int>(
        reader.integer(base + "/priority", false, 1, 1000).value_or(static_cast<long long>(i) + 1));
    schedule.push_back(std::move(entry));
  }
  if (!reader.ok()) return std::nullopt;
  return schedule;
}

std::optional<control::SeverityLevel> read_severity_level(JsonReader& reader, int severity) {
  reader.reject_unknown("", {"name", "definition", "examples", "initial_response_minutes",
                             "update_interval_minutes", "restoration_minutes", "reason"});
  reader.string("/reason", false, kMaxSupportReasonLength);
  control::SeverityLevel level;
  level.severity = severity;
  level.name = reader.string("/name", true, 100).value_or("");
  level.definition = reader.string("/definition", true, 2000).value_or("");
  level.examples = read_string_list(reader, "/examples", 500).value_or(std::vector<std::string>{});
  constexpr long long kMax = 90LL * 24 * 60;
  level.initial_response =
      std::chrono::minutes(reader.integer("/initial_response_minutes", true, 1, kMax).value_or(0));
  level.update_interval =
      std::chrono::minutes(reader.integer("/update_interval_minutes", true, 1, kMax).value_or(0));
  level.restoration =
      std::chrono::minutes(reader.integer("/restoration_minutes", true, 1, kMax).value_or(0));
  if (!reader.ok()) return std::nullopt;
  return level;
}

std::optional<std::vector<control::EscalationLevel>> read_escalation_levels(JsonReader& reader) {
  reader.reject_unknown("", {"levels", "reason"});
  reader.string("/reason", false, kMaxSupportReasonLength);
  const nlohmann::json* list = reader.array("/levels");
  if (list == nullptr) return std::nullopt;
  std::vector<control::EscalationLevel> levels;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string base = at("/levels", i);
    if (reader.object(base) == nullptr) continue;
    reader.reject_unknown(
        base, {"level", "name", "notify_role", "notify_account_team_role", "notify_user_ids"});
    control::EscalationLevel level;
    level.level = static_cast<int>(reader.integer(base + "/level", true, 1, 100).value_or(0));
    level.name = reader.string(base + "/name", true, 100).value_or("");
    level.notify_role = read_role(reader, (*list)[i], base, "notify_role");
    level.notify_account_team_role =
        read_role(reader, (*list)[i], base, "notify_account_team_role");
    if (const nlohmann::json* users = reader.array(base + "/notify_user_ids", false)) {
      for (std::size_t u = 0; u < users->size(); ++u) {
        if (auto id = reader.integer(at(base + "/notify_user_ids", u), true, 1))
          level.notify_user_ids.push_back(*id);
      }
    }
    levels.push_back(std::move(level));
  }
  if (!reader.ok()) return std::nullopt;
  return levels;
}

std::optional<control::SupportCentre> read_support_centre(JsonReader& reader,
                                                          const std::string& code) {
  reader.reject_unknown("", {"name", "city", "country", "languages", "reason"});
  reader.string("/reason", false, kMaxSupportReasonLength);
  control::SupportCentre centre;
  centre.code = code;
  centre.name = reader.string("/name", true, 200).value_or("");
  centre.city = reader.string("/city", true, 200).value_or("");
  centre.country = reader.string("/country", true, 8).value_or("");
  centre.languages =
      read_string_list(reader, "/languages", 16).value_or(std::vector<std::string>{});
  if (!reader.ok()) return std::nullopt;
  return centre;
}

}  // namespace candela::portal
