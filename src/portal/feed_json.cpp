// One place that decides how edges, acks, invalidations and notifications look in the API.
#include "portal/feed_json.hpp"

#include <ctime>

#include "portal/api_context.hpp"

namespace candela::portal {

std::string utc_timestamp(SysTime t) {
  const std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

nlohmann::json utc_timestamp_or_null(const std::optional<SysTime>& t) {
  return t ? nlohmann::json(utc_timestamp(*t)) : nlohmann::json(nullptr);
}

nlohmann::json edge_capacity_json(const control::EdgeCapacity& capacity) {
  return {{"requests_per_second", capacity.requests_per_second},
          {"bytes_per_second", capacity.bytes_per_second}};
}

nlohmann::json monitor_health_json(const std::optional<control::MonitorHealth>& health) {
  if (!health) return nullptr;
  return {{"state", control::monitor_state_name(health->state)},
          {"since", utc_timestamp(health->since)},
          {"checked_at", utc_timestamp(health->checked_at)},
          {"monitor_id", health->monitor_id},
          {"requests_per_second", health->requests_per_second},
          {"bytes_per_second", health->bytes_per_second},
          {"error_rate", health->error_rate},
          {"overloaded", health->overloaded},
          {"detail", health->detail}};
}

nlohmann::json edge_json(const control::Edge& edge,
                         const std::optional<control::MonitorHealth>& health) {
  return {{"edge_id", edge.edge_id},
          {"cache_group", edge.cache_group},
          {"address", edge.address},
          {"admin_address",
           edge.admin_address ? nlohmann::json(*edge.admin_address) : nlohmann::json(nullptr)},
          {"capacity", edge_capacity_json(edge.capacity)},
          {"role", control::edge_role_name(edge.role)},
          {"network", control::edge_network_name(edge.network)},
          {"active", edge.active},
          {"registered_at", utc_timestamp(edge.registered_at)},
          {"last_seen", utc_timestamp_or_null(edge.last_seen)},
          {"health", monitor_health_json(health)}};
}

nlohmann::json ack_json(const control::Ack& ack) {
  return {{"sequence", ack.sequence},
          {"edge_id", ack.edge_id},
          {"status", control::ack_status_name(ack.status)},
          {"detail", ack.detail},
          {"acknowledged_at", utc_timestamp(ack.acknowledged_at)}};
}

nlohmann::json edge_status_json(const std::vector<control::EdgeEventStatus>& edges) {
  auto out = nlohmann::json::array();
  for (const auto& e : edges) {
    out.push_back({{"edge_id", e.edge_id},
                   {"cache_group", e.cache_group},
                   {"network", control::edge_network_name(e.network)},
                   {"active", e.active},
                   {"status", e.status ? std::string(control::ack_status_name(*e.status))
                                       : std::string("pending")},
                   {"acknowledged_at", utc_timestamp_or_null(e.acknowledged_at)},
                   {"detail", e.detail}});
  }
  return out;
}

nlohmann::json edge_status_summary(const std::vector<control::EdgeEventStatus>& edges) {
  int applied = 0;
  int failed = 0;
  int pending = 0;
  for (const auto& e : edges) {
    if (!e.status) {
      ++pending;
    } else if (*e.status == control::AckStatus::kApplied) {
      ++applied;
    } else {
      ++failed;
    }
  }
  return {{"applied", applied}, {"failed", failed}, {"pending", pending}};
}

nlohmann::json invalidation_json(const control::Invalidation& invalidation) {
  auto targets = nlohmann::json::array();
  for (const auto& t : invalidation.targets)
    targets.push_back({{"property_id", t.property_id}, {"values", t.values}});
  return {{"id", invalidation.id},
          {"scid", invalidation.scid},
          {"kind", control::invalidation_kind_name(invalidation.kind)},
          {"mode", control::invalidation_mode_name(invalidation.mode)},
          {"values", invalidation.values},
          {"targets", std::move(targets)},
          {"requested_by", invalidation.requested_by ? nlohmann::json(*invalidation.requested_by)
                                                     : nlohmann::json(nullptr)},
          {"requested_by_key", invalidation.requested_by_key
                                   ? nlohmann::json(*invalidation.requested_by_key)
                                   : nlohmann::json(nullptr)},
          {"requested_at", utc_timestamp(invalidation.requested_at)},
          {"completed_at", utc_timestamp_or_null(invalidation.completed_at)},
          {"feed_sequence", invalidation.feed_sequence}};
}

nlohmann::json notification_json(const control::Notification& n) {
  const nlohmann::json category =
      n.category ? nlohmann::json(std::string(control::notification_category_name(*n.category)))
                 : nlohmann::json(nullptr);
  const nlohmann::json template_id =
      n.template_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(n.template_id);
  return {{"id", n.id},
          {"recipient_user_id",
           n.recipient_user_id ? nlohmann::json(*n.recipient_user_id) : nlohmann::json(nullptr)},
          {"recipient_role",
           n.recipient_role ? nlohmann::json(std::string(control::role_name(*n.recipient_role)))
                            : nlohmann::json(nullptr)},
          {"subject", n.subject},
          {"body", n.body},
          {"entity_type", n.entity_type},
          {"entity_id", n.entity_id},
          {"category", category},
          {"template", template_id},
          {"created_at", utc_timestamp(n.created_at)},
          {"read_at", utc_timestamp_or_null(n.read_at)}};
}

Response error_response(const Error& error, const Request& request) {
  return problem_from_error(error).to_response(request.request_id);
}

Response json_response(int status, const nlohmann::json& body) {
  return Response::with_body(status, "application/json",
                             body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace candela::portal
