// The edge configuration is validated in full, with every error located by JSON pointer.
#include "edge/edge_config.hpp"

#include <gtest/gtest.h>

#include "edge/property_table.hpp"

namespace candela::edge {
namespace {

constexpr const char* kValid = R"({
  "edge_id": "e1", "listen": ["127.0.0.1:8080"], "admin_listen": "127.0.0.1:9080",
  "cache": {"ram_bytes": 10485760, "max_object_bytes": 1048576},
  "properties": [
    {"id": "a", "service_id": "SCID00001", "aliases": ["A.example.com", "b.example.com"],
     "origin": {"host": "127.0.0.1", "port": 8081, "web_root": "/media"}}
  ]
})";

TEST(EdgeConfig, ParsesAValidDocument) {
  auto r = parse_edge_config(kValid);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->edge_id, "e1");
  ASSERT_EQ(r->properties.size(), 1u);
  const Property& p = *r->properties[0];
  EXPECT_EQ(p.aliases[0], "a.example.com") << "aliases are lower-cased";
  EXPECT_EQ(p.origin.port, 8081);
  EXPECT_EQ(p.origin.web_root, "/media");
  EXPECT_EQ(r->cache.max_object_bytes, 1048576u);
}

TEST(EdgeConfig, RejectsInvalidJson) {
  auto r = parse_edge_config("{ not json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("not valid JSON"), std::string::npos);
}

TEST(EdgeConfig, ReportsEveryErrorWithItsJsonPointer) {
  auto r = parse_edge_config(R"({
    "listen": ["nowhere"],
    "properties": [
      {"id": "a", "aliases": ["x.test"], "origin": {"host": "", "port": 70000}},
      {"id": "a", "aliases": ["X.test", "bad host"], "origin": {"host": "o", "protocol": "ftp"}}
    ]})");
  ASSERT_FALSE(r.ok());
  const std::string& e = r.error();
  for (const char* expected :
       {"/listen/0", "/properties/0/origin/host", "/properties/0/origin/port", "/properties/1/id",
        "/properties/1/aliases/0", "/properties/1/aliases/1", "/properties/1/origin/protocol"}) {
    EXPECT_NE(e.find(expected), std::string::npos) << "missing " << expected << " in\n" << e;
  }
}

TEST(EdgeConfig, RejectsWrongTypesAndOutOfRangeLimits) {
  auto r = parse_edge_config(R"({"threads": "two", "limits": {"max_header_bytes": 10,
    "idle_timeout_ms": 0}, "cache": {"ram_bytes": 1048576, "max_object_bytes": 2097152}})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("/threads: has the wrong type"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("/limits/max_header_bytes"), std::string::npos);
  EXPECT_NE(r.error().find("/limits/idle_timeout_ms"), std::string::npos);
  EXPECT_NE(r.error().find("/cache/max_object_bytes"), std::string::npos);
}

TEST(EdgeConfig, SplitsHostAndPort) {
  std::string host;
  std::uint16_t port = 0;
  EXPECT_TRUE(split_host_port("127.0.0.1:80", host, port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 80);
  EXPECT_TRUE(split_host_port("[::1]:8080", host, port));
  EXPECT_EQ(host, "::1");
  EXPECT_FALSE(split_host_port("host", host, port));
  EXPECT_FALSE(split_host_port("host:0", host, port));
  EXPECT_FALSE(split_host_port("host:65536", host, port));
  EXPECT_FALSE(split_host_port("host:8a", host, port));
}

TEST(PropertyTable, MatchesHostIgnoringCasePortAndTrailingDot) {
  auto r = parse_edge_config(kValid);
  ASSERT_TRUE(r.ok());
  PropertyTable table(r->properties);
  for (const char* host : {"a.example.com", "A.EXAMPLE.COM", "a.example.com:8080", "b.example.com.",
                           "B.example.com"}) {
    const auto* p = table.find(host);
    ASSERT_NE(p, nullptr) << host;
    EXPECT_EQ((*p)->id, "a");
  }
  EXPECT_EQ(table.find("c.example.com"), nullptr);
  EXPECT_EQ(table.find(""), nullptr);
  EXPECT_EQ(table.find(std::string(300, 'a')), nullptr);
}

}  // namespace
}  // namespace candela::edge
