// Parsing the monitor's /state and deciding when routing changed.
#include "router/monitor_state.hpp"

#include <gtest/gtest.h>

namespace candela::router {
namespace {

constexpr const char* kState = R"({"monitor_id":"monitor-1","generated_at":"2026-11-25T12:00:00Z",
 "sequence":42,"cdn_domain":"cdn.candela.test",
 "edges":[{"edge_id":"edge-a","cache_group":"lon1","role":"edge","address":"127.0.0.1:8081",
           "state":"up","since":"2026-11-25T11:00:00Z","available":true,"overloaded":false,
           "draining":false,"maintenance_reference":null,"requests_per_second":12.5,
           "bytes_per_second":10240.0,"error_rate":0.0,
           "capacity":{"requests_per_second":20000,"bytes_per_second":125000000}}],
 "services":["AB12CD34E"]})";

TEST(MonitorState, ParsesWhatRoutingNeeds) {
  const auto state = parse_monitor_state(kState);
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(state->monitor_id, "monitor-1");
  EXPECT_EQ(state->sequence, 42u);
  ASSERT_EQ(state->edges.size(), 1u);
  EXPECT_EQ(state->edges[0].address, "127.0.0.1:8081");
  EXPECT_TRUE(state->edges[0].available);
  EXPECT_EQ(state->services, std::vector<std::string>{"AB12CD34E"});
}

TEST(MonitorState, RatesDoNotCountAsARoutingChange) {
  const auto a = parse_monitor_state(kState).value();
  std::string text = kState;
  text.replace(text.find("12.5"), 4, "99.0");
  EXPECT_TRUE(a.same_routing(parse_monitor_state(text).value()));
  text.replace(text.find("\"available\":true"), 16, "\"available\":false");
  EXPECT_FALSE(a.same_routing(parse_monitor_state(text).value()));
}

TEST(MonitorState, RefusesStatesMissingWhatRoutingNeeds) {
  EXPECT_FALSE(parse_monitor_state("nope").ok());
  EXPECT_FALSE(parse_monitor_state(R"({"services":[]})").ok());
  const auto no_address = parse_monitor_state(
      R"({"edges":[{"edge_id":"a","cache_group":"g","role":"edge","available":true}]})");
  ASSERT_FALSE(no_address.ok());
  EXPECT_NE(no_address.error().find("/edges/0/address"), std::string::npos);
  EXPECT_FALSE(parse_monitor_state(
                   R"({"edges":[{"edge_id":"a","cache_group":"g","role":"edge",
                       "address":"1.2.3.4:80","available":"yes"}]})")
                   .ok());
  EXPECT_FALSE(parse_monitor_state(R"({"edges":[],"services":[1]})").ok());
}

}  // namespace
}  // namespace candela::router
