// Request and Response of the portal's HTTP layer: plain values, free of Beast, for handlers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/url_encoding.hpp"

namespace candela::portal {

// Field lines in arrival order; names compare case-insensitively (RFC 9110 §5.1).
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// First value of field `name` in `headers`, or nullopt.
std::optional<std::string> find_header(const HeaderList& headers, std::string_view name);

struct Request {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // request-target as sent: path and query, still percent-encoded
  std::string path;    // the path part of `target`, still percent-encoded
  // Path parameters from the route template, percent-decoded (set by the Router).
  std::map<std::string, std::string, std::less<>> params;
  // Query parameters in order, percent-decoded ('+' is a space).
  std::vector<std::pair<std::string, std::string>> query;
  HeaderList headers;
  std::string body;
  std::string client_address;  // "ip:port" of the peer
  std::string request_id;      // unique per request; echoed as X-Request-Id and in problems

  std::optional<std::string> header(std::string_view name) const {
    return find_header(headers, name);
  }
  // First value of query parameter `name`, or nullopt.
  std::optional<std::string> query_param(std::string_view name) const;
  // Path parameter `name`; empty if the route has none of that name.
  const std::string& param(std::string_view name) const;
};

struct Response {
  int status = 200;
  HeaderList headers;
  std::string body;

  std::optional<std::string> header(std::string_view name) const {
    return find_header(headers, name);
  }
  // Replaces every field named `name` with one line.
  void set_header(std::string_view name, std::string value);
  void add_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }

  // A body with its Content-Type.
  static Response with_body(int status, std::string content_type, std::string body);
};

// Percent-encoding lives with the other URL helpers in the http library.
using http::percent_decode;
using http::percent_encode;

// Splits a request-target into request.target, path and decoded query; false if the target is
// not origin-form ("/...") or a query escape is malformed.
bool set_target(Request& request, std::string_view target);

}  // namespace candela::portal
