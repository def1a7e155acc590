// When each alarm fires and clears.
#include "monitor/alarm_decisions.hpp"

#include <gtest/gtest.h>

#include "common/ids.hpp"
#include "monitor/alarm.hpp"

namespace candela::monitor {
namespace {

constexpr auto kNone = AlarmAction::kNone;
constexpr auto kFire = AlarmAction::kFire;
constexpr auto kClear = AlarmAction::kClear;
constexpr auto kUnknown = HealthState::kUnknown;
constexpr auto kUp = HealthState::kUp;
constexpr auto kDown = HealthState::kDown;
constexpr auto kDraining = HealthState::kDraining;

TEST(EdgeDownAlarm, FiresWhenAnUpOrUnknownEdgeGoesDown) {
  EXPECT_EQ(decide_edge_down(false, kUp, kDown), kFire);
  EXPECT_EQ(decide_edge_down(false, kUnknown, kDown), kFire);
  EXPECT_EQ(decide_edge_down(true, kUp, kDown), kNone);  // already firing
}

TEST(EdgeDownAlarm, ADrainedEdgeGoingDownIsMaintenanceNotAnAlarm) {
  EXPECT_EQ(decide_edge_down(false, kDraining, kDown), kNone);
}

TEST(EdgeDownAlarm, ClearsWhenTheEdgeAnswersAgain) {
  EXPECT_EQ(decide_edge_down(true, kDown, kUp), kClear);
  EXPECT_EQ(decide_edge_down(true, kDown, kDraining), kClear);
  EXPECT_EQ(decide_edge_down(false, kDown, kUp), kNone);  // nothing to clear
  EXPECT_EQ(decide_edge_down(false, kUnknown, kUp), kNone);
  EXPECT_EQ(decide_edge_down(false, kUp, kDraining), kNone);
  EXPECT_EQ(decide_edge_down(true, kDown, kDown), kNone);
}

TEST(ErrorRateAlarm, FiresAboveTheThresholdWithEnoughResponses) {
  EXPECT_EQ(decide_error_rate(false, 20, 3, 0.10, 20), kFire);   // 15 % of 20
  EXPECT_EQ(decide_error_rate(false, 20, 2, 0.10, 20), kNone);   // exactly 10 %: not above
  EXPECT_EQ(decide_error_rate(false, 19, 19, 0.10, 20), kNone);  // too few responses
  EXPECT_EQ(decide_error_rate(false, 0, 0, 0.10, 20), kNone);
  EXPECT_EQ(decide_error_rate(true, 100, 50, 0.10, 20), kNone);  // already firing
}

TEST(ErrorRateAlarm, ClearsWhenBackAtOrUnderTheThreshold) {
  EXPECT_EQ(decide_error_rate(true, 100, 10, 0.10, 20), kClear);
  EXPECT_EQ(decide_error_rate(true, 0, 0, 0.10, 20), kClear);  // no traffic: no errors
  EXPECT_EQ(decide_error_rate(true, 5, 1, 0.10, 20), kNone);   // 20 % of a few: still firing
  EXPECT_EQ(decide_error_rate(false, 100, 0, 0.10, 20), kNone);
}

TEST(OriginUnreachableAlarm, FiresOnFailuresWithoutSuccessAndClearsOnASuccess) {
  EXPECT_EQ(decide_origin_unreachable(false, 0, 3), kFire);
  EXPECT_EQ(decide_origin_unreachable(false, 1, 3), kNone);  // some fetches still work
  EXPECT_EQ(decide_origin_unreachable(false, 0, 0), kNone);
  EXPECT_EQ(decide_origin_unreachable(true, 0, 3), kNone);
  EXPECT_EQ(decide_origin_unreachable(true, 0, 0), kNone);  // no traffic: no news
  EXPECT_EQ(decide_origin_unreachable(true, 1, 0), kClear);
  EXPECT_EQ(decide_origin_unreachable(true, 1, 5), kClear);
}

TEST(PropertyId, SplitsAPortalPropertyIdIntoScidAndName) {
  SeededRandom random(7);
  const std::string scid = generate_scid(random);
  const auto parts = split_property_id(scid + ".www");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->scid, scid);
  EXPECT_EQ(parts->name, "www");
  const auto dotted = split_property_id(scid + ".img.v2");
  ASSERT_TRUE(dotted);
  EXPECT_EQ(dotted->name, "img.v2");
}

TEST(PropertyId, RefusesIdsWithoutAValidScid) {
  SeededRandom random(7);
  std::string scid = generate_scid(random);
  EXPECT_FALSE(split_property_id("www"));
  EXPECT_FALSE(split_property_id(scid + "."));
  EXPECT_FALSE(split_property_id(scid + "www"));
  scid[8] = scid[8] == '0' ? '1' : '0';  // wrong check character
  EXPECT_FALSE(split_property_id(scid + ".www"));
}

}  // namespace
}  // namespace candela::monitor

namespace candela::monitor {
namespace {

TEST(AlarmJson, FollowsTheNocContract) {
  Alarm alarm;
  alarm.kind = "origin_unreachable";
  alarm.state = "firing";
  alarm.edge_id = "edge-a";
  alarm.scid = "AB12CD34E";
  alarm.property = "www";
  alarm.observed_at = SysTime(std::chrono::seconds(1795608000));
  alarm.summary = "edge-a cannot reach the origin";
  alarm.details = {{"failed_fetches", 3}};
  const auto body = alarm_json(alarm);
  EXPECT_EQ(body, nlohmann::json({{"kind", "origin_unreachable"},
                                  {"state", "firing"},
                                  {"edge_id", "edge-a"},
                                  {"scid", "AB12CD34E"},
                                  {"property", "www"},
                                  {"observed_at", "2026-11-25T12:00:00Z"},
                                  {"summary", "edge-a cannot reach the origin"},
                                  {"details", {{"failed_fetches", 3}}}}));
  EXPECT_EQ(alarm.key(), "origin_unreachable|edge-a|AB12CD34E|www");
  alarm.scid.clear();
  alarm.property.clear();
  EXPECT_FALSE(alarm_json(alarm).contains("scid"));
  EXPECT_FALSE(alarm_json(alarm).contains("property"));
}

TEST(AlarmJson, KeepsTheSummaryToOneLineOfAtMost500Characters) {
  Alarm alarm;
  alarm.summary = "first\nsecond " + std::string(600, 'x');
  std::string summary = alarm_json(alarm)["summary"];
  EXPECT_EQ(summary.size(), 500u);
  EXPECT_EQ(summary.find('\n'), std::string::npos);
  alarm.summary = std::string(496, 'x') + "\xc3\xa9\xc3\xa9\xc3\xa9";  // é crosses the cut
  summary = alarm_json(alarm)["summary"];
  EXPECT_EQ(summary, std::string(496, 'x') + "...");
}

}  // namespace
}  // namespace candela::monitor
