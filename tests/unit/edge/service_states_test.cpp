// Service states on the edge: the feed's payload is checked, only suspended SCIDs are kept, the
// set round-trips through last-good.json's form, and the suspension body names the SCID.
#include "edge/service_states.hpp"

#include <gtest/gtest.h>

namespace candela::edge {
namespace {

using nlohmann::json;

constexpr const char* kScid = "AB12CD34W";  // valid: its check character matches
constexpr const char* kOther = "ZX98YW76J";

TEST(ServiceStateChange, ReadsScidStateAndReason) {
  auto change = parse_service_state_change(
      {{"scid", kScid}, {"state", "suspended"}, {"reason", "non-payment: INV-2026-000001"}});
  ASSERT_TRUE(change.ok()) << change.error();
  EXPECT_EQ(change->scid, kScid);
  EXPECT_EQ(change->state, "suspended");
  EXPECT_EQ(change->reason, "non-payment: INV-2026-000001");
  for (const char* state : {"pending", "active", "disconnected"}) {
    auto other = parse_service_state_change({{"scid", kScid}, {"state", state}});
    ASSERT_TRUE(other.ok()) << state << ": " << other.error();
    EXPECT_EQ(other->state, state);
    EXPECT_EQ(other->reason, "") << "a missing reason does not stop the edge from obeying";
  }
}

TEST(ServiceStateChange, RefusesABadPayloadNamingTheMember) {
  const struct {
    json payload;
    std::string expected;
  } cases[] = {
      {json::array(), "payload must be"},
      {{{"state", "suspended"}}, "/scid"},
      {{{"scid", 12}, {"state", "suspended"}}, "/scid"},
      {{{"scid", "AB12CD34E"}, {"state", "suspended"}}, "/scid"},  // wrong check character
      {{{"scid", kScid}}, "/state"},
      {{{"scid", kScid}, {"state", "paused"}}, "not \"paused\""},
      {{{"scid", kScid}, {"state", true}}, "/state"},
  };
  for (const auto& c : cases) {
    auto change = parse_service_state_change(c.payload);
    ASSERT_FALSE(change.ok()) << c.payload.dump();
    EXPECT_NE(change.error().find(c.expected), std::string::npos)
        << c.payload.dump() << " → " << change.error();
  }
}

TEST(ServiceStates, OnlySuspendedScidsAreKept) {
  ServiceStates states;
  EXPECT_FALSE(states.is_suspended(kScid));
  EXPECT_TRUE(states.apply({kScid, "suspended", ""}));
  EXPECT_FALSE(states.apply({kScid, "suspended", ""})) << "a repeat changes nothing";
  EXPECT_TRUE(states.is_suspended(kScid));
  EXPECT_FALSE(states.is_suspended(kOther));
  EXPECT_TRUE(states.apply({kOther, "suspended", ""}));
  EXPECT_TRUE(states.apply({kScid, "active", ""}));
  EXPECT_FALSE(states.is_suspended(kScid));
  EXPECT_TRUE(states.apply({kOther, "disconnected", ""}));
  EXPECT_TRUE(states.suspended().empty());
  EXPECT_FALSE(states.apply({kScid, "pending", ""})) << "not suspended: nothing to remove";
}

TEST(ServiceStates, RoundTripsThroughTheLastGoodForm) {
  ServiceStates states;
  states.apply({kScid, "suspended", ""});
  states.apply({kOther, "suspended", ""});
  const json form = states.to_json();
  EXPECT_EQ(form, (json{{kScid, "suspended"}, {kOther, "suspended"}}));
  auto read = ServiceStates::from_json(form);
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read.value(), states);
  auto active = ServiceStates::from_json({{kScid, "active"}});
  ASSERT_TRUE(active.ok()) << active.error();
  EXPECT_TRUE(active->suspended().empty()) << "a state other than suspended is not kept";
}

TEST(ServiceStates, RefusesADamagedLastGoodForm) {
  const struct {
    json form;
    std::string expected;
  } cases[] = {
      {json::array(), "/service_states: must be an object"},
      {{{"not-a-scid", "suspended"}}, "\"not-a-scid\" is not a valid SCID"},
      {{{kScid, "frozen"}}, std::string("/service_states/") + kScid},
      {{{kScid, 1}}, std::string("/service_states/") + kScid},
  };
  for (const auto& c : cases) {
    auto read = ServiceStates::from_json(c.form);
    ASSERT_FALSE(read.ok()) << c.form.dump();
    EXPECT_NE(read.error().find(c.expected), std::string::npos) << read.error();
  }
}

TEST(ServiceStates, TheSuspensionBodyNamesTheScid) {
  EXPECT_EQ(suspended_body(kScid), "This service is suspended. SCID AB12CD34W\n");
  EXPECT_EQ(kSuspendedStatus, 403);
  EXPECT_EQ(kSuspendedFields, "Candela-Service-State: suspended\r\n");
}

}  // namespace
}  // namespace candela::edge
