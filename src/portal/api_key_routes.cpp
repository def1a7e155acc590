// /api/v1/api-keys: list, create (secret shown once), regenerate, enable/disable, delete.
#include "control/api_keys.hpp"
#include "portal/identity_support.hpp"

namespace candela::portal::identity {
namespace {

nlohmann::json key_json(const control::ApiKey& key) {
  return {
      {"key_id", key.key_id},
      {"access_group_id", key.access_group_id},
      {"role", std::string(control::role_name(key.role))},
      {"description", key.description},
      {"disabled", key.disabled},
      {"created_by", key.created_by ? nlohmann::json(*key.created_by) : nlohmann::json(nullptr)},
      {"created_at", timestamp(key.created_at)},
      {"updated_at", optional_timestamp(key.updated_at)}};
}

nlohmann::json issued_json(const control::IssuedApiKey& issued) {
  nlohmann::json body = key_json(issued.key);
  body["secret"] = issued.secret;
  return body;
}

control::ApiKeys keys(const IdentityState& state, soci::session& s) {
  return control::ApiKeys(s, state.context.clock, state.master_key);
}

Response list_keys(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto page = parse_id_page(request);
  if (!page.ok()) return problem_response(page.problem(), request);
  auto listed = state.context.db.with_transaction([&](soci::session& s) {
    return keys(state, s).list(*principal, page->after_id, static_cast<int>(page->page.limit));
  });
  if (!listed.ok()) return error_response(listed.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& key : listed->keys)
    body["items"].push_back(key_json(key));
  return page_response(request, *page, listed->next_after_id, std::move(body));
}

Response create_key(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto body = object_body(request);
  if (!body.ok()) return problem_response(body.problem(), request);
  JsonReader reader(*body);
  reader.reject_unknown("", {"access_group_id", "role", "description"});
  auto group = reader.integer("/access_group_id", true, 1);
  auto role_text = reader.string("/role");
  auto description = reader.string("/description", false, 1000);
  std::optional<control::Role> role;
  if (role_text) {
    role = control::parse_role(*role_text);
    if (!role || control::is_provider_role(*role)) {
      reader.add_error("/role", "must be one of admin, technical, billing, read_only");
    }
  }
  if (auto problem = reader.problem()) return problem_response(*problem, request);
  control::NewApiKey request_key{*group, *role, description.value_or("")};
  auto issued = state.context.db.with_transaction(
      [&](soci::session& s) { return keys(state, s).create(*principal, request_key); });
  if (!issued.ok()) return error_response(issued.failure(), request);
  Response response = json_response(201, issued_json(*issued));
  response.add_header("Location", "/api/v1/api-keys/" + issued->key.key_id);
  response.add_header("Cache-Control", "no-store");
  return response;
}

Response get_key(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto key = state.context.db.with_transaction(
      [&](soci::session& s) { return keys(state, s).get(*principal, request.param("key_id")); });
  if (!key.ok()) return error_response(key.failure(), request);
  return json_response(200, key_json(*key));
}

Response regenerate_key(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto issued = state.context.db.with_transaction([&](soci::session& s) {
    return keys(state, s).regenerate(*principal, request.param("key_id"));
  });
  if (!issued.ok()) return error_response(issued.failure(), request);
  Response response = json_response(200, issued_json(*issued));
  response.add_header("Cache-Control", "no-store");
  return response;
}

Response patch_key(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto body = object_body(request);
  if (!body.ok()) return problem_response(body.problem(), request);
  JsonReader reader(*body);
  reader.reject_unknown("", {"disabled", "description"});
  auto disabled = reader.boolean("/disabled", false);
  auto description = reader.string("/description", false, 1000);
  if (auto problem = reader.problem()) return problem_response(*problem, request);
  auto key = state.context.db.with_transaction([&](soci::session& s) {
    return keys(state, s).update(*principal, request.param("key_id"), disabled, description);
  });
  if (!key.ok()) return error_response(key.failure(), request);
  return json_response(200, key_json(*key));
}

Response delete_key(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto removed = state.context.db.with_transaction(
      [&](soci::session& s) { return keys(state, s).remove(*principal, request.param("key_id")); });
  if (!removed.ok()) return error_response(removed.failure(), request);
  return no_content();
}

}  // namespace

void register_api_key_routes(Router& router, std::shared_ptr<const IdentityState> state) {
  router.add("GET", "/api/v1/api-keys",
             [state](const Request& request) { return list_keys(*state, request); });
  router.add("POST", "/api/v1/api-keys",
             [state](const Request& request) { return create_key(*state, request); });
  router.add("GET", "/api/v1/api-keys/{key_id}",
             [state](const Request& request) { return get_key(*state, request); });
  router.add("POST", "/api/v1/api-keys/{key_id}/regenerate",
             [state](const Request& request) { return regenerate_key(*state, request); });
  router.add("PATCH", "/api/v1/api-keys/{key_id}",
             [state](const Request& request) { return patch_key(*state, request); });
  router.add("DELETE", "/api/v1/api-keys/{key_id}",
             [state](const Request& request) { return delete_key(*state, request); });
}

}  // namespace candela::portal::identity
