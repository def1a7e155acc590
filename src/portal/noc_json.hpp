// JSON representations of NOC events, monitors and the dashboard (docs/openapi/53-noc.json).
#pragma once

#include <nlohmann/json.hpp>

#include "control/noc_alarms.hpp"
#include "control/noc_dashboard.hpp"
#include "control/noc_events.hpp"
#include "control/noc_monitors.hpp"

namespace candela::portal {

nlohmann::json noc_event_json(const control::NocEvent& event);
// The event with its linked tickets (one per affected service).
nlohmann::json noc_event_detail_json(const control::NocEventDetail& detail);
nlohmann::json noc_monitor_json(const control::NocMonitor& monitor);
nlohmann::json noc_alarm_outcome_json(const control::AlarmOutcome& outcome);
nlohmann::json noc_dashboard_json(const control::NocDashboard& dashboard);

}  // namespace candela::portal
