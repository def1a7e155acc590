// The routing decision: group → candidates → fallbacks → rendezvous pick.
#include "router/routing_table.hpp"

#include <gtest/gtest.h>

#include <set>

#include "common/rendezvous_hash.hpp"
#include "routing_fixtures.hpp"

namespace candela::router {
namespace {

using testing::edge;
using testing::state_with;
using testing::test_zone;

std::size_t group(const RoutingTable& table, const char* name) {
  return table.zone().find(name);
}

std::string chosen_id(const RoutingTable& table, std::size_t g, const std::string& key,
                      AddressNeed need = AddressNeed::kAny) {
  std::uint32_t out = 0;
  if (table.choose(table.candidates(g, need), stable_hash(key), &out, 1) != 1) return "";
  return table.edges()[out].id;
}

TEST(RoutingTable, ChoosesAnAvailableEdgeOfTheClientsGroup) {
  const RoutingTable table(
      test_zone(),
      state_with({edge("lon-a", "lon1", "127.0.0.1:8081"), edge("lon-b", "lon1", "127.0.0.2:8081"),
                  edge("ams-a", "ams1", "127.0.0.3:8081")}),
      1);
  const auto& set = table.candidates(group(table, "lon1"), AddressNeed::kAny);
  EXPECT_EQ(set.group, "lon1");
  EXPECT_EQ(set.edges.size(), 2u);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i)
    seen.insert(chosen_id(table, 0, "host/" + std::to_string(i)));
  EXPECT_EQ(seen, (std::set<std::string>{"lon-a", "lon-b"}));  // both used, never ams-a
}

TEST(RoutingTable, TheSameKeyAlwaysGetsTheSameEdgeAndMatchesRendezvousOrder) {
  const RoutingTable table(
      test_zone(),
      state_with({edge("lon-a", "lon1", "127.0.0.1:8081"), edge("lon-b", "lon1", "127.0.0.2:8081"),
                  edge("lon-c", "lon1", "127.0.0.3:8081")}),
      1);
  const std::string key = "www.example.com/a.png";
  const auto order = rendezvous_order(
      stable_hash(key), {stable_hash("lon-a"), stable_hash("lon-b"), stable_hash("lon-c")});
  std::uint32_t out[3];
  ASSERT_EQ(table.choose(table.candidates(0, AddressNeed::kAny), stable_hash(key), out, 3), 3u);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(out[i], order[i]);
  EXPECT_EQ(chosen_id(table, 0, key), chosen_id(table, 0, key));
}

TEST(RoutingTable, UnavailableEdgesAndShieldsAreNeverCandidates) {
  auto draining = edge("lon-drain", "lon1", "127.0.0.2:8081", false);
  draining.state = "draining";
  draining.draining = true;
  auto overloaded = edge("lon-busy", "lon1", "127.0.0.3:8081", false);
  overloaded.state = "up";
  overloaded.overloaded = true;
  const RoutingTable table(
      test_zone(),
      state_with({edge("lon-down", "lon1", "127.0.0.1:8081", false), draining, overloaded,
                  edge("lon-ok", "lon1", "127.0.0.4:8081"),
                  edge("lon-shield", "lon1", "127.0.0.5:8081", true, "shield")}),
      1);
  const auto& set = table.candidates(0, AddressNeed::kAny);
  ASSERT_EQ(set.edges.size(), 1u);
  EXPECT_EQ(table.edges()[set.edges[0]].id, "lon-ok");
  EXPECT_EQ(table.candidate_count(), 1u);
}

TEST(RoutingTable, FallsBackByTheFallbacksListThenByDistanceThenByName) {
  const RoutingTable table(test_zone(), state_with({edge("tyo-a", "tyo1", "127.0.0.9:81")}), 1);
  // lon1: itself, its fallback fra1, then ams1 (358 km) before nyc1 (5570 km); sin1 has no
  // coordinates and tyo1 is only known from the state: last, by name.
  EXPECT_EQ(table.group_order(group(table, "lon1")),
            (std::vector<std::string>{"lon1", "fra1", "ams1", "nyc1", "sin1", "tyo1"}));
  // ams1 has no fallbacks: fra1 (365 km) before lon1 (358 km)? No: lon1 is nearer.
  EXPECT_EQ(table.group_order(group(table, "ams1")),
            (std::vector<std::string>{"ams1", "lon1", "fra1", "nyc1", "sin1", "tyo1"}));
  // A group without coordinates orders the others by name.
  EXPECT_EQ(table.group_order(group(table, "sin1")),
            (std::vector<std::string>{"sin1", "ams1", "fra1", "lon1", "nyc1", "tyo1"}));
}

TEST(RoutingTable, UsesTheFirstGroupInOrderThatHasCandidates) {
  const RoutingTable table(
      test_zone(),
      state_with({edge("lon-a", "lon1", "127.0.0.1:8081", false),
                  edge("ams-a", "ams1", "127.0.0.2:8081"), edge("fra-a", "fra1", "127.0.0.3:8081"),
                  edge("nyc-a", "nyc1", "127.0.0.4:8081")}),
      1);
  EXPECT_EQ(chosen_id(table, group(table, "lon1"), "k"), "fra-a");  // fallbacks first
  EXPECT_EQ(chosen_id(table, group(table, "ams1"), "k"), "ams-a");
  const RoutingTable no_fra(test_zone(),
                            state_with({edge("fra-a", "fra1", "127.0.0.3:8081", false),
                                        edge("ams-a", "ams1", "127.0.0.2:8081"),
                                        edge("nyc-a", "nyc1", "127.0.0.4:8081")}),
                            2);
  EXPECT_EQ(chosen_id(no_fra, group(no_fra, "lon1"), "k"), "ams-a");  // then the nearest
}

TEST(RoutingTable, NoCandidateAnywhereGivesAnEmptySet) {
  const RoutingTable table(test_zone(),
                           state_with({edge("lon-a", "lon1", "127.0.0.1:8081", false)}), 1);
  EXPECT_TRUE(table.candidates(0, AddressNeed::kAny).empty());
  EXPECT_EQ(chosen_id(table, 0, "k"), "");
  const RoutingTable empty(test_zone(), state_with({}), 1);
  EXPECT_TRUE(empty.candidates(0, AddressNeed::kAny).empty());
}

TEST(RoutingTable, AddressFamiliesHaveTheirOwnCandidates) {
  const RoutingTable table(test_zone(),
                           state_with({edge("lon-v4", "lon1", "127.0.0.1:8081"),
                                       edge("lon-v6", "lon1", "[2001:db8::5]:8081"),
                                       edge("lon-name", "lon1", "edge.example.net:8081"),
                                       edge("ams-v6", "ams1", "[2001:db8::6]:80")}),
                           1);
  EXPECT_EQ(table.candidates(0, AddressNeed::kAny).edges.size(), 3u);
  EXPECT_EQ(chosen_id(table, 0, "k", AddressNeed::kV4), "lon-v4");
  const auto& v6 = table.candidates(0, AddressNeed::kV6);
  EXPECT_EQ(v6.edges.size(), 1u);
  EXPECT_EQ(table.edges()[v6.edges[0]].id, "lon-v6");
  // ams1 has no IPv4 edge: A answers come from the next group that has one.
  EXPECT_EQ(chosen_id(table, group(table, "ams1"), "k", AddressNeed::kV4), "lon-v4");
}

TEST(RoutingTable, KnowsEdgesByLowerCaseIdAndServicesCaseInsensitively) {
  const RoutingTable table(test_zone(), state_with({edge("Edge-A", "lon1", "127.0.0.1:80")}), 1);
  ASSERT_NE(table.find_edge("edge-a"), nullptr);
  EXPECT_EQ(table.find_edge("edge-a")->port_suffix, "");
  EXPECT_EQ(table.find_edge("nope"), nullptr);
  EXPECT_TRUE(table.has_service("ab12cd34e"));
  EXPECT_FALSE(table.has_service("ab12cd34x"));
}

TEST(RoutingTable, EdgesWhoseIdIsNotADnsLabelAreNeverRouted) {
  const RoutingTable table(test_zone(),
                           state_with({edge("bad id\r\nX: y", "lon1", "127.0.0.1:80"),
                                       edge("edge.a", "lon1", "127.0.0.2:80")}),
                           1);
  EXPECT_TRUE(table.candidates(0, AddressNeed::kAny).empty());
  EXPECT_EQ(table.find_edge("edge.a"), nullptr);
}

TEST(SplitHostPort, ReadsAddresses) {
  EXPECT_EQ(split_host_port("127.0.0.1:8081")->second, 8081);
  EXPECT_EQ(split_host_port("[::1]:81")->first, "::1");
  EXPECT_EQ(split_host_port("example.net")->second, 80);
  EXPECT_FALSE(split_host_port("::1:80"));
  EXPECT_FALSE(split_host_port("host:0"));
  EXPECT_FALSE(split_host_port("host:70000"));
  EXPECT_FALSE(split_host_port("host:"));
  EXPECT_FALSE(split_host_port(":80"));
}

TEST(GreatCircle, MeasuresKnownDistances) {
  EXPECT_NEAR(great_circle_km(51.5, -0.12, 52.37, 4.9), 358, 5);
  EXPECT_NEAR(great_circle_km(51.5, -0.12, 40.71, -74.0), 5570, 20);
  EXPECT_DOUBLE_EQ(great_circle_km(10, 10, 10, 10), 0.0);
}

}  // namespace
}  // namespace candela::router
