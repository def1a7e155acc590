// The smallest end-to-end proof: an edge in front of an origin caches a response.
#include <gtest/gtest.h>

#include "support/candela_processes.hpp"
#include "support/http_client.hpp"

namespace candela::testing {
namespace {

TEST(EdgeSmoke, SecondRequestIsServedFromCache) {
  OriginServer origin({"--cache-control", "public, max-age=60"});
  origin.put("/hello.txt", "hello\n");
  EdgeServer edge(edge_config({property_json("demo", "demo.test", origin.port())}));

  auto first = http_get(edge.port(), "/hello.txt", "demo.test");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "hello\n");
  auto second = http_get(edge.port(), "/hello.txt", "demo.test");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "hello\n");
  EXPECT_EQ(second->header("Cache-Status"), "Candela; hit");
  EXPECT_EQ(origin.count("/hello.txt"), 1);
}

TEST(EdgeSmoke, UnknownHostGets404WithExplanation) {
  OriginServer origin;
  EdgeServer edge(edge_config({property_json("demo", "demo.test", origin.port())}));
  auto r = http_get(edge.port(), "/x", "unknown.test");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("unknown.test"), std::string::npos);
  EXPECT_EQ(origin.total(), 0);
}

}  // namespace
}  // namespace candela::testing
