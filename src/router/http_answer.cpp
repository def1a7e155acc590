// Building the router's HTTP responses into a reused buffer.
#include "router/http_answer.hpp"

#include "common/rendezvous_hash.hpp"
#include "http/serialize.hpp"

namespace candela::router {

namespace {

constexpr std::size_t kMaxDnsName = 253;

void append_common(std::string& out, const HttpAnswerContext& context) {
  out += "Date: ";
  out += context.date;
  out += "\r\nServer: candela-router\r\nCache-Control: no-store\r\n";
  if (context.close) out += "Connection: close\r\n";
}

bool all_ipv4_chars(std::string_view host) {
  for (const char c : host) {
    if (c != '.' && (c < '0' || c > '9')) return false;
  }
  return true;
}

}  // namespace

bool routable_host(std::string_view host, std::string& out) {
  out.clear();
  if (host.empty() || host.front() == '[') return false;  // absent, or an IPv6 literal
  const std::size_t colon = host.find(':');
  if (colon != std::string_view::npos) host = host.substr(0, colon);
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty() || host.size() > kMaxDnsName || all_ipv4_chars(host)) return false;
  std::size_t label = 0;
  char previous = '.';
  for (const char c : host) {
    if (c == '.') {
      if (label == 0 || previous == '-') return false;  // empty label, or one ending in '-'
      label = 0;
      previous = c;
      out.push_back(c);
      continue;
    }
    if (c == '-' && label == 0) return false;  // a label starting with '-'
    previous = c;
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    const bool upper = c >= 'A' && c <= 'Z';
    if (!ok && !upper) return false;
    if (++label > 63) return false;
    out.push_back(upper ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return label > 0 && previous != '-';
}

void append_problem(std::string& out, int status, std::string_view slug, std::string_view title,
                    std::string_view detail, const HttpAnswerContext& context, bool head_request) {
  http::append_status_line(out, status, {});
  append_common(out, context);
  out += "Content-Type: application/problem+json\r\nContent-Length: ";
  std::string body;  // error path: one small allocation is fine here
  body += "{\"type\":\"https://candela.dev/problems/";
  body += slug;
  body += "\",\"title\":\"";
  body += title;
  body += "\",\"status\":";
  http::append_decimal(body, static_cast<std::uint64_t>(status));
  body += ",\"detail\":\"";
  body += detail;
  body += "\"}\n";
  http::append_decimal(out, body.size());
  out += "\r\n\r\n";
  if (!head_request) out += body;
}

HttpOutcome answer_http_request(const RoutingTable* table, const http::RequestHead& head,
                                const IpAddress& client, const HttpAnswerContext& context,
                                std::string& out) {
  const bool head_request = head.method == "HEAD";
  thread_local std::string host;
  thread_local std::string key;
  if (!routable_host(head.host, host) || head.path.empty()) {
    append_problem(out, 400, "bad-request", "Bad request",
                   "the router needs a Host field naming a property host name (not an IP "
                   "address) and a path",
                   context, head_request);
    return HttpOutcome::kBadRequest;
  }
  const RoutedEdge* edge = nullptr;
  if (table != nullptr) {
    const auto lookup = table->zone().lookup(client);
    const CandidateSet& set = table->candidates(lookup.group, AddressNeed::kAny);
    key.assign(host);
    key.append(head.path);
    std::uint32_t chosen = 0;
    if (table->choose(set, stable_hash(key), &chosen, 1) == 1) edge = &table->edges()[chosen];
  }
  if (edge == nullptr) {
    append_problem(out, 503, "no-edge-available", "No edge available",
                   "no healthy edge can take this request now; try again shortly", context,
                   head_request);
    return HttpOutcome::kNoEdge;
  }
  if (edge->label.size() + 1 + host.size() + 1 + context.domain.size() > kMaxDnsName) {
    append_problem(out, 400, "bad-request", "Bad request",
                   "the Host name is too long to route under the CDN domain", context,
                   head_request);
    return HttpOutcome::kBadRequest;
  }
  out += "HTTP/1.1 302 Found\r\nLocation: ";
  const std::size_t location_begin = out.size();
  out += "http://";
  out += edge->label;
  out += '.';
  out += host;
  out += '.';
  out += context.domain;
  out += edge->port_suffix;
  out += head.path;
  if (!head.query.empty()) {
    out += '?';
    out += head.query;
  }
  const std::size_t location_end = out.size();
  out += "\r\n";
  append_common(out, context);
  out += "Candela-Edge: ";
  out += edge->id;
  out += "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ";
  constexpr std::string_view kPrefix = "Redirecting to ";
  http::append_decimal(out, kPrefix.size() + (location_end - location_begin) + 1);
  out += "\r\n\r\n";
  if (!head_request) {
    out += kPrefix;
    // Copy through an index: appending from `out` to itself may reallocate.
    for (std::size_t i = location_begin; i < location_end; ++i)
      out.push_back(out[i]);
    out += '\n';
  }
  return HttpOutcome::kRedirect;
}

}  // namespace candela::router
