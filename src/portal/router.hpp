// Routes requests by method and path template ("/api/v1/services/{scid}") to handlers.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "portal/message.hpp"

namespace candela::portal {

// A handler may return any Response (problems included); an exception it throws becomes a
// 500 problem whose cause is logged, never sent.
using Handler = std::function<Response(const Request&)>;

class Router {
 public:
  // `path_template`: "/" separated segments, each a literal or "{name}" matching one non-empty
  // segment. Throws std::invalid_argument for a malformed template or a duplicate route
  // (a start-up error).
  void add(std::string method, std::string_view path_template, Handler handler);

  // Runs the matching handler. Path parameters are filled into a copy of the request. Unknown
  // path: 404; known path, other method: 405 with Allow; HEAD runs the GET handler and keeps
  // the headers (with the body's Content-Length) but not the body. Never throws.
  Response dispatch(const Request& request) const;

  // True if some route's template matches `path` (percent-encoded, without query).
  bool has_path(std::string_view path) const;

  struct RouteInfo {
    std::string method;
    std::string path_template;  // as registered, e.g. "/api/v1/services/{scid}"
  };
  // Every registered route in registration order (tests walk them all, e.g. for tenancy).
  std::vector<RouteInfo> routes() const;

 private:
  struct Segment {
    std::string text;  // literal, or the parameter name
    bool parameter = false;
  };
  struct Route {
    std::string method;
    std::vector<Segment> segments;
    Handler handler;
  };

  // Routes whose template matches, most specific first (a literal beats a parameter).
  std::vector<const Route*> matching(const std::vector<std::string>& segments) const;

  std::vector<Route> routes_;
};

}  // namespace candela::portal
