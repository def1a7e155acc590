// A small blocking HTTP/1.1 client of the portal's REST API for `candela ctl`: a session cookie
// with its CSRF token, or an API key that signs every request.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace candela::ctl {

struct PortalUrl {
  std::string host;
  std::string port;
  std::string text;  // as given, without a trailing '/'
};

// Accepts http://host[:port][/]; https is refused with a clear message (the portal serves plain
// HTTP on loopback or behind a TLS proxy — put the proxy's http side here).
Result<PortalUrl> parse_portal_url(std::string_view text);

struct SessionCredentials {
  std::string cookie;  // the candela_session value
  std::string csrf_token;
};

struct ApiKeyCredentials {
  std::string key_id;
  std::string secret;
};

struct ApiResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> header(std::string_view name) const;
  // The body as JSON; a null value when it is empty or not JSON.
  nlohmann::json json() const;
  bool ok() const { return status >= 200 && status < 300; }
};

// "HTTP 412 Precondition Failed: <detail>" followed by one line per located error, from a
// problem+json body (or the raw body when it is not one).
std::string describe_failure(const ApiResponse& response);

class PortalClient {
 public:
  explicit PortalClient(PortalUrl url, std::chrono::seconds timeout = std::chrono::seconds(30));

  void use_session(SessionCredentials session) { session_ = std::move(session); }
  void use_api_key(ApiKeyCredentials key) { api_key_ = std::move(key); }
  const PortalUrl& url() const { return url_; }

  // One request on a fresh connection. `body`, when given, is sent as application/json. An Error
  // means no HTTP answer at all (connection refused, timeout); HTTP errors are responses.
  Result<ApiResponse> request(std::string_view method, std::string_view path_with_query,
                              const std::optional<std::string>& body = std::nullopt,
                              const std::vector<std::pair<std::string, std::string>>& headers = {});

 private:
  PortalUrl url_;
  std::chrono::seconds timeout_;
  std::optional<SessionCredentials> session_;
  std::optional<ApiKeyCredentials> api_key_;
};

}  // namespace candela::ctl
