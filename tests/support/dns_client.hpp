// A small DNS client for tests: one query over UDP or TCP to 127.0.0.1, the reply parsed with
// ldns (the same library the router builds its answers with, but none of the router's code).
#pragma once

#include <memory>
#include <set>
#include <string>

#include "router/ldns_include.hpp"

namespace candela::testing {

struct DnsPacketFree {
  void operator()(ldns_pkt* packet) const { ldns_pkt_free(packet); }
};
using DnsPacket = std::unique_ptr<ldns_pkt, DnsPacketFree>;

// Sends one query (recursion desired, no EDNS) and waits up to 3 s; null on no or bad reply.
DnsPacket ask_udp(int port, const std::string& name, ldns_rr_type type);
DnsPacket ask_tcp(int port, const std::string& name, ldns_rr_type type);

// The addresses of the A records in the answer section, as text ("127.0.0.11").
std::set<std::string> a_records(ldns_pkt* packet);

}  // namespace candela::testing
