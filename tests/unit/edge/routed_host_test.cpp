// Routed host names "<edge_id>.<alias>.<routing_domain>": which Host values are this edge's routed
// form of an alias, and which routing domains the command line accepts.
#include "edge/routed_host.hpp"

#include <gtest/gtest.h>

namespace candela::edge {
namespace {

constexpr std::string_view kDomain = "cdn.candela.test";

std::string alias_of(std::string_view host, std::string_view edge_id = "edge-a") {
  return std::string(routed_alias(host, edge_id, kDomain));
}

TEST(RoutedHost, TheMiddleOfTheOwnRoutedNameIsTheAlias) {
  EXPECT_EQ(alias_of("edge-a.www.example.com.cdn.candela.test"), "www.example.com");
  EXPECT_EQ(alias_of("edge-a.demo.cdn.candela.test"), "demo");
}

TEST(RoutedHost, CaseAPortAndATrailingDotAreIgnoredAndTheAliasKeepsItsSpelling) {
  EXPECT_EQ(alias_of("EDGE-A.WWW.Example.com.CDN.Candela.Test:8081"), "WWW.Example.com");
  EXPECT_EQ(alias_of("edge-a.www.example.com.cdn.candela.test.:80"), "www.example.com");
  EXPECT_EQ(alias_of("edge-a.www.example.com.cdn.candela.test."), "www.example.com");
  // The result is a view into the Host value itself: nothing is copied on the request path.
  const std::string_view host = "edge-a.demo.cdn.candela.test:8080";
  const std::string_view alias = routed_alias(host, "edge-a", kDomain);
  EXPECT_EQ(alias.data(), host.data() + 7);
}

TEST(RoutedHost, AnotherEdgesRoutedNameIsNotOurs) {
  EXPECT_EQ(alias_of("edge-b.www.example.com.cdn.candela.test"), "");
  // The edge id is a whole label: "edge-a" does not match "edge-ab" nor "xedge-a".
  EXPECT_EQ(alias_of("edge-ab.www.example.com.cdn.candela.test"), "");
  EXPECT_EQ(alias_of("xedge-a.www.example.com.cdn.candela.test"), "");
  EXPECT_EQ(alias_of("edge-a.www.example.com.cdn.candela.test", "edge"), "");
}

TEST(RoutedHost, NamesOutsideTheDomainOrWithoutAnAliasAreNotRouted) {
  EXPECT_EQ(alias_of("www.example.com"), "");
  EXPECT_EQ(alias_of("edge-a.www.example.com"), "");
  EXPECT_EQ(alias_of("edge-a.cdn.candela.test"), "");   // no alias
  EXPECT_EQ(alias_of("edge-a..cdn.candela.test"), "");  // empty alias
  EXPECT_EQ(alias_of("edge-a...cdn.candela.test"), "");
  EXPECT_EQ(alias_of("edge-a.www.example.comcdn.candela.test"), "");  // domain is whole labels
  EXPECT_EQ(alias_of("edge-a.www.xcdn.candela.test"), "");
  EXPECT_EQ(alias_of("cdn.candela.test"), "");
  EXPECT_EQ(alias_of("candela.test"), "");
  EXPECT_EQ(alias_of("[::1]:8080"), "");
  EXPECT_EQ(alias_of(""), "");
}

TEST(RoutedHost, WithoutARoutingDomainOrEdgeIdNothingIsRouted) {
  EXPECT_EQ(routed_alias("edge-a.demo.cdn.candela.test", "edge-a", ""), "");
  EXPECT_EQ(routed_alias("edge-a.demo.cdn.candela.test", "", kDomain), "");
}

TEST(RoutedHost, TheCommandLineDomainIsLowerCasedWithoutTrailingDot) {
  auto d = normalize_routing_domain("CDN.Candela.Test.");
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(*d, "cdn.candela.test");
  EXPECT_EQ(*normalize_routing_domain("localhost"), "localhost");
}

TEST(RoutedHost, ACommandLineDomainThatIsNoHostNameIsRefusedWithTheReason) {
  for (const char* bad : {"", ".", "cdn..test", "-cdn.test", "cdn-.test", "cdn.test:80",
                          "cdn_test.example", "*.cdn.test", "cdn test"}) {
    auto d = normalize_routing_domain(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_NE(d.error().find("is not a host name"), std::string::npos) << d.error();
  }
  EXPECT_FALSE(normalize_routing_domain(std::string(64, 'a') + ".test").ok());
  EXPECT_TRUE(normalize_routing_domain(std::string(63, 'a') + ".test").ok());
}

}  // namespace
}  // namespace candela::edge
