// Support centres and the duty schedule in the store.
#include "control/support_config.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>
#include <set>

#include "control/audit_log.hpp"
#include "control/countries.hpp"
#include "control/principal_audit.hpp"
#include "control/store_guard.hpp"
#include "control/support_access.hpp"

namespace candela::control {
namespace {

constexpr std::size_t kMaxTextLength = 200;

nlohmann::json schedule_json(const std::vector<ScheduleEntry>& schedule) {
  auto out = nlohmann::json::array();
  for (const auto& e : schedule) {
    auto days = nlohmann::json::array();
    for (int d : e.days)
      days.push_back(weekday_name(d));
    out.push_back({{"centre", e.centre},
                   {"days", days},
                   {"start", format_clock_time(e.start_minute)},
                   {"end", format_clock_time(e.end_minute)},
                   {"priority", e.priority}});
  }
  return out;
}

nlohmann::json centre_json(const SupportCentre& c) {
  return {{"code", c.code},
          {"name", c.name},
          {"city", c.city},
          {"country", c.country},
          {"languages", c.languages}};
}

std::vector<std::string> parse_string_array(const std::string& text) {
  std::vector<std::string> out;
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return out;
  for (const auto& item : parsed)
    if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

}  // namespace

Result<std::vector<SupportCentre>> support_centres(soci::session& session) {
  return guarded("could not read the support centres", [&]() -> Result<std::vector<SupportCentre>> {
    std::vector<SupportCentre> centres;
    SupportCentre row;
    std::string languages;
    soci::statement st = (session.prepare << "SELECT code, name, city, country, languages"
                                             " FROM support_centres ORDER BY position, code",
                          soci::into(row.code), soci::into(row.name), soci::into(row.city),
                          soci::into(row.country), soci::into(languages));
    st.execute();
    while (st.fetch()) {
      row.languages = parse_string_array(languages);
      centres.push_back(row);
    }
    return centres;
  });
}

Result<std::vector<ScheduleEntry>> support_schedule(soci::session& session) {
  return guarded(
      "could not read the support schedule", [&]() -> Result<std::vector<ScheduleEntry>> {
        std::vector<ScheduleEntry> schedule;
        ScheduleEntry row;
        std::string days;
        soci::statement st =
            (session.prepare << "SELECT centre_code, days, start_minute, end_minute, priority"
                                " FROM support_schedule ORDER BY position, id",
             soci::into(row.centre), soci::into(days), soci::into(row.start_minute),
             soci::into(row.end_minute), soci::into(row.priority));
        st.execute();
        while (st.fetch()) {
          row.days.clear();
          for (const auto& name : parse_string_array(days))
            if (auto d = parse_weekday(name)) row.days.push_back(*d);
          schedule.push_back(row);
        }
        return schedule;
      });
}

Result<std::vector<ScheduleEntry>> replace_support_schedule(
    soci::session& session, const Clock& clock, const Principal& actor,
    const std::vector<ScheduleEntry>& schedule, const std::string& reason) {
  if (auto allowed = require_provider_admin(actor, "change the support schedule"); !allowed.ok())
    return Error{allowed.failure()};
  auto centres = support_centres(session);
  if (!centres.ok()) return Error{centres.failure()};
  std::vector<std::string> codes;
  for (const auto& c : *centres)
    codes.push_back(c.code);
  if (auto valid = validate_schedule(schedule, codes); !valid.ok()) return Error{valid.failure()};
  auto before = support_schedule(session);
  if (!before.ok()) return Error{before.failure()};

  auto stored = guarded("could not store the support schedule", [&]() -> Status {
    session << "DELETE FROM support_schedule";
    int position = 0;
    for (const auto& e : schedule) {
      ++position;
      auto days = nlohmann::json::array();
      for (int d : e.days)
        days.push_back(weekday_name(d));
      const std::string days_text = days.dump();
      session << "INSERT INTO support_schedule"
                 " (position, centre_code, days, start_minute, end_minute, priority)"
                 " VALUES (:p, :c, :d, :s, :e, :pr)",
          soci::use(position), soci::use(e.centre), soci::use(days_text), soci::use(e.start_minute),
          soci::use(e.end_minute), soci::use(e.priority);
    }
    return ok_status();
  });
  if (!stored.ok()) return Error{stored.failure()};

  auto entry = audit_entry(actor, "support_schedule", "schedule", "update");
  entry.reason = reason;
  entry.details =
      nlohmann::json{{"before", schedule_json(*before)}, {"after", schedule_json(schedule)}}.dump();
  if (auto audited = AuditLog(session, clock).append(entry); !audited.ok())
    return Error{audited.failure()};
  return support_schedule(session);
}

Result<SupportCentre> update_support_centre(soci::session& session, const Clock& clock,
                                            const Principal& actor, const SupportCentre& centre,
                                            const std::string& reason) {
  if (auto allowed = require_provider_admin(actor, "change support centres"); !allowed.ok())
    return Error{allowed.failure()};
  auto centres = support_centres(session);
  if (!centres.ok()) return Error{centres.failure()};
  const SupportCentre* current = nullptr;
  for (const auto& c : *centres)
    if (c.code == centre.code) current = &c;
  if (current == nullptr)
    return Error{"support centre \"" + centre.code + "\" does not exist", ErrorKind::kNotFound};

  Error error{"the support centre is not valid", ErrorKind::kInvalid};
  if (centre.name.empty() || centre.name.size() > kMaxTextLength)
    error.fields.emplace_back("/name", "must be 1 to 200 characters");
  if (centre.city.empty() || centre.city.size() > kMaxTextLength)
    error.fields.emplace_back("/city", "must be 1 to 200 characters");
  if (!is_iso_country_code(centre.country))
    error.fields.emplace_back("/country", "must be an ISO 3166-1 alpha-2 code such as IE");
  if (centre.languages.empty())
    error.fields.emplace_back("/languages", "must list at least one language");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < centre.languages.size(); ++i) {
    const auto& lang = centre.languages[i];
    const std::string at = "/languages/" + std::to_string(i);
    if (!is_iso639_1(lang))
      error.fields.emplace_back(at, "\"" + lang + "\" is not an ISO 639-1 code such as en or es");
    else if (!seen.insert(lang).second)
      error.fields.emplace_back(at, "\"" + lang + "\" is listed twice");
  }
  if (!error.fields.empty()) return error;

  const std::string languages = nlohmann::json(centre.languages).dump();
  auto stored = guarded("could not store the support centre", [&]() -> Status {
    session << "UPDATE support_centres SET name = :n, city = :c, country = :co, languages = :l"
               " WHERE code = :code",
        soci::use(centre.name), soci::use(centre.city), soci::use(centre.country),
        soci::use(languages), soci::use(centre.code);
    return ok_status();
  });
  if (!stored.ok()) return Error{stored.failure()};
  auto entry = audit_entry(actor, "support_centre", centre.code, "update");
  entry.reason = reason;
  entry.details =
      nlohmann::json{{"before", centre_json(*current)}, {"after", centre_json(centre)}}.dump();
  if (auto audited = AuditLog(session, clock).append(entry); !audited.ok())
    return Error{audited.failure()};
  return centre;
}

}  // namespace candela::control
