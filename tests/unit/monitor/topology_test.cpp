// Reading the §2 topology document (and the same JSON from a file).
#include "monitor/topology.hpp"

#include <gtest/gtest.h>

#include "monitor/edge_prober.hpp"
#include "monitor/http_fetch.hpp"

namespace candela::monitor {
namespace {

using nlohmann::json;

json edge(const std::string& id) {
  return {{"edge_id", id},
          {"cache_group", "lon1"},
          {"role", "edge"},
          {"address", "127.0.0.1:8081"},
          {"admin_address", "127.0.0.1:9181"}};
}

TEST(Topology, ReadsTheDocumentAndOrdersEdgesAndServices) {
  json b = edge("edge-b");
  b["capacity"] = {{"requests_per_second", 20000}, {"bytes_per_second", 125000000}};
  b["draining"] = true;
  b["maintenance_reference"] = "MNT-2026-000001";
  b["health"] = {{"state", "up"}};  // ignored
  json a = edge("edge-a");
  a["admin_address"] = nullptr;
  a["role"] = "shield";
  const auto topology = parse_topology(json{{"generated_at", "2026-11-25T12:00:00Z"},
                                            {"network", "staging"},
                                            {"cdn_domain", "cdn.candela.test"},
                                            {"edges", {b, a}},
                                            {"services", {"ZZ", "AB"}}});
  ASSERT_TRUE(topology) << topology.error();
  EXPECT_EQ(topology->network, "staging");
  EXPECT_EQ(topology->cdn_domain, "cdn.candela.test");
  ASSERT_EQ(topology->edges.size(), 2u);
  EXPECT_EQ(topology->edges[0].edge_id, "edge-a");
  EXPECT_EQ(topology->edges[0].role, "shield");
  EXPECT_EQ(topology->edges[0].admin_address, "");
  EXPECT_FALSE(topology->edges[0].draining);
  EXPECT_EQ(topology->edges[1].capacity.requests_per_second, 20000u);
  EXPECT_EQ(topology->edges[1].capacity.bytes_per_second, 125000000u);
  EXPECT_TRUE(topology->edges[1].draining);
  EXPECT_EQ(topology->edges[1].maintenance_reference, "MNT-2026-000001");
  EXPECT_EQ(topology->services, (std::vector<std::string>{"AB", "ZZ"}));
}

TEST(Topology, RefusesBadDocumentsNamingTheMember) {
  struct Case {
    json document;
    std::string pointer;
  };
  json bad_role = edge("e");
  bad_role["role"] = "cache";
  json bad_admin = edge("e");
  bad_admin["admin_address"] = "127.0.0.1";
  json bad_capacity = edge("e");
  bad_capacity["capacity"] = {{"requests_per_second", -1}};
  json no_id = edge("e");
  no_id.erase("edge_id");
  json bad_draining = edge("e");
  bad_draining["draining"] = "yes";
  const std::vector<Case> cases = {
      {json::array(), ""},
      {json{{"services", json::array()}}, "/edges"},
      {json{{"edges", {bad_role}}}, "/edges/0/role"},
      {json{{"edges", {edge("ok"), bad_admin}}}, "/edges/1/admin_address"},
      {json{{"edges", {bad_capacity}}}, "/edges/0/capacity/requests_per_second"},
      {json{{"edges", {no_id}}}, "/edges/0/edge_id"},
      {json{{"edges", {bad_draining}}}, "/edges/0/draining"},
      {json{{"edges", {edge("x"), edge("x")}}}, "/edges/1/edge_id"},
      {json{{"edges", json::array()}, {"services", {1}}}, "/services/0"},
      {json{{"edges", json::array()}, {"cdn_domain", 5}}, "/cdn_domain"},
  };
  for (const auto& c : cases) {
    const auto topology = parse_topology(c.document);
    ASSERT_FALSE(topology) << c.document.dump();
    ASSERT_EQ(topology.failure().fields.size(), 1u) << topology.error();
    EXPECT_EQ(topology.failure().fields[0].first, c.pointer) << topology.error();
  }
  EXPECT_FALSE(parse_topology_text("{not json"));
}

TEST(HostPort, ParsesIPv4IPv6AndNames) {
  auto v4 = parse_host_port("127.0.0.1:9181");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, "9181");
  auto v6 = parse_host_port("[::1]:80");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(parse_host_port("edge-a.example:1"));
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", ":80", "::1:80", "[::1]80", "h:0",
                          "h:65536", "h:8x", "a b:80"}) {
    EXPECT_FALSE(parse_host_port(bad)) << bad;
  }
}

TEST(EdgeProber, ClassifiesHealthzAnswers) {
  EXPECT_EQ(classify_healthz(200, "ok\n"), ProbeResult::kOk);
  EXPECT_EQ(classify_healthz(503, "draining\n"), ProbeResult::kDraining);
  EXPECT_EQ(classify_healthz(503, "overloaded\n"), ProbeResult::kFailed);
  EXPECT_EQ(classify_healthz(500, "draining"), ProbeResult::kFailed);
  EXPECT_EQ(classify_healthz(404, ""), ProbeResult::kFailed);
}

}  // namespace
}  // namespace candela::monitor
