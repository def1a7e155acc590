// HTTP mode's answer to one parsed request: a 302 to the chosen edge's routed host name
// (`<edge_id>.<host>.<domain>`), a 400 for a Host that cannot be routed, a 503 when no edge is
// available. Pure (no sockets), so every case is unit-tested.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "router/ip_address.hpp"
#include "router/routing_table.hpp"

namespace candela::router {

enum class HttpOutcome : std::uint8_t { kRedirect, kBadRequest, kNoEdge };

struct HttpAnswerContext {
  std::string_view domain;  // --domain, lower case, no trailing dot
  std::string_view date;    // IMF-fixdate for the Date field
  bool close = false;       // add Connection: close
};

// Appends the whole response to `out`. `table` may be nullptr (no monitor answered yet: 503).
HttpOutcome answer_http_request(const RoutingTable* table, const http::RequestHead& head,
                                const IpAddress& client, const HttpAnswerContext& context,
                                std::string& out);

// Appends an application/problem+json response (400, 431, 503, ...). `slug` completes
// https://candela.dev/problems/<slug>; `detail` must be plain ASCII without quotes.
void append_problem(std::string& out, int status, std::string_view slug, std::string_view title,
                    std::string_view detail, const HttpAnswerContext& context, bool head_request);

// The Host field made routable: port and a trailing dot removed, lower case, a DNS name of
// letters, digits, '-' and '_' labels (no IP literal: there is no property to route).
// False when it is not one.
bool routable_host(std::string_view host_field, std::string& out);

}  // namespace candela::router
