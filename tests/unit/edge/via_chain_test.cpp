// Loop prevention reads the request's Via: does it name this edge, how many Candela hops.
#include "edge/via_chain.hpp"

#include <gtest/gtest.h>

namespace candela::edge {
namespace {

ViaChain read(std::initializer_list<const char*> values, const char* edge_id = "edge-a") {
  http::HeaderView fields;
  fields.add("Host", "x");
  for (const char* v : values)
    fields.add("Via", v);
  return read_via_chain(fields, edge_id);
}

TEST(ViaChain, NoViaIsNoHop) {
  const auto v = read({});
  EXPECT_FALSE(v.names_self);
  EXPECT_EQ(v.candela_hops, 0u);
}

TEST(ViaChain, CountsCandelaEntriesOnly) {
  const auto v = read({"1.0 corporate-proxy, 1.1 edge-b (candela)", "1.1 shield-1 (Candela)"});
  EXPECT_FALSE(v.names_self);
  EXPECT_EQ(v.candela_hops, 2u);
  EXPECT_EQ(read({"1.1 edge-b (squid/5.7)"}).candela_hops, 0u);
  EXPECT_EQ(read({"1.1 edge-b"}).candela_hops, 0u);
}

TEST(ViaChain, NamesSelfByReceivedByCaseInsensitively) {
  EXPECT_TRUE(read({"1.1 edge-b (candela), 1.1 EDGE-A (candela)"}).names_self);
  EXPECT_TRUE(read({"HTTP/1.1 edge-a"}).names_self) << "also without the Candela comment";
  EXPECT_FALSE(read({"1.1 edge-ab (candela)"}).names_self);
  EXPECT_FALSE(read({"1.1 proxy (edge-a)"}).names_self) << "a comment is not received-by";
  EXPECT_FALSE(read({"edge-a"}).names_self) << "a lone token is the protocol";
}

TEST(ViaChain, CommasInsideCommentsDoNotSplit) {
  const auto v = read({"1.1 p (a, 1.1 edge-a (candela)), 1.1 q (candela)"});
  EXPECT_FALSE(v.names_self);
  EXPECT_EQ(v.candela_hops, 1u);
  EXPECT_FALSE(read({"1.1 p (x \\) , 1.1 edge-a)"}).names_self) << "quoted-pair inside a comment";
}

TEST(ViaChain, ToleratesEmptyAndOddEntries) {
  const auto v = read({" , ,1.1   shield-1   (candela) ,, ", "("});
  EXPECT_EQ(v.candela_hops, 1u);
  EXPECT_FALSE(v.names_self);
}

}  // namespace
}  // namespace candela::edge
