// register_identity_routes: installs the authenticator, then the session endpoints (sign in,
// who am I, sign out, mimic) and the other identity modules.
#include <cstdio>
#include <stdexcept>

#include "control/users.hpp"
#include "portal/identity_support.hpp"
#include "portal/request_signing.hpp"
#include "portal/routes.hpp"

namespace candela::portal {
namespace identity {
namespace {

nlohmann::json person_json(long long id, const std::string& name, const std::string& email) {
  return {{"id", id}, {"name", name}, {"email", email}};
}

// GET /api/v1/session's body for a cookie session.
nlohmann::json session_json(const IdentityState& state, const control::ActiveSession& session) {
  const auto& principal = session.principal;
  std::string language = "en";
  nlohmann::json mimic = nullptr;
  auto looked_up = state.context.db.with_session([&](soci::session& s) -> Result<bool> {
    control::Users users(s, state.context.clock);
    auto user = users.find(principal.user_id);
    if (!user.ok()) return Error{user.failure()};
    if (user.value()) language = user.value()->profile.language;
    if (principal.mimicked_by) {
      auto admin = users.find(*principal.mimicked_by);
      if (!admin.ok()) return Error{admin.failure()};
      if (admin.value()) {
        mimic = {
            {"by", person_json((*admin)->id, (*admin)->profile.name, (*admin)->profile.email)}};
      }
    }
    return true;
  });
  if (!looked_up.ok()) throw std::runtime_error(looked_up.error());
  nlohmann::json user = person_json(principal.user_id, principal.name, principal.email);
  user["language"] = language;
  return {{"user", user},
          {"api_key", nullptr},
          {"roles", roles_json(principal.grants)},
          {"csrf_token", session.csrf_token},
          {"expires_at", timestamp(session.expires_at)},
          {"mimic", mimic}};
}

Response session_response(const IdentityState& state, int status,
                          const control::ActiveSession& session) {
  return json_response(status, session_json(state, session));
}

Response sign_in(const IdentityState& state, const Request& request) {
  auto body = parse_json_body(request);
  if (!body.ok()) return problem_response(body.problem(), request);
  JsonReader reader(*body);
  if (!body->is_object()) {
    reader.add_error("", "must be an object with email and password");
  } else {
    reader.reject_unknown("", {"email", "password"});
  }
  auto email = reader.string("/email", true, 320);
  auto password = reader.string("/password", true, control::kMaxPasswordLength);
  if (auto problem = reader.problem()) return problem_response(*problem, request);
  auto outcome = state.sessions().sign_in(*email, *password);
  if (!outcome.ok()) return error_response(outcome.failure(), request);
  if (outcome->refusal) {
    const auto& refusal = *outcome->refusal;
    if (refusal.retry_after)
      return problem_response(too_many_requests(refusal.message, *refusal.retry_after), request);
    return problem_response(unauthorized(refusal.message, std::string(kSigningScheme)), request);
  }
  const auto& session = *outcome->session;
  Response response = session_response(state, 201, session);
  response.add_header("Location", "/api/v1/session");
  response.add_header("Set-Cookie",
                      session_cookie(state.context.settings, session.token, state.policy.ttl));
  return response;
}

Response who_am_i(const IdentityState& state, const Request& request) {
  // An API key has no session, but "who am I" still tells a client what it may do.
  if (request.header("Authorization")) {
    auto principal = state.context.authenticate(request);
    if (!principal.ok()) return problem_response(principal.problem(), request);
    nlohmann::json body = {{"user", nullptr},
                           {"api_key", {{"key_id", *principal->api_key_id}}},
                           {"roles", roles_json(principal->grants)},
                           {"csrf_token", nullptr},
                           {"expires_at", nullptr},
                           {"mimic", nullptr}};
    return json_response(200, body);
  }
  auto auth = authenticate_session(state, request);
  if (!auth.ok()) return problem_response(auth.problem(), request);
  return session_response(state, 200, auth->session);
}

Response sign_out(const IdentityState& state, const Request& request) {
  auto auth = authenticate_session(state, request);
  if (!auth.ok()) return problem_response(auth.problem(), request);
  auto ended = state.sessions().sign_out(auth->token);
  if (!ended.ok()) return error_response(ended.failure(), request);
  Response response = no_content();
  response.add_header("Set-Cookie", expired_session_cookie(state.context.settings));
  return response;
}

Response start_mimic(const IdentityState& state, const Request& request) {
  if (request.header("Authorization"))
    return problem_response(forbidden("an API key cannot mimic users; sign in"), request);
  auto auth = authenticate_session(state, request);
  if (!auth.ok()) return problem_response(auth.problem(), request);
  auto body = parse_json_body(request);
  if (!body.ok()) return problem_response(body.problem(), request);
  JsonReader reader(*body);
  if (!body->is_object()) {
    reader.add_error("", "must be an object with user_id");
  } else {
    reader.reject_unknown("", {"user_id"});
  }
  auto user_id = reader.integer("/user_id", true, 1);
  if (auto problem = reader.problem()) return problem_response(*problem, request);
  auto session = state.sessions().start_mimic(auth->token, *user_id);
  if (!session.ok()) return error_response(session.failure(), request);
  return session_response(state, 200, *session);
}

Response end_mimic(const IdentityState& state, const Request& request) {
  if (request.header("Authorization"))
    return problem_response(forbidden("an API key cannot mimic users; sign in"), request);
  auto auth = authenticate_session(state, request);
  if (!auth.ok()) return problem_response(auth.problem(), request);
  auto session = state.sessions().end_mimic(auth->token);
  if (!session.ok()) return error_response(session.failure(), request);
  return session_response(state, 200, *session);
}

}  // namespace

void register_session_routes(Router& router, std::shared_ptr<const IdentityState> state) {
  router.add("POST", "/api/v1/session",
             [state](const Request& request) { return sign_in(*state, request); });
  router.add("GET", "/api/v1/session",
             [state](const Request& request) { return who_am_i(*state, request); });
  router.add("DELETE", "/api/v1/session",
             [state](const Request& request) { return sign_out(*state, request); });
  router.add("POST", "/api/v1/session/mimic",
             [state](const Request& request) { return start_mimic(*state, request); });
  router.add("DELETE", "/api/v1/session/mimic",
             [state](const Request& request) { return end_mimic(*state, request); });
}

}  // namespace identity

void register_identity_routes(Router& router, ApiContext& context) {
  auto master_key = control::MasterKey::load_or_create(context.settings.master_key_file);
  if (!master_key.ok()) throw std::runtime_error(master_key.error());
  control::SessionPolicy policy;
  policy.ttl = context.settings.session_ttl;
  policy.lockout_threshold = context.settings.lockout_threshold;
  policy.lockout_duration = context.settings.lockout_duration;
  policy.password_cost = context.settings.password_cost;
  auto state = std::make_shared<const identity::IdentityState>(
      context, std::move(master_key).value(), policy);
  context.authenticate = identity::make_authenticator(state);
  context.jobs.push_back({"expired-sessions", std::chrono::minutes(10), [state] {
                            auto purged = state->sessions().purge_expired();
                            if (!purged.ok()) {
                              std::fprintf(stderr,
                                           "candela portal: could not delete expired sessions: "
                                           "%s\n",
                                           purged.error().c_str());
                            }
                          }});
  identity::register_session_routes(router, state);
  identity::register_user_routes(router, state);
  identity::register_api_key_routes(router, state);
  identity::register_access_group_routes(router, state);
  identity::register_customer_routes(router, state);
  identity::register_audit_routes(router, state);
}

}  // namespace candela::portal
