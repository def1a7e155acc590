// JSON representations of edges, acknowledgements, invalidations and notifications, shared by
// the edge, feed, invalidation and notification handlers.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/edge_health.hpp"
#include "control/edge_registry.hpp"
#include "control/invalidations.hpp"
#include "control/notifications.hpp"
#include "portal/message.hpp"

namespace candela::portal {

// RFC 3339 UTC with whole seconds: "2026-11-24T10:00:00Z".
std::string utc_timestamp(SysTime t);
nlohmann::json utc_timestamp_or_null(const std::optional<SysTime>& t);

// The edge with its admin address, capacity and the freshest monitor health (null when no
// monitor reported within control::kMonitorHealthFreshFor).
nlohmann::json edge_json(const control::Edge& edge,
                         const std::optional<control::MonitorHealth>& health);
nlohmann::json edge_capacity_json(const control::EdgeCapacity& capacity);
// A monitor's report on one edge, or null.
nlohmann::json monitor_health_json(const std::optional<control::MonitorHealth>& health);
nlohmann::json ack_json(const control::Ack& ack);
// Per-edge rows of an event ("status": applied | failed | pending) and their counts.
nlohmann::json edge_status_json(const std::vector<control::EdgeEventStatus>& edges);
nlohmann::json edge_status_summary(const std::vector<control::EdgeEventStatus>& edges);
nlohmann::json invalidation_json(const control::Invalidation& invalidation);
nlohmann::json notification_json(const control::Notification& notification);

// The problem response for a domain error.
Response error_response(const Error& error, const Request& request);
Response json_response(int status, const nlohmann::json& body);

}  // namespace candela::portal
