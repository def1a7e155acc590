// /state and the health report built from edge statuses; what changes the sequence.
#include "monitor/state_document.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace candela::monitor {
namespace {

EdgeStatus status(const std::string& id, HealthState state) {
  EdgeStatus s;
  s.edge.edge_id = id;
  s.edge.cache_group = "lon1";
  s.edge.address = "127.0.0.1:8081";
  s.edge.capacity = {20000, 125000000};
  s.state = state;
  s.since = SysTime(std::chrono::seconds(1795608000));  // 2026-11-25T12:00:00Z
  s.detail = "ok";
  return s;
}

TEST(StateDocument, ListsEveryEdgeWithAvailability) {
  std::vector<EdgeStatus> edges = {
      status("a", HealthState::kUp), status("b", HealthState::kUp), status("c", HealthState::kDown),
      status("d", HealthState::kDraining), status("e", HealthState::kUp)};
  edges[0].rates.requests_per_second = 12.5;
  edges[1].edge.draining = true;  // maintenance
  edges[1].edge.maintenance_reference = "MNT-2026-000001";
  edges[4].overloaded = true;
  const std::vector<std::string> services = {"AB12CD34E"};
  const auto doc = state_document(
      {"monitor-1", SysTime(std::chrono::seconds(1795608001)), 42, "cdn.test", &edges, &services});
  EXPECT_EQ(doc["monitor_id"], "monitor-1");
  EXPECT_EQ(doc["generated_at"], "2026-11-25T12:00:01Z");
  EXPECT_EQ(doc["sequence"], 42);
  EXPECT_EQ(doc["cdn_domain"], "cdn.test");
  EXPECT_EQ(doc["services"], nlohmann::json({"AB12CD34E"}));
  const auto& e = doc["edges"];
  ASSERT_EQ(e.size(), 5u);
  EXPECT_EQ(e[0]["state"], "up");
  EXPECT_EQ(e[0]["since"], "2026-11-25T12:00:00Z");
  EXPECT_EQ(e[0]["available"], true);
  EXPECT_EQ(e[0]["draining"], false);
  EXPECT_EQ(e[0]["maintenance_reference"], nullptr);
  EXPECT_EQ(e[0]["requests_per_second"], 12.5);
  EXPECT_EQ(e[0]["capacity"]["requests_per_second"], 20000);
  EXPECT_EQ(e[1]["available"], false);
  EXPECT_EQ(e[1]["draining"], true);
  EXPECT_EQ(e[1]["maintenance_reference"], "MNT-2026-000001");
  EXPECT_EQ(e[2]["available"], false);
  EXPECT_EQ(e[3]["state"], "draining");
  EXPECT_EQ(e[3]["draining"], true);
  EXPECT_EQ(e[3]["available"], false);
  EXPECT_EQ(e[4]["overloaded"], true);
  EXPECT_EQ(e[4]["available"], false);
}

TEST(StateDocument, FingerprintIgnoresRatesButNotStates) {
  std::vector<EdgeStatus> edges = {status("a", HealthState::kUp)};
  const std::string first = state_fingerprint(edges);
  edges[0].rates.requests_per_second = 99;
  edges[0].rates.error_rate = 0.5;
  edges[0].detail = "another detail";
  EXPECT_EQ(state_fingerprint(edges), first);
  edges[0].overloaded = true;
  EXPECT_NE(state_fingerprint(edges), first);
  edges[0].overloaded = false;
  edges[0].state = HealthState::kDown;
  EXPECT_NE(state_fingerprint(edges), first);
}

TEST(HealthReport, FollowsTheContractAndKeepsNumbersValid) {
  std::vector<EdgeStatus> edges = {status("a", HealthState::kDown)};
  edges[0].rates.requests_per_second = std::numeric_limits<double>::infinity();
  edges[0].rates.error_rate = 2.0;
  edges[0].detail = "line one\nline two " + std::string(600, 'x');
  const auto report = health_report(SysTime(std::chrono::seconds(1795608002)), edges);
  EXPECT_EQ(report["observed_at"], "2026-11-25T12:00:02Z");
  const auto& e = report["edges"][0];
  EXPECT_EQ(e["edge_id"], "a");
  EXPECT_EQ(e["state"], "down");
  EXPECT_EQ(e["requests_per_second"], 0.0);
  EXPECT_EQ(e["error_rate"], 1.0);
  EXPECT_EQ(e["overloaded"], false);
  const std::string detail = e["detail"];
  EXPECT_EQ(detail.size(), 500u);
  EXPECT_EQ(detail.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace candela::monitor
