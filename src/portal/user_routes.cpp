// /api/v1/users: list, create, read, edit profiles, set roles, passwords, unlock, disable.
#include "control/users.hpp"
#include "portal/identity_support.hpp"

namespace candela::portal::identity {
namespace {

nlohmann::json user_json(const control::User& user) {
  return {{"id", user.id},
          {"name", user.profile.name},
          {"email", user.profile.email},
          {"phone_office", user.profile.phone_office},
          {"phone_mobile", user.profile.phone_mobile},
          {"after_hours_contact", user.profile.after_hours_contact},
          {"language", user.profile.language},
          {"roles", roles_json(user.grants)},
          {"disabled", user.disabled},
          {"has_password", user.has_password},
          {"locked_until", optional_timestamp(user.locked_until)},
          {"created_at", timestamp(user.created_at)}};
}

Response user_result(const Result<control::User>& user, const Request& request, int status = 200) {
  if (!user.ok()) return error_response(user.failure(), request);
  return json_response(status, user_json(user.value()));
}

Response list_users(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto page = parse_id_page(request);
  if (!page.ok()) return problem_response(page.problem(), request);
  auto users = state.context.db.with_transaction([&](soci::session& s) {
    return control::Users(s, state.context.clock, state.policy.password_cost)
        .list(*principal, page->after_id, static_cast<int>(page->page.limit));
  });
  if (!users.ok()) return error_response(users.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& user : users->users)
    body["items"].push_back(user_json(user));
  return page_response(request, *page, users->next_after_id, std::move(body));
}

Response create_user(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto body = object_body(request);
  if (!body.ok()) return problem_response(body.problem(), request);
  JsonReader reader(*body);
  reader.reject_unknown("", {"name", "email", "phone_office", "phone_mobile", "after_hours_contact",
                             "language", "roles", "password"});
  control::NewUser user;
  auto name = reader.string("/name", true, 1000);
  auto email = reader.string("/email", true, 1000);
  auto phone_office = reader.string("/phone_office", false, 1000);
  auto phone_mobile = reader.string("/phone_mobile", false, 1000);
  auto after_hours = reader.string("/after_hours_contact", false, 4000);
  auto language = reader.string("/language", false, 100);
  auto password = reader.string("/password", false, control::kMaxPasswordLength + 1);
  std::optional<std::vector<control::RoleGrant>> roles;
  if (body->contains("roles")) {
    roles = read_roles(reader, "/roles");
  } else {
    roles.emplace();
  }
  if (auto problem = reader.problem()) return problem_response(*problem, request);
  user.profile.name = *name;
  user.profile.email = *email;
  user.profile.phone_office = phone_office.value_or("");
  user.profile.phone_mobile = phone_mobile.value_or("");
  user.profile.after_hours_contact = after_hours.value_or("");
  user.profile.language = language.value_or("en");
  user.grants = *roles;
  user.password = password;
  auto created = state.context.db.with_transaction([&](soci::session& s) {
    return control::Users(s, state.context.clock, state.policy.password_cost)
        .create(*principal, user);
  });
  Response response = user_result(created, request, 201);
  if (created.ok()) response.add_header("Location", "/api/v1/users/" + std::to_string(created->id));
  return response;
}

Response get_user(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto id = id_param(request, "id");
  if (!id) return problem_response(not_found("no such user"), request);
  auto user = state.context.db.with_transaction([&](soci::session& s) {
    return control::Users(s, state.context.clock, state.policy.password_cost).get(*principal, *id);
  });
  return user_result(user, request);
}

Response patch_user(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto id = id_param(request, "id");
  if (!id) return problem_response(not_found("no such user"), request);
  auto body = object_body(request);
  if (!body.ok()) return problem_response(body.problem(), request);
  JsonReader reader(*body);
  reader.reject_unknown("", {"name", "email", "phone_office", "phone_mobile", "after_hours_contact",
                             "language", "disabled"});
  control::ProfileChange change;
  change.name = reader.string("/name", false, 1000);
  change.email = reader.string("/email", false, 1000);
  change.phone_office = reader.string("/phone_office", false, 1000);
  change.phone_mobile = reader.string("/phone_mobile", false, 1000);
  change.after_hours_contact = reader.string("/after_hours_contact", false, 4000);
  change.language = reader.string("/language", false, 100);
  auto disabled = reader.boolean("/disabled", false);
  if (auto problem = reader.problem()) return problem_response(*problem, request);
  const bool profile_changes = change.name || change.email || change.phone_office ||
                               change.phone_mobile || change.after_hours_contact || change.language;
  auto user = state.context.db.with_transaction([&](soci::session& s) -> Result<control::User> {
    control::Users users(s, state.context.clock, state.policy.password_cost);
    std::optional<control::User> last;
    if (profile_changes || !disabled) {
      auto updated = users.update_profile(*principal, *id, change);
      if (!updated.ok()) return updated;
      last = updated.value();
    }
    if (disabled) {
      auto updated = users.set_disabled(*principal, *id, *disabled);
      if (!updated.ok()) return updated;
      last = updated.value();
    }
    return *last;
  });
  return user_result(user, request);
}

Response put_roles(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto id = id_param(request, "id");
  if (!id) return problem_response(not_found("no such user"), request);
  auto body = object_body(request);
  if (!body.ok()) return problem_response(body.problem(), request);
  JsonReader reader(*body);
  reader.reject_unknown("", {"roles"});
  auto roles = read_roles(reader, "/roles");
  if (auto problem = reader.problem()) return problem_response(*problem, request);
  auto user = state.context.db.with_transaction([&](soci::session& s) {
    return control::Users(s, state.context.clock, state.policy.password_cost)
        .set_roles(*principal, *id, *roles);
  });
  return user_result(user, request);
}

Response put_password(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto id = id_param(request, "id");
  if (!id) return problem_response(not_found("no such user"), request);
  auto body = object_body(request);
  if (!body.ok()) return problem_response(body.problem(), request);
  JsonReader reader(*body);
  reader.reject_unknown("", {"current_password", "new_password"});
  const bool own = *id == principal->user_id && !principal->api_key_id;
  auto current = reader.string("/current_password", own, control::kMaxPasswordLength + 1);
  auto next = reader.string("/new_password", true, control::kMaxPasswordLength + 1);
  if (!own && current) {
    reader.add_error("/current_password",
                     "is only sent when changing your own password; an admin sets a new one");
  }
  if (auto problem = reader.problem()) return problem_response(*problem, request);
  auto changed = state.context.db.with_transaction([&](soci::session& s) {
    control::Users users(s, state.context.clock, state.policy.password_cost);
    return own ? users.change_own_password(*principal, *current, *next)
               : users.reset_password(*principal, *id, *next);
  });
  if (!changed.ok()) return error_response(changed.failure(), request);
  return no_content();
}

Response unlock_user(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto id = id_param(request, "id");
  if (!id) return problem_response(not_found("no such user"), request);
  auto user = state.context.db.with_transaction([&](soci::session& s) {
    return control::Users(s, state.context.clock, state.policy.password_cost)
        .unlock(*principal, *id);
  });
  return user_result(user, request);
}

}  // namespace

void register_user_routes(Router& router, std::shared_ptr<const IdentityState> state) {
  router.add("GET", "/api/v1/users",
             [state](const Request& request) { return list_users(*state, request); });
  router.add("POST", "/api/v1/users",
             [state](const Request& request) { return create_user(*state, request); });
  router.add("GET", "/api/v1/users/{id}",
             [state](const Request& request) { return get_user(*state, request); });
  router.add("PATCH", "/api/v1/users/{id}",
             [state](const Request& request) { return patch_user(*state, request); });
  router.add("PUT", "/api/v1/users/{id}/roles",
             [state](const Request& request) { return put_roles(*state, request); });
  router.add("PUT", "/api/v1/users/{id}/password",
             [state](const Request& request) { return put_password(*state, request); });
  router.add("POST", "/api/v1/users/{id}/unlock",
             [state](const Request& request) { return unlock_user(*state, request); });
}

}  // namespace candela::portal::identity
