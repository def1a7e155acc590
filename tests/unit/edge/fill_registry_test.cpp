// Collapsed forwarding bookkeeping: one pending fill per key, every waiter told exactly once.
#include "edge/fill_registry.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace candela::edge {
namespace {

TEST(FillRegistry, SecondRequestForAKeyJoinsTheFirstFill) {
  FillRegistry registry;
  bool created = false;
  auto first = registry.join_or_create("k", created);
  EXPECT_TRUE(created);
  auto second = registry.join_or_create("k", created);
  EXPECT_FALSE(created);
  EXPECT_EQ(first, second);
  auto other = registry.join_or_create("other", created);
  EXPECT_TRUE(created);
  EXPECT_NE(first, other);
}

TEST(FillRegistry, RemoveForgetsOnlyTheFillThatIsStillRegistered) {
  FillRegistry registry;
  bool created = false;
  auto old_fill = registry.join_or_create("k", created);
  registry.remove("k", old_fill.get());
  EXPECT_FALSE(registry.contains("k"));
  auto new_fill = registry.join_or_create("k", created);
  EXPECT_TRUE(created);
  registry.remove("k", old_fill.get());  // a late removal by the old fill changes nothing
  EXPECT_TRUE(registry.contains("k"));
}

TEST(PendingFill, WaitersRunOnceWhenResolvedAndLateWaitersReadTheOutcome) {
  PendingFill fill;
  int calls = 0;
  EXPECT_TRUE(fill.wait([&] { ++calls; }));
  EXPECT_TRUE(fill.wait([&] { ++calls; }));
  fill.resolve(PendingFill::Outcome::kFailed, nullptr, 504, 12.5);
  EXPECT_EQ(calls, 2);
  fill.resolve(PendingFill::Outcome::kPass, nullptr, 200, 1);  // ignored: already resolved
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(fill.outcome(), PendingFill::Outcome::kFailed);
  EXPECT_EQ(fill.status(), 504);
  EXPECT_DOUBLE_EQ(fill.origin_ms(), 12.5);
  EXPECT_FALSE(fill.wait([&] { ++calls; }));
  EXPECT_EQ(calls, 2);
}

TEST(PendingFill, NoWaiterIsLostWhenWaitingRacesWithResolve) {
  for (int round = 0; round < 200; ++round) {
    PendingFill fill;
    std::atomic<int> told{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 25; ++i) {
          if (!fill.wait([&] { ++told; })) ++told;  // already resolved: read it directly
        }
      });
    }
    fill.resolve(PendingFill::Outcome::kObject, nullptr, 200, 0);
    for (auto& t : threads)
      t.join();
    EXPECT_EQ(told.load(), 100) << "round " << round;
  }
}

}  // namespace
}  // namespace candela::edge
