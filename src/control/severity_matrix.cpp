// The severities matrix in the store.
#include "control/severity_matrix.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "control/audit_log.hpp"
#include "control/principal_audit.hpp"
#include "control/store_guard.hpp"
#include "control/support_access.hpp"

namespace candela::control {
namespace {

constexpr std::size_t kMaxNameLength = 100;
constexpr std::size_t kMaxDefinitionLength = 2000;
constexpr std::size_t kMaxExamples = 20;
constexpr std::size_t kMaxExampleLength = 500;
// A target longer than 90 days is surely a typing error.
constexpr long long kMaxTargetMinutes = 90LL * 24 * 60;

nlohmann::json level_json(const SeverityLevel& l) {
  return {{"severity", l.severity},
          {"name", l.name},
          {"definition", l.definition},
          {"examples", l.examples},
          {"initial_response_minutes", l.initial_response.count()},
          {"update_interval_minutes", l.update_interval.count()},
          {"restoration_minutes", l.restoration.count()}};
}

Result<std::vector<SeverityLevel>> load(soci::session& session, std::optional<int> only) {
  return guarded("could not read the severities matrix",
                 [&]() -> Result<std::vector<SeverityLevel>> {
                   std::vector<SeverityLevel> levels;
                   SeverityLevel row;
                   std::string examples;
                   int initial = 0, update = 0, restoration = 0;
                   const int wanted = only.value_or(0);
                   soci::statement st =
                       (session.prepare << "SELECT severity, name, definition, examples,"
                                           " initial_response_minutes, update_interval_minutes,"
                                           " restoration_minutes FROM severity_levels"
                                           " WHERE :w = 0 OR severity = :w2 ORDER BY severity",
                        soci::use(wanted), soci::use(wanted), soci::into(row.severity),
                        soci::into(row.name), soci::into(row.definition), soci::into(examples),
                        soci::into(initial), soci::into(update), soci::into(restoration));
                   st.execute();
                   while (st.fetch()) {
                     row.examples.clear();
                     const auto parsed = nlohmann::json::parse(examples, nullptr, false);
                     if (parsed.is_array())
                       for (const auto& e : parsed)
                         if (e.is_string()) row.examples.push_back(e.get<std::string>());
                     row.initial_response = std::chrono::minutes(initial);
                     row.update_interval = std::chrono::minutes(update);
                     row.restoration = std::chrono::minutes(restoration);
                     levels.push_back(row);
                   }
                   return levels;
                 });
}

void check_target(Error& error, const char* field, std::chrono::minutes value) {
  if (value.count() < 1 || value.count() > kMaxTargetMinutes)
    error.fields.emplace_back(std::string("/") + field,
                              "must be a whole number of minutes from 1 to 129600 (90 days)");
}

}  // namespace

Result<SeverityLevel> severity_level(soci::session& session, int severity) {
  if (severity < 1 || severity > 4)
    return Error{"severity must be 1, 2, 3 or 4", ErrorKind::kNotFound};
  auto levels = load(session, severity);
  if (!levels.ok()) return Error{levels.failure()};
  if (levels->empty())
    return Error{"severity " + std::to_string(severity) + " is not configured",
                 ErrorKind::kNotFound};
  return levels->front();
}

Result<std::vector<SeverityLevel>> severity_matrix(soci::session& session) {
  return load(session, std::nullopt);
}

Result<SeverityLevel> update_severity_level(soci::session& session, const Clock& clock,
                                            const Principal& actor, const SeverityLevel& level,
                                            const std::string& reason) {
  if (auto allowed = require_provider_admin(actor, "change the severities matrix"); !allowed.ok())
    return Error{allowed.failure()};
  auto current = severity_level(session, level.severity);
  if (!current.ok()) return Error{current.failure()};

  Error error{"the severity level is not valid", ErrorKind::kInvalid};
  if (level.name.empty() || level.name.size() > kMaxNameLength)
    error.fields.emplace_back("/name", "must be 1 to 100 characters");
  if (level.definition.empty() || level.definition.size() > kMaxDefinitionLength)
    error.fields.emplace_back("/definition", "must be 1 to 2000 characters");
  if (level.examples.size() > kMaxExamples)
    error.fields.emplace_back("/examples", "at most 20 examples");
  for (std::size_t i = 0; i < level.examples.size(); ++i)
    if (level.examples[i].empty() || level.examples[i].size() > kMaxExampleLength)
      error.fields.emplace_back("/examples/" + std::to_string(i), "must be 1 to 500 characters");
  check_target(error, "initial_response_minutes", level.initial_response);
  check_target(error, "update_interval_minutes", level.update_interval);
  check_target(error, "restoration_minutes", level.restoration);
  if (error.fields.empty() && level.initial_response > level.restoration)
    error.fields.emplace_back("/initial_response_minutes",
                              "cannot be longer than the restoration target");
  if (!error.fields.empty()) return error;

  const std::string examples = nlohmann::json(level.examples).dump();
  const int initial = static_cast<int>(level.initial_response.count());
  const int update = static_cast<int>(level.update_interval.count());
  const int restoration = static_cast<int>(level.restoration.count());
  const long long now = to_epoch_ms(clock.now());
  auto stored = guarded("could not store the severity level", [&]() -> Status {
    session << "UPDATE severity_levels SET name = :n, definition = :d, examples = :e,"
               " initial_response_minutes = :i, update_interval_minutes = :u,"
               " restoration_minutes = :r, updated_at = :at WHERE severity = :s",
        soci::use(level.name), soci::use(level.definition), soci::use(examples), soci::use(initial),
        soci::use(update), soci::use(restoration), soci::use(now), soci::use(level.severity);
    return ok_status();
  });
  if (!stored.ok()) return Error{stored.failure()};
  auto entry = audit_entry(actor, "severity_level", std::to_string(level.severity), "update");
  entry.reason = reason;
  entry.details =
      nlohmann::json{{"before", level_json(*current)}, {"after", level_json(level)}}.dump();
  if (auto audited = AuditLog(session, clock).append(entry); !audited.ok())
    return Error{audited.failure()};
  return severity_level(session, level.severity);
}

}  // namespace candela::control
