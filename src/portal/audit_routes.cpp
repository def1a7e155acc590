// GET /api/v1/audit?entity_type=&entity_id=: an entity's audit trail, oldest first.
#include "control/audit_trail.hpp"
#include "portal/identity_support.hpp"

namespace candela::portal::identity {
namespace {

nlohmann::json record_json(const control::AuditRecord& record) {
  const auto& entry = record.entry;
  auto optional_id = [](const std::optional<long long>& id) {
    return id ? nlohmann::json(*id) : nlohmann::json(nullptr);
  };
  auto optional_text = [](const std::optional<std::string>& text) {
    return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
  };
  nlohmann::json details = nlohmann::json::parse(entry.details, nullptr, false);
  if (details.is_discarded()) details = nlohmann::json::object();
  return {{"id", record.id},
          {"at", timestamp(record.at)},
          {"actor_user_id", optional_id(entry.actor_user_id)},
          {"actor_key_id", optional_text(entry.actor_key_id)},
          {"mimicked_by", optional_id(entry.mimicked_by)},
          {"entity_type", entry.entity_type},
          {"entity_id", entry.entity_id},
          {"action", entry.action},
          {"from_state", optional_text(entry.from_state)},
          {"to_state", optional_text(entry.to_state)},
          {"reason", entry.reason},
          {"details", details}};
}

Response list_audit(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto type = request.query_param("entity_type");
  auto id = request.query_param("entity_id");
  if (!type || type->empty() || !id || id->empty()) {
    return problem_response(
        bad_request("query parameters entity_type and entity_id are both required"), request);
  }
  auto page = parse_id_page(request);
  if (!page.ok()) return problem_response(page.problem(), request);
  auto trail = state.context.db.with_transaction([&](soci::session& s) {
    return control::AuditTrail(s, state.context.clock)
        .list(*principal, *type, *id, page->after_id, static_cast<int>(page->page.limit));
  });
  if (!trail.ok()) return error_response(trail.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& record : trail->records)
    body["items"].push_back(record_json(record));
  return page_response(request, *page, trail->next_after_id, std::move(body));
}

}  // namespace

void register_audit_routes(Router& router, std::shared_ptr<const IdentityState> state) {
  router.add("GET", "/api/v1/audit",
             [state](const Request& request) { return list_audit(*state, request); });
}

}  // namespace candela::portal::identity
