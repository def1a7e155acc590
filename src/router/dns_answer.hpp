// DNS mode's answer to one query packet (authoritative for the CDN domain), built with ldns.
// Pure (no sockets): the servers call it, and tests feed it packets built with ldns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "router/ip_address.hpp"
#include "router/routing_table.hpp"

namespace candela::router {

enum class DnsOutcome : std::uint8_t {
  kAnswer,    // NOERROR with records
  kNoData,    // NOERROR, empty answer, SOA in authority
  kNxDomain,  // under the domain but no such name
  kRefused,   // outside the domain, or a class other than IN
  kServFail,  // no edge available anywhere (or no state yet)
  kNotImp,    // opcode other than QUERY
  kFormErr,   // unparsable with a readable header, or a bad EDNS Client Subnet
  kDrop,      // not even a header, or a response: nothing is sent
};

struct DnsZone {
  std::string domain;                   // lower case, no trailing dot, e.g. cdn.candela.test
  std::uint32_t ttl = 20;               // answers, SOA minimum
  std::size_t max_answers = 2;          // A/AAAA records per service answer
  std::optional<IpAddress> ns_address;  // the router's own DNS address, for ns1.<domain>
};

// Writes the reply to `query` (from `client`, over TCP or UDP) into `out` (replacing it).
// `table` nullptr means no monitor answered yet (SERVFAIL inside the domain).
DnsOutcome answer_dns_query(const RoutingTable* table, std::string_view query,
                            const IpAddress& client, bool tcp, const DnsZone& zone,
                            std::string& out);

}  // namespace candela::router
