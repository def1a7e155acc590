// Tests for hop-by-hop field classification (RFC 9110 §7.6.1).
#include "cache/hop_by_hop.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace candela::cache {
namespace {

TEST(HopByHop, FixedListIsCaseInsensitive) {
  for (const char* n : {"Connection", "keep-alive", "PROXY-CONNECTION", "te", "Trailer",
                        "Transfer-Encoding", "Upgrade", "Proxy-Authenticate", "Proxy-Authorization",
                        "HTTP2-Settings", "proxy-authentication-info"}) {
    EXPECT_TRUE(is_fixed_hop_by_hop(n)) << n;
  }
  for (const char* n : {"Content-Length", "Cache-Control", "Authorization", "Trailers", "T"}) {
    EXPECT_FALSE(is_fixed_hop_by_hop(n)) << n;
  }
}

TEST(HopByHop, FieldsNamedByConnectionAreHopByHop) {
  http::HeaderList h;
  h.add("Connection", "close, X-Foo");
  h.add("connection", " x-bar ");
  const auto v = h.view();
  EXPECT_TRUE(is_hop_by_hop(v, "X-Foo"));
  EXPECT_TRUE(is_hop_by_hop(v, "x-bar"));
  EXPECT_FALSE(is_hop_by_hop(v, "X-Baz"));
  EXPECT_FALSE(is_connection_option(v, "X-Fo"));
}

TEST(HopByHop, ForEachEndToEndSkipsHopByHopFieldsInOrder) {
  http::HeaderList h;
  h.add("Content-Type", "text/plain");
  h.add("Connection", "X-Foo");
  h.add("X-Foo", "1");
  h.add("Transfer-Encoding", "chunked");
  h.add("ETag", "\"a\"");
  std::vector<std::string> names;
  for_each_end_to_end(h.view(), [&](const http::HeaderField& f) { names.emplace_back(f.name); });
  EXPECT_EQ(names, (std::vector<std::string>{"Content-Type", "ETag"}));
}

}  // namespace
}  // namespace candela::cache
