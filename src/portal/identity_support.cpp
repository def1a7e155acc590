// Cookies, the authenticator (session or API key signature), and the identity modules' JSON
// and paging helpers.
#include "portal/identity_support.hpp"

#include <charconv>
#include <ctime>

#include "control/api_keys.hpp"
#include "control/secrets.hpp"
#include "http/headers.hpp"
#include "http/text.hpp"
#include "portal/request_signing.hpp"

namespace candela::portal::identity {

std::optional<std::string> find_cookie(const Request& request, std::string_view name) {
  for (const auto& [field, value] : request.headers) {
    if (!http::iequals(field, "Cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto semicolon = rest.find(';');
      std::string_view pair = http::trim_ows(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
      const auto equals = pair.find('=');
      if (equals == std::string_view::npos) continue;
      if (http::trim_ows(pair.substr(0, equals)) != name) continue;
      std::string_view content = http::trim_ows(pair.substr(equals + 1));
      if (content.size() >= 2 && content.front() == '"' && content.back() == '"')
        content = content.substr(1, content.size() - 2);
      return std::string(content);
    }
  }
  return std::nullopt;
}

std::string session_cookie(const PortalSettings& settings, const std::string& token,
                           std::chrono::seconds max_age) {
  std::string cookie = std::string(kSessionCookie) + "=" + token + "; Path=/; Max-Age=" +
                       std::to_string(std::max<long long>(0, max_age.count())) +
                       "; HttpOnly; SameSite=Strict";
  if (settings.secure_cookies) cookie += "; Secure";
  return cookie;
}

std::string expired_session_cookie(const PortalSettings& settings) {
  return session_cookie(settings, "", std::chrono::seconds(0));
}

bool is_state_changing(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

ApiResult<SessionAuth> authenticate_session(const IdentityState& state, const Request& request) {
  auto token = find_cookie(request, kSessionCookie);
  if (!token || token->empty()) {
    return unauthorized("sign in first (POST /api/v1/session) or sign the request with an API key",
                        std::string(kSigningScheme));
  }
  auto session = state.sessions().resolve(*token);
  if (!session.ok()) {
    Problem problem = problem_from_error(session.failure());
    // The browser should drop a cookie that no longer works.
    if (problem.status == 401)
      problem.headers.emplace_back("Set-Cookie", expired_session_cookie(state.context.settings));
    return problem;
  }
  if (is_state_changing(request.method)) {
    auto sent = request.header(kCsrfHeader);
    if (!sent || !control::constant_time_equal(*sent, session->csrf_token))
      return forbidden("csrf token missing or wrong");
  }
  return SessionAuth{*token, std::move(session).value()};
}

Authenticator make_authenticator(std::shared_ptr<const IdentityState> state) {
  return [state](const Request& request) -> ApiResult<control::Principal> {
    auto authorization = request.header("Authorization");
    if (authorization) {
      if (!http::trim_ows(*authorization).starts_with(kSigningScheme)) {
        return unauthorized(
            "this Authorization scheme is not accepted here; use a session "
            "cookie or a Candela-HMAC-SHA256 signature",
            std::string(kSigningScheme));
      }
      std::optional<control::Principal> principal;
      std::optional<Error> failure;
      const SigningKeyLookup lookup = [&](std::string_view key_id) -> std::optional<std::string> {
        auto found = state->context.db.with_session([&](soci::session& s) {
          return control::ApiKeys(s, state->context.clock, state->master_key)
              .credentials(std::string(key_id));
        });
        if (!found.ok()) {
          failure = found.failure();
          return std::nullopt;
        }
        if (!found.value()) return std::nullopt;
        principal = found.value()->principal;
        return found.value()->signing_key;
      };
      SignatureCheck check =
          verify_request(request, state->context.clock, lookup, state->context.replay_cache);
      if (failure) return problem_from_error(*failure);
      if (!check.ok()) return check.to_problem();
      return *principal;
    }
    auto session = authenticate_session(*state, request);
    if (!session.ok()) return session.problem();
    return session->session.principal;
  };
}

std::string timestamp(SysTime t) {
  const std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

nlohmann::json optional_timestamp(const std::optional<SysTime>& t) {
  return t ? nlohmann::json(timestamp(*t)) : nlohmann::json(nullptr);
}

Response json_response(int status, const nlohmann::json& body) {
  return Response::with_body(status, "application/json",
                             body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response problem_response(const Problem& problem, const Request& request) {
  return problem.to_response(request.request_id);
}

Response error_response(const Error& error, const Request& request) {
  return problem_from_error(error).to_response(request.request_id);
}

Response no_content() {
  Response response;
  response.status = 204;
  return response;
}

std::optional<long long> id_param(const Request& request, std::string_view name) {
  const std::string& text = request.param(name);
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 1)
    return std::nullopt;
  return value;
}

ApiResult<IdPage> parse_id_page(const Request& request) {
  auto page = parse_page_request(request);
  if (!page.ok()) return page.problem();
  IdPage out{page.value(), 0};
  if (page->after_key) {
    const std::string& key = *page->after_key;
    auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), out.after_id);
    if (key.empty() || error != std::errc() || end != key.data() + key.size() || out.after_id < 0)
      return bad_request("query parameter cursor is not a cursor this API returned");
  }
  return out;
}

Response page_response(const Request& request, const IdPage& page,
                       std::optional<long long> next_after, nlohmann::json body) {
  return page_response(request, page.page, next_after, std::move(body));
}

ApiResult<nlohmann::json> object_body(const Request& request) {
  auto body = parse_json_body(request);
  if (!body.ok()) return body.problem();
  if (!body->is_object()) {
    return bad_request("the request body must be a JSON object",
                       {{"", "must be an object, not " + std::string(body->type_name())}});
  }
  return body;
}

nlohmann::json roles_json(const std::vector<control::RoleGrant>& grants) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& grant : grants) {
    list.push_back(
        {{"role", std::string(control::role_name(grant.role))},
         {"access_group_id", grant.access_group_id ? nlohmann::json(*grant.access_group_id)
                                                   : nlohmann::json(nullptr)}});
  }
  return list;
}

std::optional<std::vector<control::RoleGrant>> read_roles(JsonReader& reader,
                                                          const std::string& pointer) {
  const auto* list = reader.array(pointer);
  if (!list) return std::nullopt;
  std::vector<control::RoleGrant> grants;
  bool ok = true;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string at = pointer + "/" + std::to_string(i);
    if (!reader.object(at)) {
      ok = false;
      continue;
    }
    reader.reject_unknown(at, {"role", "access_group_id"});
    auto role_text = reader.string(at + "/role");
    std::optional<control::Role> role;
    if (role_text) {
      role = control::parse_role(*role_text);
      if (!role) {
        reader.add_error(at + "/role",
                         "must be one of admin, technical, billing, read_only, account_director, "
                         "sales_engineer, customer_care_manager, activation_engineer, "
                         "cdn_support_technician, billing_coordinator, noc_engineer, "
                         "provider_admin");
      }
    }
    std::optional<long long> group;
    const auto& item = (*list)[i];
    if (item.contains("access_group_id") && !item["access_group_id"].is_null()) {
      auto value = reader.integer(at + "/access_group_id", true, 1);
      if (!value) ok = false;
      group = value;
    }
    if (!role) {
      ok = false;
      continue;
    }
    grants.push_back({*role, group});
  }
  if (!ok) return std::nullopt;
  return grants;
}

}  // namespace candela::portal::identity
