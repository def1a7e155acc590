// Authoritative answers for the CDN domain: the apex (SOA, NS), ns1, services (chosen edges)
// and routed edge names, with EDNS and EDNS Client Subnet (RFC 7871).
#include "router/dns_answer.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include "common/rendezvous_hash.hpp"
#include "router/ldns_include.hpp"

namespace candela::router {

namespace {

constexpr std::size_t kMaxLabels = 128;
constexpr std::uint16_t kAdvertisedUdpSize = 1232;  // DNS flag day 2020
constexpr std::uint16_t kEcsOption = 8;

struct PacketDeleter {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using Packet = std::unique_ptr<ldns_pkt, PacketDeleter>;

// The query name split into lower-cased labels (views into `storage`).
struct Name {
  std::array<std::string_view, kMaxLabels> labels;
  std::size_t count = 0;
  std::string storage;
};

bool split_name(const ldns_rdf* owner, Name& name) {
  const std::uint8_t* data = ldns_rdf_data(owner);
  const std::size_t size = ldns_rdf_size(owner);
  name.storage.assign(reinterpret_cast<const char*>(data), size);
  for (char& c : name.storage) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::size_t pos = 0;
  while (pos < size) {
    const std::size_t length = static_cast<std::uint8_t>(name.storage[pos]);
    if (length == 0) return true;
    if (pos + 1 + length > size || name.count == kMaxLabels) return false;
    name.labels[name.count++] = std::string_view(name.storage).substr(pos + 1, length);
    pos += 1 + length;
  }
  return false;
}

// Labels of the domain, e.g. {"cdn","candela","test"}.
std::size_t domain_labels(std::string_view domain, std::array<std::string_view, kMaxLabels>& out) {
  std::size_t count = 0;
  while (!domain.empty() && count < kMaxLabels) {
    const std::size_t dot = domain.find('.');
    out[count++] = domain.substr(0, dot);
    if (dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
  return count;
}

struct ClientSubnet {
  std::uint16_t family = 0;
  std::uint8_t source = 0;
  IpAddress address;
  std::string raw_address;  // the address bytes as sent (ceil(source/8))
};

// Reads the ECS option; false when it is malformed (FORMERR per RFC 7871 §7.1.1).
bool read_client_subnet(ldns_pkt* query, std::optional<ClientSubnet>& out) {
  ldns_edns_option_list* options = ldns_pkt_edns_get_option_list(query);
  if (options == nullptr) return true;
  const std::size_t count = ldns_edns_option_list_get_count(options);
  for (std::size_t i = 0; i < count; ++i) {
    ldns_edns_option* option = ldns_edns_option_list_get_option(options, i);
    if (ldns_edns_get_code(option) != kEcsOption) continue;
    const std::size_t size = ldns_edns_get_size(option);
    const std::uint8_t* data = ldns_edns_get_data(option);
    if (size < 4) return false;
    ClientSubnet ecs;
    ecs.family = static_cast<std::uint16_t>(data[0] << 8 | data[1]);
    ecs.source = data[2];
    const std::uint8_t scope = data[3];
    if (ecs.family == 1) {
      ecs.address.family = IpFamily::kV4;
    } else if (ecs.family == 2) {
      ecs.address.family = IpFamily::kV6;
    } else {
      return false;
    }
    const std::size_t address_bytes = (ecs.source + 7u) / 8u;
    if (ecs.source > ecs.address.bit_width() || scope != 0 || size - 4 != address_bytes) {
      return false;
    }
    std::memcpy(ecs.address.bytes.data(), data + 4, address_bytes);
    if (masked(ecs.address, ecs.source) != ecs.address) return false;  // bits past the source
    ecs.raw_address.assign(reinterpret_cast<const char*>(data + 4), address_bytes);
    out = std::move(ecs);
    return true;
  }
  return true;
}

ldns_rdf* dname(const std::string& text) {
  return ldns_dname_new_frm_str(text.c_str());
}

ldns_rr* address_rr(const ldns_rdf* owner, const IpAddress& ip, std::uint32_t ttl) {
  ldns_rr* rr = ldns_rr_new();
  ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
  ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
  ldns_rr_set_ttl(rr, ttl);
  if (ip.family == IpFamily::kV4) {
    ldns_rr_set_type(rr, LDNS_RR_TYPE_A);
    ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 4, ip.bytes.data()));
  } else {
    ldns_rr_set_type(rr, LDNS_RR_TYPE_AAAA);
    ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, 16, ip.bytes.data()));
  }
  return rr;
}

ldns_rr* soa_rr(const DnsZone& zone, std::uint64_t sequence) {
  ldns_rr* rr = ldns_rr_new_frm_type(LDNS_RR_TYPE_SOA);
  ldns_rr_set_owner(rr, dname(zone.domain + "."));
  ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
  ldns_rr_set_ttl(rr, zone.ttl);
  ldns_rr_set_rdf(rr, dname("ns1." + zone.domain + "."), 0);
  ldns_rr_set_rdf(rr, dname("hostmaster." + zone.domain + "."), 1);
  const std::uint32_t values[5] = {static_cast<std::uint32_t>(sequence), 3600, 600, 86400,
                                   zone.ttl};
  for (std::size_t i = 0; i < 5; ++i) {
    ldns_rr_set_rdf(rr, ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, values[i]), i + 2);
  }
  return rr;
}

ldns_rr* ns_rr(const DnsZone& zone) {
  ldns_rr* rr = ldns_rr_new();
  ldns_rr_set_owner(rr, dname(zone.domain + "."));
  ldns_rr_set_type(rr, LDNS_RR_TYPE_NS);
  ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
  ldns_rr_set_ttl(rr, zone.ttl);
  ldns_rr_push_rdf(rr, dname("ns1." + zone.domain + "."));
  return rr;
}

bool wants(ldns_rr_type qtype, const IpAddress& ip) {
  return (qtype == LDNS_RR_TYPE_A && ip.family == IpFamily::kV4) ||
         (qtype == LDNS_RR_TYPE_AAAA && ip.family == IpFamily::kV6);
}

// Serialises `reply` into `out`; over UDP an answer larger than the client can take is sent
// again without records and with TC set, so the client retries over TCP.
void to_wire(ldns_pkt* reply, std::size_t limit, std::string& out) {
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  if (ldns_pkt2wire(&wire, reply, &size) != LDNS_STATUS_OK) {
    out.clear();
    return;
  }
  if (size > limit) {
    LDNS_FREE(wire);
    ldns_rr_list_deep_free(ldns_pkt_answer(reply));
    ldns_rr_list_deep_free(ldns_pkt_authority(reply));
    ldns_rr_list_deep_free(ldns_pkt_additional(reply));
    ldns_pkt_set_answer(reply, ldns_rr_list_new());
    ldns_pkt_set_authority(reply, ldns_rr_list_new());
    ldns_pkt_set_additional(reply, ldns_rr_list_new());
    ldns_pkt_set_ancount(reply, 0);
    ldns_pkt_set_nscount(reply, 0);
    ldns_pkt_set_arcount(reply, 0);
    ldns_pkt_set_tc(reply, true);
    if (ldns_pkt2wire(&wire, reply, &size) != LDNS_STATUS_OK) {
      out.clear();
      return;
    }
  }
  out.assign(reinterpret_cast<const char*>(wire), size);
  LDNS_FREE(wire);
}

// A reply carrying only the header of an unparsable query: its id and opcode, the rcode.
void header_only_reply(std::string_view query, ldns_pkt_rcode rcode, std::string& out) {
  Packet reply(ldns_pkt_new());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(query.data());
  ldns_pkt_set_id(reply.get(), static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]));
  ldns_pkt_set_qr(reply.get(), true);
  ldns_pkt_set_opcode(reply.get(), static_cast<ldns_pkt_opcode>((bytes[2] >> 3) & 0x0f));
  ldns_pkt_set_rd(reply.get(), (bytes[2] & 0x01) != 0);
  ldns_pkt_set_rcode(reply.get(), rcode);
  to_wire(reply.get(), 512, out);
}

}  // namespace

DnsOutcome answer_dns_query(const RoutingTable* table, std::string_view query,
                            const IpAddress& client, bool tcp, const DnsZone& zone,
                            std::string& out) {
  out.clear();
  if (query.size() < LDNS_HEADER_SIZE) return DnsOutcome::kDrop;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(query.data());
  if ((bytes[2] & 0x80) != 0) return DnsOutcome::kDrop;  // a response: never answer those
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, bytes, query.size()) != LDNS_STATUS_OK) {
    if (parsed != nullptr) ldns_pkt_free(parsed);
    const bool other_opcode = ((bytes[2] >> 3) & 0x0f) != LDNS_PACKET_QUERY;
    header_only_reply(query, other_opcode ? LDNS_RCODE_NOTIMPL : LDNS_RCODE_FORMERR, out);
    return other_opcode ? DnsOutcome::kNotImp : DnsOutcome::kFormErr;
  }
  Packet request(parsed);
  Packet reply(ldns_pkt_new());
  ldns_pkt* r = reply.get();
  ldns_pkt_set_id(r, ldns_pkt_id(parsed));
  ldns_pkt_set_qr(r, true);
  ldns_pkt_set_opcode(r, ldns_pkt_get_opcode(parsed));
  ldns_pkt_set_rd(r, ldns_pkt_rd(parsed));
  ldns_pkt_set_cd(r, ldns_pkt_cd(parsed));
  ldns_rr_list* question = ldns_pkt_question(parsed);
  if (ldns_rr_list_rr_count(question) == 1) {
    ldns_rr_list_deep_free(ldns_pkt_question(r));
    ldns_pkt_set_question(r, ldns_rr_list_clone(question));
    ldns_pkt_set_qdcount(r, 1);
  }

  const bool edns = ldns_pkt_edns(parsed);
  std::size_t limit = tcp ? 65535 : 512;
  if (edns) {
    ldns_pkt_set_edns_udp_size(r, kAdvertisedUdpSize);
    ldns_pkt_set_edns_do(r, ldns_pkt_edns_do(parsed));
    if (!tcp) {
      limit = std::clamp<std::size_t>(ldns_pkt_edns_udp_size(parsed), 512, kAdvertisedUdpSize);
    }
  }
  const auto finish = [&](ldns_pkt_rcode rcode, DnsOutcome outcome) {
    ldns_pkt_set_rcode(r, rcode);
    to_wire(r, limit, out);
    return out.empty() ? DnsOutcome::kDrop : outcome;
  };

  if (ldns_pkt_get_opcode(parsed) != LDNS_PACKET_QUERY) {
    return finish(LDNS_RCODE_NOTIMPL, DnsOutcome::kNotImp);
  }
  if (ldns_rr_list_rr_count(question) != 1) return finish(LDNS_RCODE_FORMERR, DnsOutcome::kFormErr);
  if (edns && ldns_pkt_edns_version(parsed) != 0) {
    ldns_pkt_set_edns_extended_rcode(r, 1);  // BADVERS (16) = extended 1, rcode 0
    return finish(LDNS_RCODE_NOERROR, DnsOutcome::kFormErr);
  }
  std::optional<ClientSubnet> ecs;
  if (edns && !read_client_subnet(parsed, ecs)) {
    return finish(LDNS_RCODE_FORMERR, DnsOutcome::kFormErr);
  }

  const ldns_rr* q = ldns_rr_list_rr(question, 0);
  const ldns_rdf* owner = ldns_rr_owner(q);
  const ldns_rr_type qtype = ldns_rr_get_type(q);
  Name name;
  std::array<std::string_view, kMaxLabels> apex{};
  const std::size_t apex_count = domain_labels(zone.domain, apex);
  if (!split_name(owner, name)) return finish(LDNS_RCODE_FORMERR, DnsOutcome::kFormErr);
  bool inside = name.count >= apex_count;
  for (std::size_t i = 0; inside && i < apex_count; ++i) {
    inside = name.labels[name.count - apex_count + i] == apex[i];
  }
  if (!inside || ldns_rr_get_class(q) != LDNS_RR_CLASS_IN) {
    return finish(LDNS_RCODE_REFUSED, DnsOutcome::kRefused);
  }
  if (table == nullptr) return finish(LDNS_RCODE_SERVFAIL, DnsOutcome::kServFail);

  ldns_pkt_set_aa(r, true);
  int ecs_scope = 0;
  const auto add_answer = [&](ldns_rr* rr) { ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, rr); };
  const auto negative = [&](ldns_pkt_rcode rcode, DnsOutcome outcome) {
    ldns_pkt_push_rr(r, LDNS_SECTION_AUTHORITY, soa_rr(zone, table->sequence()));
    return std::make_pair(rcode, outcome);
  };
  std::pair<ldns_pkt_rcode, DnsOutcome> result{LDNS_RCODE_NOERROR, DnsOutcome::kAnswer};
  const std::size_t extra = name.count - apex_count;  // labels in front of the domain

  if (extra == 0) {
    if (qtype == LDNS_RR_TYPE_SOA) {
      add_answer(soa_rr(zone, table->sequence()));
    } else if (qtype == LDNS_RR_TYPE_NS) {
      add_answer(ns_rr(zone));
      if (zone.ns_address) {
        ldns_rdf* ns_name = dname("ns1." + zone.domain + ".");
        ldns_pkt_push_rr(r, LDNS_SECTION_ADDITIONAL,
                         address_rr(ns_name, *zone.ns_address, zone.ttl));
        ldns_rdf_deep_free(ns_name);
      }
    } else {
      result = negative(LDNS_RCODE_NOERROR, DnsOutcome::kNoData);
    }
  } else if (extra == 1 && name.labels[0] == "ns1") {
    if (zone.ns_address && wants(qtype, *zone.ns_address)) {
      add_answer(address_rr(owner, *zone.ns_address, zone.ttl));
    } else {
      result = negative(LDNS_RCODE_NOERROR, DnsOutcome::kNoData);
    }
  } else if (extra == 1 && table->has_service(name.labels[0])) {
    if (qtype != LDNS_RR_TYPE_A && qtype != LDNS_RR_TYPE_AAAA) {
      result = negative(LDNS_RCODE_NOERROR, DnsOutcome::kNoData);
    } else {
      const auto lookup =
          ecs ? table->zone().lookup(ecs->address, ecs->source) : table->zone().lookup(client);
      ecs_scope = lookup.scope_prefix_length;
      const AddressNeed need = qtype == LDNS_RR_TYPE_A ? AddressNeed::kV4 : AddressNeed::kV6;
      const CandidateSet& set = table->candidates(lookup.group, need);
      // The key is the lower-cased name without the root label's dot.
      std::string key;
      for (std::size_t i = 0; i < name.count; ++i) {
        if (i > 0) key += '.';
        key += name.labels[i];
      }
      std::array<std::uint32_t, 16> chosen{};
      const std::size_t n = table->choose(set, stable_hash(key), chosen.data(),
                                          std::min(zone.max_answers, chosen.size()));
      for (std::size_t i = 0; i < n; ++i) {
        // Edges sharing an address (several on one host) give one record: an RRset holds no
        // duplicates (RFC 2181 §5).
        const IpAddress& ip = *table->edges()[chosen[i]].ip;
        bool repeated = false;
        for (std::size_t j = 0; j < i; ++j)
          repeated = repeated || *table->edges()[chosen[j]].ip == ip;
        if (!repeated) add_answer(address_rr(owner, ip, zone.ttl));
      }
      if (n == 0) {
        // Edges of the other family can take clients: this family simply has no records.
        if (!table->candidates(lookup.group, AddressNeed::kAny).empty()) {
          result = negative(LDNS_RCODE_NOERROR, DnsOutcome::kNoData);
        } else {
          result = {LDNS_RCODE_SERVFAIL, DnsOutcome::kServFail};
          ldns_pkt_set_aa(r, false);
        }
      }
    }
  } else if (const RoutedEdge* edge = extra >= 2 ? table->find_edge(name.labels[0]) : nullptr) {
    if (edge->ip && wants(qtype, *edge->ip)) {
      add_answer(address_rr(owner, *edge->ip, zone.ttl));
    } else {
      result = negative(LDNS_RCODE_NOERROR, DnsOutcome::kNoData);
    }
  } else {
    result = negative(LDNS_RCODE_NXDOMAIN, DnsOutcome::kNxDomain);
  }

  if (ecs) {
    // Echo the option with the scope the answer depends on (0: the same for every client).
    std::string data;
    data.push_back(static_cast<char>(ecs->family >> 8));
    data.push_back(static_cast<char>(ecs->family & 0xff));
    data.push_back(static_cast<char>(ecs->source));
    data.push_back(static_cast<char>(ecs_scope));
    data += ecs->raw_address;
    ldns_edns_option_list* options = ldns_edns_option_list_new();
    ldns_edns_option_list_push(
        options, ldns_edns_new_from_data(LDNS_EDNS_CLIENT_SUBNET, data.size(), data.data()));
    ldns_pkt_set_edns_option_list(r, options);
  }
  return finish(result.first, result.second);
}

}  // namespace candela::router
