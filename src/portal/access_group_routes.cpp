// /api/v1/access-groups: the visible tree, creating child groups, renaming and moving.
#include "control/access_group_admin.hpp"
#include "portal/identity_support.hpp"

namespace candela::portal::identity {
namespace {

nlohmann::json group_json(const control::AccessGroup& group) {
  return {{"id", group.id},
          {"parent_id", group.parent_id ? nlohmann::json(*group.parent_id) : nlohmann::json()},
          {"name", group.name},
          {"customer_visible", group.customer_visible}};
}

Response list_groups(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto page = parse_id_page(request);
  if (!page.ok()) return problem_response(page.problem(), request);
  auto listed = state.context.db.with_transaction([&](soci::session& s) {
    return control::AccessGroupAdmin(s, state.context.clock)
        .list(*principal, page->after_id, static_cast<int>(page->page.limit));
  });
  if (!listed.ok()) return error_response(listed.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& group : listed->groups)
    body["items"].push_back(group_json(group));
  return page_response(request, *page, listed->next_after_id, std::move(body));
}

Response create_group(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto body = object_body(request);
  if (!body.ok()) return problem_response(body.problem(), request);
  JsonReader reader(*body);
  reader.reject_unknown("", {"parent_id", "name", "customer_visible"});
  auto name = reader.string("/name", true, 1000);
  std::optional<long long> parent;
  if (!body->contains("parent_id")) {
    reader.add_error("/parent_id", "is required (null for a top-level group)");
  } else if (!(*body)["parent_id"].is_null()) {
    parent = reader.integer("/parent_id", true, 1);
  }
  auto visible = reader.boolean("/customer_visible", false);
  if (auto problem = reader.problem()) return problem_response(*problem, request);
  auto group = state.context.db.with_transaction([&](soci::session& s) {
    return control::AccessGroupAdmin(s, state.context.clock)
        .create(*principal, parent, *name, visible.value_or(true));
  });
  if (!group.ok()) return error_response(group.failure(), request);
  Response response = json_response(201, group_json(*group));
  response.add_header("Location", "/api/v1/access-groups/" + std::to_string(group->id));
  return response;
}

Response get_group(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto id = id_param(request, "id");
  if (!id) return problem_response(not_found("no such access group"), request);
  auto group = state.context.db.with_transaction([&](soci::session& s) {
    return control::AccessGroupAdmin(s, state.context.clock).get(*principal, *id);
  });
  if (!group.ok()) return error_response(group.failure(), request);
  return json_response(200, group_json(*group));
}

Response patch_group(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto id = id_param(request, "id");
  if (!id) return problem_response(not_found("no such access group"), request);
  auto body = object_body(request);
  if (!body.ok()) return problem_response(body.problem(), request);
  JsonReader reader(*body);
  reader.reject_unknown("", {"parent_id", "name", "customer_visible"});
  control::AccessGroupChange change;
  change.name = reader.string("/name", false, 1000);
  if (body->contains("parent_id")) {
    if ((*body)["parent_id"].is_null()) {
      change.parent_id = std::optional<long long>{};
    } else if (auto parent = reader.integer("/parent_id", true, 1)) {
      change.parent_id = std::optional<long long>{*parent};
    }
  }
  change.customer_visible = reader.boolean("/customer_visible", false);
  if (auto problem = reader.problem()) return problem_response(*problem, request);
  auto group = state.context.db.with_transaction([&](soci::session& s) {
    return control::AccessGroupAdmin(s, state.context.clock).update(*principal, *id, change);
  });
  if (!group.ok()) return error_response(group.failure(), request);
  return json_response(200, group_json(*group));
}

}  // namespace

void register_access_group_routes(Router& router, std::shared_ptr<const IdentityState> state) {
  router.add("GET", "/api/v1/access-groups",
             [state](const Request& request) { return list_groups(*state, request); });
  router.add("POST", "/api/v1/access-groups",
             [state](const Request& request) { return create_group(*state, request); });
  router.add("GET", "/api/v1/access-groups/{id}",
             [state](const Request& request) { return get_group(*state, request); });
  router.add("PATCH", "/api/v1/access-groups/{id}",
             [state](const Request& request) { return patch_group(*state, request); });
}

}  // namespace candela::portal::identity
