// PortalClient on Boost.Beast's synchronous API: resolve, connect, write, read, with one deadline.
#include "ctl/portal_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <ctime>

#include "http/headers.hpp"
#include "portal/request_signing.hpp"

namespace candela::ctl {
namespace beast = boost::beast;
namespace net = boost::asio;

Result<PortalUrl> parse_portal_url(std::string_view text) {
  while (!text.empty() && text.back() == '/')
    text.remove_suffix(1);
  constexpr std::string_view kHttp = "http://";
  if (text.substr(0, 8) == "https://") {
    return Error{
        "https portal URLs are not supported by ctl; use the http address the portal "
        "listens on (e.g. http://127.0.0.1:9000)"};
  }
  if (text.substr(0, kHttp.size()) != kHttp) {
    return Error{"the portal URL must look like http://host:port, not '" + std::string(text) + "'"};
  }
  std::string_view rest = text.substr(kHttp.size());
  if (rest.find('/') != std::string_view::npos) {
    return Error{"the portal URL must not have a path: " + std::string(text)};
  }
  PortalUrl url;
  url.text = std::string(text);
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || (rest.front() == '[' && rest.back() == ']')) {
    url.host = std::string(rest);
    url.port = "80";
  } else {
    url.host = std::string(rest.substr(0, colon));
    url.port = std::string(rest.substr(colon + 1));
  }
  if (url.host.size() > 2 && url.host.front() == '[' && url.host.back() == ']')
    url.host = url.host.substr(1, url.host.size() - 2);
  if (url.host.empty()) return Error{"the portal URL has no host: " + std::string(text)};
  if (url.port.empty() || url.port.size() > 5 ||
      url.port.find_first_not_of("0123456789") != std::string::npos || std::stoi(url.port) == 0 ||
      std::stoi(url.port) > 65535) {
    return Error{"the portal URL has a bad port: " + std::string(text)};
  }
  return url;
}

std::optional<std::string> ApiResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (http::iequals(key, name)) return value;
  return std::nullopt;
}

nlohmann::json ApiResponse::json() const {
  if (body.empty()) return nullptr;
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json(nullptr) : parsed;
}

std::string describe_failure(const ApiResponse& response) {
  std::string out = "HTTP " + std::to_string(response.status);
  const auto problem = response.json();
  if (!problem.is_object()) {
    if (!response.body.empty()) out += ": " + response.body.substr(0, 500);
    return out;
  }
  if (problem.contains("title") && problem["title"].is_string())
    out += " " + problem["title"].get<std::string>();
  if (problem.contains("detail") && problem["detail"].is_string())
    out += ": " + problem["detail"].get<std::string>();
  if (problem.contains("errors") && problem["errors"].is_array()) {
    for (const auto& error : problem["errors"]) {
      out += "\n  " + error.value("pointer", std::string()) + ": " +
             error.value("message", std::string());
    }
  }
  if (problem.contains("instance") && problem["instance"].is_string())
    out += "\n  (request id " + problem["instance"].get<std::string>() + ")";
  return out;
}

PortalClient::PortalClient(PortalUrl url, std::chrono::seconds timeout)
    : url_(std::move(url)), timeout_(timeout) {}

Result<ApiResponse> PortalClient::request(
    std::string_view method, std::string_view path_with_query,
    const std::optional<std::string>& body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  beast::http::request<beast::http::string_body> req;
  req.method_string(std::string(method));
  req.target(std::string(path_with_query));
  req.version(11);
  req.set(beast::http::field::host, url_.host + ":" + url_.port);
  req.set(beast::http::field::user_agent, "candela-ctl/0.1");
  req.set(beast::http::field::accept, "application/json, application/problem+json");
  req.set(beast::http::field::connection, "close");
  if (body) {
    req.set(beast::http::field::content_type, "application/json");
    req.body() = *body;
  }
  for (const auto& [name, value] : headers)
    req.set(name, value);
  if (api_key_) {
    const auto timestamp = static_cast<std::int64_t>(std::time(nullptr));
    const std::string key = portal::derive_signing_key(api_key_->secret);
    const std::string signature =
        portal::sign_request(key, method, path_with_query, timestamp, body.value_or(""));
    req.set(beast::http::field::authorization,
            portal::authorization_header(api_key_->key_id, timestamp, signature));
  } else if (session_) {
    req.set(beast::http::field::cookie, "candela_session=" + session_->cookie);
    if (method != "GET" && method != "HEAD") req.set("X-CSRF-Token", session_->csrf_token);
  }
  req.prepare_payload();

  try {
    net::io_context io;
    net::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(timeout_);
    stream.connect(resolver.resolve(url_.host, url_.port));
    beast::http::write(stream, req);
    beast::flat_buffer buffer;
    beast::http::response_parser<beast::http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::http::read(stream, buffer, parser);
    const auto& res = parser.get();
    ApiResponse response;
    response.status = static_cast<int>(res.result_int());
    for (const auto& field : res)
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    response.body = res.body();
    beast::error_code ignored;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    return response;
  } catch (const std::exception& e) {
    return Error{"cannot reach the portal at " + url_.text + ": " + e.what(),
                 ErrorKind::kUnavailable};
  }
}

}  // namespace candela::ctl
