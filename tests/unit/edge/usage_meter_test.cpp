// The usage meter counts each exchange in the minute it completed, keeps the busiest second of
// each minute, and loses nothing when many threads count while the reporter drains.
#include "edge/usage_meter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/ids.hpp"

namespace candela::edge {
namespace {

using namespace std::chrono;

std::string property(const char* name, std::uint64_t seed = 1) {
  SeededRandom random(seed);
  return generate_scid(random) + "." + name;
}

// 2026-11-25T01:22:00Z
const SysTime kMinute = sys_days(year(2026) / 11 / 25) + hours(1) + minutes(22);

UsageExchange exchange(const std::string& id, SysTime when, int status = 200,
                       CacheOutcome outcome = CacheOutcome::kHit) {
  return {id, when, status, outcome, 1000, 800, false};
}

TEST(UsageMeterTest, CountsEveryFieldOfAnExchange) {
  UsageMeter meter;
  const std::string www = property("www");
  meter.record({www, kMinute + seconds(3), 200, CacheOutcome::kHit, 1200, 1000, false});
  meter.record({www, kMinute + seconds(4), 304, CacheOutcome::kRevalidated, 150, 0, true});
  meter.record({www, kMinute + seconds(5), 502, CacheOutcome::kError, 300, 100, false});
  meter.record({www, kMinute + seconds(5), 200, CacheOutcome::kMiss, 500, 400, false});
  meter.record({www, kMinute + seconds(6), 200, CacheOutcome::kStale, 10, 5, false});
  meter.record({www, kMinute + seconds(7), 404, CacheOutcome::kPass, 20, 6, true});
  meter.record({www, kMinute + seconds(8), 101, CacheOutcome::kNone, 30, 0, false});
  meter.record_fill(www, kMinute + seconds(5), 4321);
  const UsageDelta delta = meter.drain();
  ASSERT_EQ(delta.size(), 1u);
  const auto& [key, c] = *delta.begin();
  EXPECT_EQ(key.property, www);
  EXPECT_EQ(key.minute, minute_of(kMinute));
  EXPECT_EQ(c.requests, 7u);
  EXPECT_EQ(c.bytes, 1200u + 150 + 300 + 500 + 10 + 20 + 30);
  EXPECT_EQ(c.body_bytes, 1000u + 0 + 100 + 400 + 5 + 6);
  EXPECT_EQ(c.fill_bytes, 4321u);
  EXPECT_EQ(c.outcome(CacheOutcome::kHit), 1u);
  EXPECT_EQ(c.outcome(CacheOutcome::kMiss), 1u);
  EXPECT_EQ(c.outcome(CacheOutcome::kStale), 1u);
  EXPECT_EQ(c.outcome(CacheOutcome::kRevalidated), 1u);
  EXPECT_EQ(c.outcome(CacheOutcome::kPass), 1u);
  EXPECT_EQ(c.outcome(CacheOutcome::kError), 1u);
  EXPECT_EQ(c.outcome(CacheOutcome::kNone), 1u);
  EXPECT_EQ(c.status_classes, (std::array<std::uint64_t, 5>{1, 3, 1, 1, 1}));
  EXPECT_EQ(c.http, 5u);
  EXPECT_EQ(c.https, 2u);
  EXPECT_EQ(c.peak_rps(), 2u);  // two requests completed in second 5
}

TEST(UsageMeterTest, PeakRpsIsTheBusiestWallClockSecondOfTheMinute) {
  UsageMeter meter;
  const std::string www = property("www");
  // Three in second 10 (spread over it), four in second 11, one in second 59.
  for (int ms : {0, 400, 999})
    meter.record(exchange(www, kMinute + seconds(10) + milliseconds(ms)));
  for (int ms : {1, 2, 3, 4})
    meter.record(exchange(www, kMinute + seconds(11) + milliseconds(ms)));
  meter.record(exchange(www, kMinute + seconds(59) + milliseconds(999)));
  const UsageDelta delta = meter.drain();
  ASSERT_EQ(delta.size(), 1u);
  EXPECT_EQ(delta.begin()->second.requests, 8u);
  EXPECT_EQ(delta.begin()->second.peak_rps(), 4u);
  EXPECT_EQ(delta.begin()->second.per_second[10], 3u);
  EXPECT_EQ(delta.begin()->second.per_second[59], 1u);
}

TEST(UsageMeterTest, ARequestCountsInTheMinuteItCompleted) {
  UsageMeter meter;
  const std::string www = property("www");
  meter.record(exchange(www, kMinute - milliseconds(1)));  // 01:21:59.999
  meter.record(exchange(www, kMinute));                    // 01:22:00.000
  meter.record(exchange(www, kMinute + seconds(59) + milliseconds(999)));
  meter.record(exchange(www, kMinute + minutes(1)));
  meter.record_fill(www, kMinute + minutes(1) + seconds(1), 7);
  const UsageDelta delta = meter.drain();
  ASSERT_EQ(delta.size(), 3u);
  const std::int64_t m = minute_of(kMinute);
  EXPECT_EQ(delta.at({www, m - 1}).requests, 1u);
  EXPECT_EQ(delta.at({www, m - 1}).per_second[59], 1u);
  EXPECT_EQ(delta.at({www, m}).requests, 2u);
  EXPECT_EQ(delta.at({www, m}).per_second[0], 1u);
  EXPECT_EQ(delta.at({www, m}).per_second[59], 1u);
  EXPECT_EQ(delta.at({www, m + 1}).requests, 1u);
  EXPECT_EQ(delta.at({www, m + 1}).fill_bytes, 7u);
  EXPECT_EQ(minute_start(m), kMinute);
}

TEST(UsageMeterTest, RequestsWithoutAPropertyAreNotCounted) {
  UsageMeter meter;
  meter.record(exchange("-", kMinute));
  meter.record(exchange("", kMinute));
  meter.record_fill("-", kMinute, 100);
  EXPECT_TRUE(meter.drain().empty());
}

TEST(UsageMeterTest, PropertiesAreCountedApart) {
  UsageMeter meter;
  const std::string www = property("www", 1);
  const std::string img = property("img", 2);
  meter.record(exchange(www, kMinute));
  meter.record(exchange(img, kMinute));
  meter.record(exchange(img, kMinute));
  const UsageDelta delta = meter.drain();
  ASSERT_EQ(delta.size(), 2u);
  EXPECT_EQ(delta.at({www, minute_of(kMinute)}).requests, 1u);
  EXPECT_EQ(delta.at({img, minute_of(kMinute)}).requests, 2u);
}

TEST(UsageMeterTest, DrainTakesWhatWasCountedOnlyOnce) {
  UsageMeter meter;
  const std::string www = property("www");
  meter.record(exchange(www, kMinute));
  EXPECT_EQ(meter.drain().size(), 1u);
  EXPECT_TRUE(meter.drain().empty());
  meter.record(exchange(www, kMinute));
  const UsageDelta again = meter.drain();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again.begin()->second.requests, 1u);
}

TEST(UsageMeterTest, ShardsOfManyThreadsAddUpWhileTheReporterDrains) {
  UsageMeter meter;
  const std::string www = property("www");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (!go)
        std::this_thread::yield();
      for (int i = 0; i < kPerThread; ++i) {
        meter.record(exchange(www, kMinute + seconds(i % 2)));
        meter.record_fill(www, kMinute, 3);
      }
    });
  }
  UsageCounts total;
  go = true;
  // Drain while the threads count: every count lands in exactly one drain.
  for (int i = 0; i < 50; ++i) {
    for (const auto& [key, counts] : meter.drain())
      total.add(counts);
    std::this_thread::yield();
  }
  for (auto& t : threads)
    t.join();
  for (const auto& [key, counts] : meter.drain())
    total.add(counts);
  EXPECT_EQ(total.requests, std::uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(total.fill_bytes, std::uint64_t{kThreads} * kPerThread * 3);
  EXPECT_EQ(total.per_second[0], std::uint64_t{kThreads} * kPerThread / 2);
  EXPECT_EQ(total.peak_rps(), std::uint64_t{kThreads} * kPerThread / 2);
}

TEST(UsageMeterTest, TwoMetersDoNotShareShards) {
  UsageMeter a;
  UsageMeter b;
  const std::string www = property("www");
  a.record(exchange(www, kMinute));
  b.record(exchange(www, kMinute));
  b.record(exchange(www, kMinute));
  EXPECT_EQ(a.drain().begin()->second.requests, 1u);
  EXPECT_EQ(b.drain().begin()->second.requests, 2u);
}

}  // namespace
}  // namespace candela::edge
