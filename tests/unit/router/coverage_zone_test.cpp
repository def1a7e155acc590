// Coverage zone parsing (good and bad documents, located errors) and longest-prefix match.
#include "router/coverage_zone.hpp"

#include <gtest/gtest.h>

namespace candela::router {
namespace {

IpAddress ip(const char* text) {
  return parse_ip_address(text).value();
}

constexpr const char* kZone = R"({
  "default_group": "lon1",
  "groups": [
    {"name": "lon1", "networks": ["127.0.0.0/24", "10.1.0.0/16", "2001:db8:1::/48"],
     "latitude": 51.5, "longitude": -0.12, "fallbacks": ["ams1"]},
    {"name": "ams1", "networks": ["10.1.2.0/24", "10.0.0.0/8", "2001:db8:1:5::/64"],
     "latitude": 52.37, "longitude": 4.9},
    {"name": "nyc1", "networks": []}
  ]})";

TEST(CoverageZone, ParsesGroupsNetworksCoordinatesAndFallbacks) {
  const auto zone = parse_coverage_zone(kZone);
  ASSERT_TRUE(zone.ok()) << zone.error();
  ASSERT_EQ(zone->groups().size(), 3u);
  EXPECT_EQ(zone->groups()[zone->default_group()].name, "lon1");
  EXPECT_EQ(zone->groups()[0].networks.size(), 3u);
  EXPECT_EQ(zone->groups()[0].fallbacks, std::vector<std::string>{"ams1"});
  EXPECT_DOUBLE_EQ(*zone->groups()[1].latitude, 52.37);
  EXPECT_FALSE(zone->groups()[2].latitude.has_value());
}

TEST(CoverageZone, LongestPrefixWinsForIpv4) {
  const auto zone = parse_coverage_zone(kZone).value();
  EXPECT_EQ(zone.groups()[zone.lookup(ip("10.1.2.7")).group].name, "ams1");  // /24 over /16
  EXPECT_EQ(zone.lookup(ip("10.1.2.7")).scope_prefix_length, 24);
  EXPECT_EQ(zone.groups()[zone.lookup(ip("10.1.3.7")).group].name, "lon1");  // /16 over /8
  EXPECT_EQ(zone.groups()[zone.lookup(ip("10.9.9.9")).group].name, "ams1");  // only /8
  EXPECT_EQ(zone.groups()[zone.lookup(ip("127.0.0.1")).group].name, "lon1");
}

TEST(CoverageZone, LongestPrefixWinsForIpv6) {
  const auto zone = parse_coverage_zone(kZone).value();
  EXPECT_EQ(zone.groups()[zone.lookup(ip("2001:db8:1:5::1")).group].name, "ams1");
  EXPECT_EQ(zone.groups()[zone.lookup(ip("2001:db8:1:6::1")).group].name, "lon1");
  EXPECT_EQ(zone.lookup(ip("2001:db8:1:6::1")).scope_prefix_length, 48);
}

TEST(CoverageZone, UnmatchedClientsGoToTheDefaultGroup) {
  const auto zone = parse_coverage_zone(kZone).value();
  const auto v4 = zone.lookup(ip("192.0.2.1"));
  EXPECT_FALSE(v4.matched);
  EXPECT_EQ(zone.groups()[v4.group].name, "lon1");
  EXPECT_EQ(v4.scope_prefix_length, 32);
  EXPECT_FALSE(zone.lookup(ip("2001:db8:2::1")).matched);
}

TEST(CoverageZone, SourcePrefixLimitsTheMatch) {
  const auto zone = parse_coverage_zone(kZone).value();
  // An ECS /16 cannot decide a /24: the /16 decides.
  const auto lookup = zone.lookup(ip("10.1.0.0"), 16);
  EXPECT_EQ(zone.groups()[lookup.group].name, "lon1");
  EXPECT_EQ(lookup.scope_prefix_length, 16);
  EXPECT_EQ(zone.groups()[zone.lookup(ip("10.1.0.0"), 12).group].name, "ams1");  // the /8
  EXPECT_FALSE(zone.lookup(ip("10.1.0.0"), 0).matched);
}

bool has_problem(const Result<CoverageZone>& zone, const std::string& pointer,
                 const std::string& fragment) {
  for (const auto& [at, why] : zone.failure().fields) {
    if (at == pointer && why.find(fragment) != std::string::npos) return true;
  }
  return false;
}

TEST(CoverageZone, ReportsEveryProblemWithItsLocation) {
  const auto zone = parse_coverage_zone(R"({
    "default_group": "par1", "extra": 1,
    "groups": [
      {"name": "lon1", "networks": ["10.0.0.0/8", "10.1.0.0/33", "not-a-cidr", "10.1.2.3/16", 7],
       "latitude": 95, "longitude": 0, "fallbacks": ["lon1", "zzz"]},
      {"name": "lon1", "networks": ["10.0.0.0/8"], "latitude": 1, "colour": "red"},
      {"networks": []}
    ]})");
  ASSERT_FALSE(zone.ok());
  EXPECT_TRUE(has_problem(zone, "/extra", "unknown member"));
  EXPECT_TRUE(has_problem(zone, "/default_group", "unknown group \"par1\""));
  EXPECT_TRUE(has_problem(zone, "/groups/0/networks/1", "0..32"));
  EXPECT_TRUE(has_problem(zone, "/groups/0/networks/2", "not a CIDR"));
  EXPECT_TRUE(has_problem(zone, "/groups/0/networks/3", "host bits"));
  EXPECT_TRUE(has_problem(zone, "/groups/0/networks/4", "not a CIDR"));
  EXPECT_TRUE(has_problem(zone, "/groups/0/latitude", "between -90 and 90"));
  EXPECT_TRUE(has_problem(zone, "/groups/0/fallbacks/0", "itself"));
  EXPECT_TRUE(has_problem(zone, "/groups/0/fallbacks/1", "unknown group \"zzz\""));
  EXPECT_TRUE(has_problem(zone, "/groups/1/name", "duplicate"));
  EXPECT_TRUE(has_problem(zone, "/groups/1/networks/0", "more than once"));
  EXPECT_TRUE(has_problem(zone, "/groups/1", "latitude and longitude go together"));
  EXPECT_TRUE(has_problem(zone, "/groups/1/colour", "unknown member"));
  EXPECT_TRUE(has_problem(zone, "/groups/2/name", "required"));
  EXPECT_EQ(zone.error().rfind("/extra: unknown member (and ", 0), 0u) << zone.error();
}

TEST(CoverageZone, RefusesDocumentsThatAreNotZones) {
  EXPECT_FALSE(parse_coverage_zone("{").ok());
  EXPECT_FALSE(parse_coverage_zone("[]").ok());
  const auto empty = parse_coverage_zone(R"({"default_group":"a","groups":[]})");
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(has_problem(empty, "/groups", "non-empty"));
}

TEST(CoverageZone, LoadNamesTheFileAndEachProblem) {
  const auto missing = load_coverage_zone("/nonexistent/czf.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("/nonexistent/czf.json"), std::string::npos);
}

TEST(Cidr, ParsesAndRefusesPrefixes) {
  EXPECT_EQ(parse_cidr("0.0.0.0/0")->prefix_length, 0);
  EXPECT_EQ(parse_cidr("2001:db8::/32")->network, ip("2001:db8::"));
  std::string why;
  EXPECT_FALSE(parse_cidr("10.0.0.0", &why));
  EXPECT_NE(why.find("not a CIDR"), std::string::npos);
  EXPECT_FALSE(parse_cidr("10.0.0.0/", &why));
  EXPECT_FALSE(parse_cidr("10.0.0.0/-1", &why));
  EXPECT_FALSE(parse_cidr("10.0.0.0/8x", &why));
  EXPECT_FALSE(parse_cidr("::/129", &why));
  EXPECT_FALSE(parse_cidr("2001:db8::1/32", &why));
  EXPECT_NE(why.find("host bits"), std::string::npos);
  EXPECT_FALSE(parse_cidr("[::1]/128", &why));
}

}  // namespace
}  // namespace candela::router
