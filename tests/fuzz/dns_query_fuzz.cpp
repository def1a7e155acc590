// Fuzz target: the router's DNS answer to any packet must never crash, and whatever it sends
// back must be a well-formed response to that query (ldns reads it, QR set, the query's id).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "router/coverage_zone.hpp"
#include "router/dns_answer.hpp"
#include "router/ldns_include.hpp"
#include "router/monitor_state.hpp"
#include "router/routing_table.hpp"

namespace {

using namespace candela::router;

MonitorEdge make_edge(std::string id, std::string group, std::string address) {
  MonitorEdge e;
  e.edge_id = std::move(id);
  e.cache_group = std::move(group);
  e.role = "edge";
  e.address = std::move(address);
  e.available = true;
  e.state = "up";
  return e;
}

const RoutingTable& table() {
  static const RoutingTable instance = [] {
    auto zone = parse_coverage_zone(R"({"default_group": "lon1", "groups": [
      {"name": "lon1", "networks": ["127.0.0.0/8", "2001:db8:1::/48"]},
      {"name": "ams1", "networks": ["10.2.0.0/16"], "fallbacks": ["lon1"]}]})");
    if (!zone.ok()) std::abort();
    MonitorState state;
    state.monitor_id = "fuzz";
    state.sequence = 1;
    state.cdn_domain = "cdn.fuzz.test";
    state.edges = {make_edge("edge-a", "lon1", "127.0.0.11:80"),
                   make_edge("edge-b", "lon1", "[2001:db8:1::1]:80"),
                   make_edge("edge-c", "ams1", "10.2.0.1:8080")};
    state.services = {"AB12CD34E"};
    return RoutingTable(std::make_shared<const CoverageZone>(std::move(zone.value())),
                        std::move(state), 1);
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const DnsZone zone = [] {
    DnsZone z;
    z.domain = "cdn.fuzz.test";
    z.ns_address = parse_ip_address("127.0.0.53");
    return z;
  }();
  static const IpAddress client = parse_ip_address("127.0.0.1").value();
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  std::string out;
  for (bool tcp : {false, true}) {
    const DnsOutcome outcome = answer_dns_query(&table(), query, client, tcp, zone, out);
    if (outcome == DnsOutcome::kDrop) {
      if (!out.empty()) std::abort();
      continue;
    }
    ldns_pkt* reply = nullptr;
    if (ldns_wire2pkt(&reply, reinterpret_cast<const std::uint8_t*>(out.data()), out.size()) !=
        LDNS_STATUS_OK) {
      std::abort();
    }
    const bool well_formed = ldns_pkt_qr(reply) && size >= 2 &&
                             ldns_pkt_id(reply) == ((data[0] << 8) | data[1]) &&
                             (tcp || out.size() <= 65535);
    ldns_pkt_free(reply);
    if (!well_formed) std::abort();
  }
  return 0;
}
