// The health state machine, table-driven: each row is a sequence of probe results and the state
// after each one.
#include "monitor/health_state.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace candela::monitor {
namespace {

constexpr ProbeResult kOk = ProbeResult::kOk;
constexpr ProbeResult kFail = ProbeResult::kFailed;
constexpr ProbeResult kDrain = ProbeResult::kDraining;

struct Row {
  std::string name;
  HealthPolicy policy;
  std::vector<ProbeResult> probes;
  std::vector<std::string> states;  // after each probe
};

TEST(HealthTracker, StartsUnknown) {
  HealthTracker tracker;
  EXPECT_EQ(tracker.state(), HealthState::kUnknown);
  EXPECT_EQ(to_string(tracker.state()), "unknown");
}

TEST(HealthTracker, FollowsTheTable) {
  const HealthPolicy defaults;  // down after 2, up after 3
  const std::vector<Row> rows = {
      {"first success is up", defaults, {kOk}, {"up"}},
      {"down after K failures", defaults, {kOk, kFail, kFail, kFail}, {"up", "up", "down", "down"}},
      {"one failure between successes is forgiven",
       defaults,
       {kOk, kFail, kOk, kFail, kOk},
       {"up", "up", "up", "up", "up"}},
      {"never answered: down after K", defaults, {kFail, kFail}, {"unknown", "down"}},
      {"up after M successes",
       defaults,
       {kOk, kFail, kFail, kOk, kOk, kOk},
       {"up", "up", "down", "down", "down", "up"}},
      {"a failure restarts the count towards up",
       defaults,
       {kFail, kFail, kOk, kOk, kFail, kOk, kOk, kOk},
       {"unknown", "down", "down", "down", "down", "down", "down", "up"}},
      {"draining at once and back at once",
       defaults,
       {kOk, kDrain, kDrain, kOk},
       {"up", "draining", "draining", "up"}},
      {"a draining edge that stops answering goes down",
       defaults,
       {kDrain, kFail, kFail},
       {"draining", "draining", "down"}},
      {"a down edge answering draining is draining",
       defaults,
       {kFail, kFail, kDrain},
       {"unknown", "down", "draining"}},
      {"K = 1, M = 1", HealthPolicy{1, 1}, {kOk, kFail, kOk}, {"up", "down", "up"}},
      {"K = 4",
       HealthPolicy{4, 1},
       {kOk, kFail, kFail, kFail, kFail},
       {"up", "up", "up", "up", "down"}},
  };
  for (const Row& row : rows) {
    ASSERT_EQ(row.probes.size(), row.states.size()) << row.name;
    HealthTracker tracker;
    for (std::size_t i = 0; i < row.probes.size(); ++i) {
      const HealthState before = tracker.state();
      const bool changed = tracker.observe(row.probes[i], row.policy);
      EXPECT_EQ(to_string(tracker.state()), row.states[i]) << row.name << ", probe " << i;
      EXPECT_EQ(changed, tracker.state() != before) << row.name << ", probe " << i;
    }
  }
}

TEST(HealthTracker, CountsConsecutiveFailuresAndSuccesses) {
  HealthTracker tracker;
  const HealthPolicy policy;
  tracker.observe(kFail, policy);
  tracker.observe(kFail, policy);
  tracker.observe(kFail, policy);
  EXPECT_EQ(tracker.consecutive_failures(), 3);
  EXPECT_EQ(tracker.consecutive_successes(), 0);
  tracker.observe(kOk, policy);
  EXPECT_EQ(tracker.consecutive_failures(), 0);
  EXPECT_EQ(tracker.consecutive_successes(), 1);
}

}  // namespace
}  // namespace candela::monitor
