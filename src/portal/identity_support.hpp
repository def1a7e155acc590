// What the identity route modules (session, users, API keys, access groups, customers, audit)
// share: their state, the session authentication, and JSON helpers. Internal to src/portal.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "control/master_key.hpp"
#include "control/sessions.hpp"
#include "portal/api_context.hpp"
#include "portal/json_body.hpp"
#include "portal/pagination.hpp"
#include "portal/router.hpp"

namespace candela::portal::identity {

inline constexpr std::string_view kSessionCookie = "candela_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

struct IdentityState {
  IdentityState(ApiContext& c, control::MasterKey key, control::SessionPolicy p)
      : context(c), master_key(std::move(key)), policy(p) {}
  ApiContext& context;
  control::MasterKey master_key;
  control::SessionPolicy policy;

  control::Sessions sessions() const {
    return control::Sessions(context.db, context.clock, policy);
  }
};

// A request's session, from its cookie.
struct SessionAuth {
  std::string token;
  control::ActiveSession session;
};

// The value of cookie `name` in the request's Cookie fields, or nullopt.
std::optional<std::string> find_cookie(const Request& request, std::string_view name);
// Set-Cookie for a new session, and one that removes it.
std::string session_cookie(const PortalSettings& settings, const std::string& token,
                           std::chrono::seconds max_age);
std::string expired_session_cookie(const PortalSettings& settings);
bool is_state_changing(std::string_view method);

// The cookie's live session (401 otherwise), with the CSRF check for state-changing methods
// (403 "csrf token missing or wrong").
ApiResult<SessionAuth> authenticate_session(const IdentityState& state, const Request& request);
// The authenticator installed into ApiContext: API key signature or session cookie.
Authenticator make_authenticator(std::shared_ptr<const IdentityState> state);

// RFC 3339 UTC, whole seconds: "2026-01-01T08:00:00Z".
std::string timestamp(SysTime t);
nlohmann::json optional_timestamp(const std::optional<SysTime>& t);

Response json_response(int status, const nlohmann::json& body);
Response problem_response(const Problem& problem, const Request& request);
Response error_response(const Error& error, const Request& request);
Response no_content();

// Parses a positive integer path parameter (ids); nullopt if it is not one.
std::optional<long long> id_param(const Request& request, std::string_view name);
// "?limit=&cursor=" where the cursor carries a numeric id; the problem for a bad one.
struct IdPage {
  PageRequest page;
  long long after_id = 0;
};
ApiResult<IdPage> parse_id_page(const Request& request);
// A 200 list response: `body` gets next_cursor (and the response a Link) from the id of the
// page's last item when more follow.
Response page_response(const Request& request, const IdPage& page,
                       std::optional<long long> next_after, nlohmann::json body);
// The request body as a JSON object (400 for any other JSON value).
ApiResult<nlohmann::json> object_body(const Request& request);

// Roles as JSON: [{"role": "admin", "access_group_id": 3}, {"role": "noc_engineer", ...: null}].
nlohmann::json roles_json(const std::vector<control::RoleGrant>& grants);
// Reads such a list at `pointer`, recording located errors in `reader`.
std::optional<std::vector<control::RoleGrant>> read_roles(JsonReader& reader,
                                                          const std::string& pointer);

// The route modules, registered by register_identity_routes.
void register_session_routes(Router& router, std::shared_ptr<const IdentityState> state);
void register_user_routes(Router& router, std::shared_ptr<const IdentityState> state);
void register_api_key_routes(Router& router, std::shared_ptr<const IdentityState> state);
void register_access_group_routes(Router& router, std::shared_ptr<const IdentityState> state);
void register_customer_routes(Router& router, std::shared_ptr<const IdentityState> state);
void register_audit_routes(Router& router, std::shared_ptr<const IdentityState> state);

}  // namespace candela::portal::identity
