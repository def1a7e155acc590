// Route table and dispatch: template matching, 404/405/HEAD and the last-resort 500.
#include "portal/router.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "portal/problem.hpp"

namespace candela::portal {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  path.remove_prefix(1);  // the leading '/'
  while (true) {
    auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// Decoded segments of a percent-encoded path; nullopt if it is not a path or an escape is bad.
std::optional<std::vector<std::string>> decode_segments(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string> segments;
  for (auto part : split_path(path)) {
    auto decoded = percent_decode(part, false);
    if (!decoded) return std::nullopt;
    segments.push_back(std::move(*decoded));
  }
  return segments;
}

}  // namespace

void Router::add(std::string method, std::string_view path_template, Handler handler) {
  if (path_template.empty() || path_template.front() != '/') {
    throw std::invalid_argument("route template must start with '/': " +
                                std::string(path_template));
  }
  Route route{std::move(method), {}, std::move(handler)};
  for (auto part : split_path(path_template)) {
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      route.segments.push_back({std::string(part.substr(1, part.size() - 2)), true});
      if (route.segments.back().text.empty()) {
        throw std::invalid_argument("empty parameter name in " + std::string(path_template));
      }
    } else if (part.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument("malformed route segment in " + std::string(path_template));
    } else {
      route.segments.push_back({std::string(part), false});
    }
  }
  for (const auto& existing : routes_) {
    bool same = existing.method == route.method &&
                existing.segments.size() == route.segments.size() &&
                std::equal(existing.segments.begin(), existing.segments.end(),
                           route.segments.begin(), [](const Segment& a, const Segment& b) {
                             return a.parameter == b.parameter && (a.parameter || a.text == b.text);
                           });
    if (same) {
      throw std::invalid_argument("duplicate route " + route.method + " " +
                                  std::string(path_template));
    }
  }
  routes_.push_back(std::move(route));
}

std::vector<const Router::Route*> Router::matching(const std::vector<std::string>& segments) const {
  std::vector<const Route*> found;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      const Segment& want = route.segments[i];
      match = want.parameter ? !segments[i].empty() : want.text == segments[i];
    }
    if (match) found.push_back(&route);
  }
  // "/services/new" must win over "/services/{scid}": compare literal-ness left to right.
  std::stable_sort(found.begin(), found.end(), [](const Route* a, const Route* b) {
    for (std::size_t i = 0; i < a->segments.size(); ++i) {
      if (a->segments[i].parameter != b->segments[i].parameter) return !a->segments[i].parameter;
    }
    return false;
  });
  return found;
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& route : routes_) {
    std::string path;
    for (const auto& segment : route.segments)
      path += segment.parameter ? "/{" + segment.text + "}" : "/" + segment.text;
    out.push_back({route.method, path.empty() ? "/" : path});
  }
  return out;
}

bool Router::has_path(std::string_view path) const {
  auto segments = decode_segments(path);
  return segments && !matching(*segments).empty();
}

Response Router::dispatch(const Request& request) const {
  auto segments = decode_segments(request.path);
  if (!segments) {
    return bad_request("the request path is not a valid percent-encoded path")
        .to_response(request.request_id);
  }
  auto candidates = matching(*segments);
  if (candidates.empty()) {
    return not_found("no resource at " + request.path).to_response(request.request_id);
  }
  bool head = request.method == "HEAD";
  const Route* chosen = nullptr;
  for (const Route* route : candidates) {
    if (route->method == request.method) {
      chosen = route;
      break;
    }
  }
  if (!chosen && head) {
    for (const Route* route : candidates) {
      if (route->method == "GET") {
        chosen = route;
        break;
      }
    }
  }
  if (!chosen) {
    std::vector<std::string> allowed;
    for (const Route* route : candidates)
      allowed.push_back(route->method);
    if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) {
      allowed.emplace_back("HEAD");
    }
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    return method_not_allowed(allowed).to_response(request.request_id);
  }

  Request routed = request;
  routed.params.clear();
  for (std::size_t i = 0; i < chosen->segments.size(); ++i) {
    if (chosen->segments[i].parameter) {
      routed.params[chosen->segments[i].text] = (*segments)[i];
    }
  }
  Response response;
  try {
    response = chosen->handler(routed);
  } catch (const std::exception& error) {
    spdlog::error("portal request {} {} {} failed: {}", request.request_id, request.method,
                  request.path, error.what());
    return internal_error().to_response(request.request_id);
  } catch (...) {
    spdlog::error("portal request {} {} {} failed with a non-standard exception",
                  request.request_id, request.method, request.path);
    return internal_error().to_response(request.request_id);
  }
  if (head) {
    if (!response.header("Content-Length")) {
      response.set_header("Content-Length", std::to_string(response.body.size()));
    }
    response.body.clear();
  }
  return response;
}

}  // namespace candela::portal
