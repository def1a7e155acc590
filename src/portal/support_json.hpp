// JSON shapes of the support configuration and the MTTR report (docs/openapi/51-support.json),
// and reading them from request bodies with every error located.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "control/escalation_levels.hpp"
#include "control/mttr_report.hpp"
#include "control/severity_matrix.hpp"
#include "control/support_centres.hpp"
#include "control/support_schedule.hpp"
#include "portal/json_body.hpp"

namespace candela::portal {

inline constexpr std::size_t kMaxSupportReasonLength = 500;

nlohmann::json support_centre_json(const control::SupportCentre& centre);
nlohmann::json schedule_entry_json(const control::ScheduleEntry& entry);
nlohmann::json severity_level_json(const control::SeverityLevel& level);
nlohmann::json escalation_level_json(const control::EscalationLevel& level);
nlohmann::json mttr_report_json(const control::MttrReport& report);
// The rows as CSV (header line first, CRLF line ends).
std::string mttr_report_csv(const control::MttrReport& report);

// {"schedule":[{"centre","days","start","end","priority"}], "reason"?}; priority defaults to
// the entry's position (1-based).
std::optional<std::vector<control::ScheduleEntry>> read_schedule(JsonReader& reader);
// {"name","definition","examples","initial_response_minutes","update_interval_minutes",
//  "restoration_minutes","reason"?} for severity `severity`.
std::optional<control::SeverityLevel> read_severity_level(JsonReader& reader, int severity);
// {"levels":[{"level","name","notify_role","notify_account_team_role","notify_user_ids"}],
//  "reason"?}.
std::optional<std::vector<control::EscalationLevel>> read_escalation_levels(JsonReader& reader);
// {"name","city","country","languages","reason"?} for centre `code`.
std::optional<control::SupportCentre> read_support_centre(JsonReader& reader,
                                                          const std::string& code);

}  // namespace candela::portal
