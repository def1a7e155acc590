// Building DNS queries and reading replies with ldns, for the router's DNS tests.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "router/ldns_include.hpp"

namespace candela::router::testing {

struct PacketFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using PacketPtr = std::unique_ptr<ldns_pkt, PacketFree>;

struct QueryOptions {
  std::uint16_t id = 0x1234;
  bool edns = false;
  std::uint8_t edns_version = 0;
  std::string ecs;  // raw ECS option data (family, source, scope, address) when not empty
  ldns_pkt_opcode opcode = LDNS_PACKET_QUERY;
  ldns_rr_class klass = LDNS_RR_CLASS_IN;
};

inline std::string make_query(const std::string& name, ldns_rr_type type,
                              const QueryOptions& options = {}) {
  PacketPtr q(
      ldns_pkt_query_new(ldns_dname_new_frm_str(name.c_str()), type, options.klass, LDNS_RD));
  ldns_pkt_set_id(q.get(), options.id);
  ldns_pkt_set_opcode(q.get(), options.opcode);
  if (options.edns || !options.ecs.empty()) {
    ldns_pkt_set_edns_udp_size(q.get(), 1232);
    ldns_pkt_set_edns_version(q.get(), options.edns_version);
  }
  if (!options.ecs.empty()) {
    ldns_edns_option_list* list = ldns_edns_option_list_new();
    ldns_edns_option_list_push(
        list,
        ldns_edns_new_from_data(LDNS_EDNS_CLIENT_SUBNET, options.ecs.size(), options.ecs.data()));
    ldns_pkt_set_edns_option_list(q.get(), list);
  }
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  if (ldns_pkt2wire(&wire, q.get(), &size) != LDNS_STATUS_OK) return {};
  std::string out(reinterpret_cast<const char*>(wire), size);
  LDNS_FREE(wire);
  return out;
}

inline PacketPtr parse_reply(const std::string& wire) {
  ldns_pkt* p = nullptr;
  if (ldns_wire2pkt(&p, reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size()) !=
      LDNS_STATUS_OK) {
    return nullptr;
  }
  return PacketPtr(p);
}

// The rdata of every record of `type` in a section, as text ("127.0.0.1", "ns1.x.").
inline std::vector<std::string> records(ldns_pkt* p, ldns_pkt_section section, ldns_rr_type type) {
  std::vector<std::string> out;
  ldns_rr_list* list = ldns_pkt_get_section_clone(p, section);
  for (std::size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(list, i);
    if (ldns_rr_get_type(rr) != type) continue;
    char* text = ldns_rdf2str(ldns_rr_rdf(rr, 0));
    out.emplace_back(text);
    free(text);
  }
  ldns_rr_list_deep_free(list);
  return out;
}

// The ECS option data of a reply, if any.
inline std::optional<std::string> reply_ecs(ldns_pkt* p) {
  ldns_edns_option_list* list = ldns_pkt_edns_get_option_list(p);
  if (list == nullptr) return std::nullopt;
  for (std::size_t i = 0; i < ldns_edns_option_list_get_count(list); ++i) {
    ldns_edns_option* o = ldns_edns_option_list_get_option(list, i);
    if (ldns_edns_get_code(o) == LDNS_EDNS_CLIENT_SUBNET) {
      return std::string(reinterpret_cast<const char*>(ldns_edns_get_data(o)),
                         ldns_edns_get_size(o));
    }
  }
  return std::nullopt;
}

inline std::string ecs_v4(std::uint8_t source, std::vector<std::uint8_t> bytes) {
  std::string data = {0, 1, static_cast<char>(source), 0};
  for (auto b : bytes)
    data.push_back(static_cast<char>(b));
  return data;
}

}  // namespace candela::router::testing
