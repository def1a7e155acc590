// The shield-tier members of the edge configuration (shield, parents, parent_policy, capacity,
// routing_domain): good values are read, every bad one is reported with its JSON pointer.
#include <gtest/gtest.h>

#include "edge/edge_config.hpp"

namespace candela::edge {
namespace {

std::string with(const std::string& members) {
  return R"({"edge_id": "edge-a", "listen": ["127.0.0.1:8080"],
    "properties": [{"id": "p", "aliases": ["p.test"], "origin": {"host": "127.0.0.1"}}])" +
         (members.empty() ? std::string() : ", " + members) + "}";
}

void expect_error(const std::string& members, const std::string& pointer_and_text) {
  auto r = parse_edge_config(with(members));
  ASSERT_FALSE(r.ok()) << members;
  EXPECT_NE(r.error().find(pointer_and_text), std::string::npos)
      << "expected \"" << pointer_and_text << "\" in\n"
      << r.error();
}

TEST(ShieldConfig, DefaultsWhenAbsent) {
  auto r = parse_edge_config(with(""));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_FALSE(r->properties[0]->shield);
  EXPECT_TRUE(r->routing_domain.empty());
  EXPECT_EQ(r->capacity.requests_per_second, 0u);
  EXPECT_EQ(r->capacity.bytes_per_second, 0u);
  EXPECT_TRUE(r->parents.empty());
  EXPECT_EQ(r->parent_policy.max_hops, 1u);
  EXPECT_EQ(r->parent_policy.retry_after, std::chrono::milliseconds(10000));
  EXPECT_EQ(r->parent_policy.connect_timeout, std::chrono::milliseconds(1000));
}

TEST(ShieldConfig, ReadsEveryMember) {
  auto r = parse_edge_config(R"({"edge_id": "edge-a", "routing_domain": "CDN.Candela.TEST",
    "capacity": {"requests_per_second": 20000, "bytes_per_second": 1000000000000},
    "parents": [{"id": "shield-1", "address": "127.0.0.1:8090"},
                {"id": "shield_2.lon", "address": "[::1]:8091"}],
    "parent_policy": {"max_hops": 2, "retry_after_ms": 100, "connect_timeout_ms": 60000},
    "properties": [{"id": "p", "aliases": ["p.test"], "origin": {"host": "o"}, "shield": true},
                   {"id": "q", "aliases": ["q.test"], "origin": {"host": "o"}, "shield": false}]})");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->properties[0]->shield);
  EXPECT_FALSE(r->properties[1]->shield);
  EXPECT_EQ(r->routing_domain, "cdn.candela.test") << "lower-cased";
  EXPECT_EQ(r->capacity.requests_per_second, 20000u);
  EXPECT_EQ(r->capacity.bytes_per_second, 1'000'000'000'000u);
  ASSERT_EQ(r->parents.size(), 2u);
  EXPECT_EQ(r->parents[0].id, "shield-1");
  EXPECT_EQ(r->parents[0].address, "127.0.0.1:8090");
  EXPECT_EQ(r->parents[1].id, "shield_2.lon");
  EXPECT_EQ(r->parents[1].address, "[::1]:8091");
  EXPECT_EQ(r->parent_policy.max_hops, 2u);
  EXPECT_EQ(r->parent_policy.retry_after, std::chrono::milliseconds(100));
  EXPECT_EQ(r->parent_policy.connect_timeout, std::chrono::milliseconds(60000));
}

TEST(ShieldConfig, AcceptsTheBoundaries) {
  auto r = parse_edge_config(with(R"("capacity": {"requests_per_second": 0},
    "parent_policy": {"max_hops": 0, "retry_after_ms": 3600000, "connect_timeout_ms": 1},
    "routing_domain": "")"));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->parent_policy.max_hops, 0u);
  EXPECT_EQ(r->parent_policy.retry_after, std::chrono::milliseconds(3600000));
  EXPECT_EQ(r->parent_policy.connect_timeout, std::chrono::milliseconds(1));
  auto eight = parse_edge_config(with(R"("parent_policy": {"max_hops": 8})"));
  ASSERT_TRUE(eight.ok()) << eight.error();
  EXPECT_EQ(eight->parent_policy.max_hops, 8u);
}

TEST(ShieldConfig, RefusesABadShieldFlag) {
  auto r = parse_edge_config(R"({"properties": [{"id": "p", "aliases": ["p.test"],
    "origin": {"host": "o"}, "shield": "yes"}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("/properties/0/shield: has the wrong type"), std::string::npos)
      << r.error();
}

TEST(ShieldConfig, RefusesBadRoutingDomains) {
  for (const char* bad : {"\"-cdn.test\"", "\"cdn..test\"", "\"cdn.test.\"", "\"cdn_x.test\"",
                          "\"cdn test\"", "\"a-.test\""}) {
    expect_error(std::string(R"("routing_domain": )") + bad, "/routing_domain: ");
  }
  expect_error(R"("routing_domain": ")" + std::string(64, 'a') + R"(.test")", "/routing_domain: ");
  expect_error(R"("routing_domain": 5)", "/routing_domain: has the wrong type");
}

TEST(ShieldConfig, RefusesBadCapacities) {
  expect_error(R"("capacity": 5)", "/capacity: must be an object");
  expect_error(R"("capacity": {"requests_per_second": -1})",
               "/capacity/requests_per_second: must be between 0 and 1000000000000");
  expect_error(R"("capacity": {"bytes_per_second": 1000000000001})",
               "/capacity/bytes_per_second: must be between 0 and 1000000000000");
  expect_error(R"("capacity": {"bytes_per_second": 18446744073709551615})",
               "/capacity/bytes_per_second: must be between");
  expect_error(R"("capacity": {"requests_per_second": 1.5})",
               "/capacity/requests_per_second: must be a whole number");
  expect_error(R"("capacity": {"requests_per_second": "many"})",
               "/capacity/requests_per_second: has the wrong type");
}

TEST(ShieldConfig, RefusesBadParents) {
  expect_error(R"("parents": {"id": "s"})", "/parents: must be an array");
  expect_error(R"("parents": ["s"])", "/parents/0: must be an object");
  expect_error(R"("parents": [{"address": "127.0.0.1:1"}])", "/parents/0/id: is required");
  expect_error(R"("parents": [{"id": "s"}])", "/parents/0/address: is required");
  expect_error(R"("parents": [{"id": "Shield", "address": "127.0.0.1:1"}])",
               "/parents/0/id: \"Shield\" is not an edge id");
  expect_error(R"("parents": [{"id": "-s", "address": "127.0.0.1:1"}])",
               "/parents/0/id: \"-s\" is not an edge id");
  expect_error(R"("parents": [{"id": ")" + std::string(65, 's') + R"(", "address": "h:1"}])",
               "/parents/0/id: ");
  expect_error(R"("parents": [{"id": "edge-a", "address": "127.0.0.1:1"}])",
               "/parents/0/id: is this edge's own id");
  expect_error(R"("parents": [{"id": "s", "address": "127.0.0.1:1"},
                              {"id": "s", "address": "127.0.0.1:2"}])",
               "/parents/1/id: \"s\" is listed twice");
  expect_error(R"("parents": [{"id": "s", "address": "127.0.0.1"}])",
               "/parents/0/address: \"127.0.0.1\" is not host:port");
  expect_error(R"("parents": [{"id": "s", "address": "h:0"}])", "/parents/0/address: ");
  expect_error(R"("parents": [{"id": "s", "address": 8090}])",
               "/parents/0/address: has the wrong type");
}

TEST(ShieldConfig, RefusesBadParentPolicies) {
  expect_error(R"("parent_policy": [])", "/parent_policy: must be an object");
  expect_error(R"("parent_policy": {"max_hops": 9})",
               "/parent_policy/max_hops: must be between 0 and 8");
  expect_error(R"("parent_policy": {"max_hops": -1})",
               "/parent_policy/max_hops: must be between 0 and 8");
  expect_error(R"("parent_policy": {"retry_after_ms": 99})",
               "/parent_policy/retry_after_ms: must be between 100 and 3600000");
  expect_error(R"("parent_policy": {"retry_after_ms": 3600001})",
               "/parent_policy/retry_after_ms: must be between 100 and 3600000");
  expect_error(R"("parent_policy": {"connect_timeout_ms": 0})",
               "/parent_policy/connect_timeout_ms: must be between 1 and 60000");
  expect_error(R"("parent_policy": {"connect_timeout_ms": 60001})",
               "/parent_policy/connect_timeout_ms: must be between 1 and 60000");
  expect_error(R"("parent_policy": {"max_hops": true})",
               "/parent_policy/max_hops: has the wrong type");
}

TEST(ShieldConfig, ReportsEveryProblemAtOnce) {
  auto r = parse_edge_config(with(R"("routing_domain": "a..b", "capacity": {"bytes_per_second": -5},
    "parents": [{"id": "", "address": "x"}], "parent_policy": {"max_hops": 99})"));
  ASSERT_FALSE(r.ok());
  for (const char* pointer : {"/routing_domain", "/capacity/bytes_per_second", "/parents/0/id",
                              "/parents/0/address", "/parent_policy/max_hops"}) {
    EXPECT_NE(r.error().find(pointer), std::string::npos) << pointer << " in\n" << r.error();
  }
}

}  // namespace
}  // namespace candela::edge
