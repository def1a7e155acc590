// The per-thread DNS answer cache in front of answer_dns_query.
#include "router/dns_responder.hpp"

#include <cstring>

namespace candela::router {

DnsResponder::DnsResponder(const RoutingState& state, const DnsZone& zone, RouterMetrics& metrics)
    : view_(state), zone_(zone), metrics_(metrics) {
  cache_.reserve(1024);
}

void DnsResponder::count(DnsOutcome outcome) {
  switch (outcome) {
    case DnsOutcome::kAnswer:
      metrics_.dns_answer.inc();
      break;
    case DnsOutcome::kNoData:
      metrics_.dns_nodata.inc();
      break;
    case DnsOutcome::kNxDomain:
      metrics_.dns_nxdomain.inc();
      break;
    case DnsOutcome::kRefused:
      metrics_.dns_refused.inc();
      break;
    case DnsOutcome::kServFail:
      metrics_.dns_servfail.inc();
      break;
    case DnsOutcome::kNotImp:
      metrics_.dns_notimp.inc();
      break;
    case DnsOutcome::kFormErr:
      metrics_.dns_formerr.inc();
      break;
    case DnsOutcome::kDrop:
      metrics_.dns_dropped.inc();
      break;
  }
}

bool DnsResponder::respond(std::string_view query, const IpAddress& client, bool tcp,
                           std::string& out) {
  const RoutingTable* table = view_.get();
  // Uncached: no state yet, or too short to carry an id (dropped anyway).
  if (table == nullptr || query.size() < 12) {
    const DnsOutcome outcome = answer_dns_query(table, query, client, tcp, zone_, out);
    count(outcome);
    return outcome != DnsOutcome::kDrop;
  }
  if (table->version() != cache_version_) {
    cache_.clear();
    cache_version_ = table->version();
  }
  // Key: transport, the client's group (decides answers without ECS), the query minus its id.
  const auto group = static_cast<std::uint32_t>(table->zone().lookup(client).group);
  key_.clear();
  key_.push_back(tcp ? 't' : 'u');
  key_.append(reinterpret_cast<const char*>(&group), sizeof group);
  key_.append(query.substr(2));
  if (const auto hit = cache_.find(std::string_view(key_)); hit != cache_.end()) {
    metrics_.dns_cache_hit.inc();
    out.assign(hit->second.wire);
    out[0] = query[0];
    out[1] = query[1];
    count(hit->second.outcome);
    return true;
  }
  metrics_.dns_cache_miss.inc();
  const DnsOutcome outcome = answer_dns_query(table, query, client, tcp, zone_, out);
  count(outcome);
  if (outcome == DnsOutcome::kDrop) return false;
  if (cache_.size() >= kMaxEntries) cache_.clear();
  cache_.emplace(key_, Cached{out, outcome});
  return true;
}

}  // namespace candela::router
