// Recognising "<edge_id>.<alias>.<routing_domain>" without allocating.
#include "edge/routed_host.hpp"

#include "edge/edge_config.hpp"
#include "http/headers.hpp"
#include "http/text.hpp"

namespace candela::edge {

std::string_view routed_alias(std::string_view host, std::string_view edge_id,
                              std::string_view routing_domain) noexcept {
  if (routing_domain.empty() || edge_id.empty() || host.empty()) return {};
  // An IPv6 literal is never a routed name; otherwise ":port" ends the name.
  if (host.front() == '[') return {};
  if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  // edge_id "." alias "." routing_domain, with a non-empty alias.
  if (host.size() < edge_id.size() + routing_domain.size() + 3) return {};
  const std::string_view suffix = host.substr(host.size() - routing_domain.size());
  const std::string_view prefix = host.substr(0, edge_id.size());
  if (!http::iequals(suffix, routing_domain) || !http::iequals(prefix, edge_id)) return {};
  if (host[edge_id.size()] != '.' || host[host.size() - routing_domain.size() - 1] != '.') {
    return {};
  }
  std::string_view alias =
      host.substr(edge_id.size() + 1, host.size() - edge_id.size() - routing_domain.size() - 2);
  if (alias.empty() || alias.front() == '.' || alias.back() == '.') return {};
  return alias;
}

Result<std::string> normalize_routing_domain(std::string_view text) {
  std::string domain;
  domain.reserve(text.size());
  for (char c : text)
    domain += http::ascii_lower(c);
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  if (!valid_host_name(domain)) {
    return Error{"routing domain \"" + std::string(text) +
                 "\" is not a host name (e.g. \"cdn.example.net\")"};
  }
  return domain;
}

}  // namespace candela::edge
