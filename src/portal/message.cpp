// Request and Response helpers: header lookup, percent coding and request-target splitting.
#include "portal/message.hpp"

#include "http/headers.hpp"

namespace candela::portal {

std::optional<std::string> find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [field, value] : headers) {
    if (http::iequals(field, name)) return value;
  }
  return std::nullopt;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

const std::string& Request::param(std::string_view name) const {
  static const std::string kEmpty;
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

void Response::set_header(std::string_view name, std::string value) {
  std::erase_if(headers, [&](const auto& field) { return http::iequals(field.first, name); });
  headers.emplace_back(std::string(name), std::move(value));
}

Response Response::with_body(int status, std::string content_type, std::string body) {
  Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", std::move(content_type));
  response.body = std::move(body);
  return response;
}

bool set_target(Request& request, std::string_view target) {
  if (target.empty() || target.front() != '/') return false;
  request.target = std::string(target);
  auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  request.query.clear();
  if (question == std::string_view::npos) return true;
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto equals = pair.find('=');
    auto key = percent_decode(pair.substr(0, equals), true);
    auto value = percent_decode(
        equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1), true);
    if (!key || !value) return false;
    request.query.emplace_back(std::move(*key), std::move(*value));
  }
  return true;
}

}  // namespace candela::portal
