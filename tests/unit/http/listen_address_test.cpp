// --listen values: IPv4, bracketed IPv6, all-interfaces and the errors users see.
#include "http/listen_address.hpp"

#include <gtest/gtest.h>

namespace candela::http {
namespace {

TEST(ListenAddress, ParsesHostAndPort) {
  const auto a = parse_listen_address("127.0.0.1:8081");
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8081);
}

TEST(ListenAddress, BracketedIpv6AndEmptyHost) {
  const auto v6 = parse_listen_address("[::1]:0");
  ASSERT_TRUE(v6.ok()) << v6.error();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  const auto any = parse_listen_address(":80");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->host, "0.0.0.0");
}

TEST(ListenAddress, RejectsMissingOrBadPortsAndBareIpv6) {
  for (const auto* text :
       {"127.0.0.1", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:65536", "127.0.0.1:-1", "::1:80"}) {
    EXPECT_FALSE(parse_listen_address(text).ok()) << text;
  }
}

}  // namespace
}  // namespace candela::http
