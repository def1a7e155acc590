// The topology document → this edge's parents: shields, not itself, not draining, not down.
#include "edge/topology_parents.hpp"

#include <gtest/gtest.h>

namespace candela::edge {
namespace {

nlohmann::json edge(const std::string& id, const std::string& role, const std::string& address,
                    bool draining = false, nlohmann::json health = nullptr) {
  return {{"edge_id", id},      {"cache_group", "lon1"}, {"role", role},
          {"address", address}, {"draining", draining},  {"maintenance_reference", nullptr},
          {"health", health}};
}

nlohmann::json topology(std::vector<nlohmann::json> edges) {
  return {{"generated_at", "2026-11-25T12:00:00Z"},
          {"network", "production"},
          {"cdn_domain", "cdn.candela.test"},
          {"edges", edges},
          {"services", nlohmann::json::array()}};
}

TEST(TopologyParents, ShieldsThatAreUpBecomeParents) {
  auto r = parents_from_topology(
      topology({edge("edge-a", "edge", "127.0.0.1:8081"),
                edge("shield-1", "shield", "127.0.0.1:8090", false, {{"state", "up"}}),
                edge("shield-2", "shield", "127.0.0.1:8091", false, {{"state", "unknown"}}),
                edge("shield-3", "shield", "127.0.0.1:8092")}),
      "edge-a");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->from_topology);
  EXPECT_FALSE(r->self_is_shield);
  ASSERT_EQ(r->parents.size(), 3u) << "up, unknown and unreported health all count";
  EXPECT_EQ(r->parents[0].id, "shield-1");
  EXPECT_EQ(r->parents[0].address, "127.0.0.1:8090");
  EXPECT_EQ(r->parents[2].id, "shield-3");
  EXPECT_TRUE(r->skipped.empty());
}

TEST(TopologyParents, DrainingAndDownShieldsAreLeftOut) {
  auto r = parents_from_topology(
      topology({edge("shield-1", "shield", "127.0.0.1:8090", true),
                edge("shield-2", "shield", "127.0.0.1:8091", false, {{"state", "down"}}),
                edge("shield-3", "shield", "127.0.0.1:8092", false, {{"state", "draining"}}),
                edge("edge-a", "edge", "127.0.0.1:8081")}),
      "edge-a");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->from_topology) << "the topology has shields, even if none is usable";
  ASSERT_EQ(r->parents.size(), 1u);
  EXPECT_EQ(r->parents[0].id, "shield-3") << "a monitor-reported drain is not 'down'";
  ASSERT_EQ(r->skipped.size(), 2u);
  EXPECT_EQ(r->skipped[0], "shield-1: draining");
  EXPECT_EQ(r->skipped[1], "shield-2: down");
}

TEST(TopologyParents, AllShieldsGoneMeansOriginOnly) {
  auto r = parents_from_topology(
      topology({edge("shield-1", "shield", "127.0.0.1:8090", false, {{"state", "down"}})}),
      "edge-a");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->from_topology);
  EXPECT_TRUE(r->parents.empty());
}

TEST(TopologyParents, AShieldUsesNoParents) {
  auto r = parents_from_topology(topology({edge("shield-1", "shield", "127.0.0.1:8090"),
                                           edge("shield-2", "shield", "127.0.0.1:8091")}),
                                 "shield-1");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->self_is_shield);
  EXPECT_TRUE(r->parents.empty()) << "shield-2 is a sibling, not a parent";
}

TEST(TopologyParents, NoShieldKeepsTheFileParents) {
  auto r = parents_from_topology(topology({edge("edge-a", "edge", "127.0.0.1:8081")}), "edge-a");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->from_topology);
  auto empty = parents_from_topology(topology({}), "edge-a");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->from_topology);
}

TEST(TopologyParents, BadShieldEntriesAreSkippedAndNamed) {
  auto r = parents_from_topology(
      topology({edge("shield-1", "shield", "nowhere"), edge("Bad Id", "shield", "127.0.0.1:1"),
                edge("shield-2", "shield", "127.0.0.1:8091")}),
      "edge-a");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->parents.size(), 1u);
  EXPECT_EQ(r->parents[0].id, "shield-2");
  ASSERT_EQ(r->skipped.size(), 2u);
  EXPECT_NE(r->skipped[0].find("is not host:port"), std::string::npos);
  EXPECT_NE(r->skipped[1].find("not a valid edge id"), std::string::npos);
}

TEST(TopologyParents, RefusesDocumentsOfAnotherShape) {
  EXPECT_FALSE(parents_from_topology(nlohmann::json::array(), "e").ok());
  EXPECT_FALSE(parents_from_topology({{"edges", "x"}}, "e").ok());
  EXPECT_FALSE(parents_from_topology({{"edges", {1}}}, "e").ok());
  auto no_role = parents_from_topology({{"edges", {{{"edge_id", "s"}}}}}, "e");
  ASSERT_FALSE(no_role.ok());
  EXPECT_NE(no_role.error().find("/edges/0"), std::string::npos) << no_role.error();
}

}  // namespace
}  // namespace candela::edge
