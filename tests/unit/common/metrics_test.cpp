// Tests of the Prometheus metrics registry: exact exposition text, sharded sums, buckets.
#include "common/metrics.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

namespace candela::metrics {
namespace {

TEST(Metrics, RendersSmallRegistryExactly) {
  Registry registry;
  auto& requests = registry.counter_family("candela_requests_total", "Requests served.",
                                           {"property", "cache_status"});
  requests.with({"demo", "hit"}).inc(3);
  requests.with({"demo", "miss"}).inc();
  registry.gauge("candela_connections", "Open client connections.").set(2.5);
  auto& latency = registry.histogram("candela_request_seconds", "Request latency.", {0.1, 0.5});
  latency.observe(0.05);
  latency.observe(0.5);
  latency.observe(7);
  registry.callback_gauge("candela_cache_bytes", "Bytes in the cache.", {{"tier", "ram"}},
                          [] { return 1024.0; });

  EXPECT_EQ(registry.render(),
            "# HELP candela_requests_total Requests served.\n"
            "# TYPE candela_requests_total counter\n"
            "candela_requests_total{property=\"demo\",cache_status=\"hit\"} 3\n"
            "candela_requests_total{property=\"demo\",cache_status=\"miss\"} 1\n"
            "# HELP candela_connections Open client connections.\n"
            "# TYPE candela_connections gauge\n"
            "candela_connections 2.5\n"
            "# HELP candela_request_seconds Request latency.\n"
            "# TYPE candela_request_seconds histogram\n"
            "candela_request_seconds_bucket{le=\"0.1\"} 1\n"
            "candela_request_seconds_bucket{le=\"0.5\"} 2\n"
            "candela_request_seconds_bucket{le=\"+Inf\"} 3\n"
            "candela_request_seconds_sum 7.55\n"
            "candela_request_seconds_count 3\n"
            "# HELP candela_cache_bytes Bytes in the cache.\n"
            "# TYPE candela_cache_bytes gauge\n"
            "candela_cache_bytes{tier=\"ram\"} 1024\n");
}

TEST(Metrics, HistogramWithLabelsPutsLeLast) {
  Registry registry;
  auto& family = registry.histogram_family("fill_seconds", "Fill time.", {"origin"}, {1});
  family.with({"a"}).observe(1);
  EXPECT_EQ(registry.render(),
            "# HELP fill_seconds Fill time.\n"
            "# TYPE fill_seconds histogram\n"
            "fill_seconds_bucket{origin=\"a\",le=\"1\"} 1\n"
            "fill_seconds_bucket{origin=\"a\",le=\"+Inf\"} 1\n"
            "fill_seconds_sum{origin=\"a\"} 1\n"
            "fill_seconds_count{origin=\"a\"} 1\n");
}

TEST(Metrics, ConcurrentIncrementsFromFourThreadsSumExactly) {
  Registry registry;
  auto& counter = registry.counter("hits_total", "Hits.");
  auto& histogram = registry.histogram("lat_seconds", "Latency.", latency_buckets_seconds());
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250'000;
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (!go.load())
        std::this_thread::yield();
      for (int i = 0; i < kPerThread; ++i) {
        counter.inc();
        histogram.observe(0.001);
      }
    });
  }
  go = true;
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(counter.value(), std::uint64_t{kThreads} * kPerThread);
  const auto snap = histogram.snapshot();
  EXPECT_EQ(snap.count, std::uint64_t{kThreads} * kPerThread);
  // 0.001 is the second bound, so the first bucket is empty and the second holds everything.
  EXPECT_EQ(snap.cumulative[0], 0U);
  EXPECT_EQ(snap.cumulative[1], std::uint64_t{kThreads} * kPerThread);
  EXPECT_NEAR(snap.sum, 0.001 * kThreads * kPerThread, 1e-6);
}

TEST(Metrics, NewChildrenCanBeAddedWhileOthersAreUpdated) {
  Registry registry;
  auto& family = registry.counter_family("req_total", "Requests.", {"property"});
  auto& existing = family.with({"old"});
  std::atomic<bool> stop{false};
  std::thread updater([&] {
    for (int i = 0; i < 100'000; ++i)
      existing.inc();
    stop = true;
  });
  int added = 0;
  do {  // at least once, even if the updater has already finished
    family.with({"p" + std::to_string(added++)}).inc();
    (void)registry.render();
  } while (!stop.load());
  updater.join();
  EXPECT_EQ(existing.value(), 100'000U);
  EXPECT_EQ(&family.with({"old"}), &existing);
  EXPECT_EQ(family.with({"p0"}).value(), 1U);
}

TEST(Metrics, ValueEqualToABoundCountsInThatBucket) {
  Histogram h({0.1, 0.5, 1.0});
  h.observe(0.1);
  h.observe(0.5000001);
  h.observe(1.0);
  h.observe(-3);
  h.observe(std::numeric_limits<double>::quiet_NaN());
  const auto snap = h.snapshot();
  ASSERT_EQ(snap.cumulative.size(), 4U);
  EXPECT_EQ(snap.cumulative[0], 2U);  // -3 and 0.1
  EXPECT_EQ(snap.cumulative[1], 2U);  // 0.5000001 is above 0.5
  EXPECT_EQ(snap.cumulative[2], 4U);  // 0.5000001 and 1.0
  EXPECT_EQ(snap.cumulative[3], 5U);  // NaN only in +Inf
  EXPECT_EQ(snap.count, 5U);
  EXPECT_TRUE(std::isnan(snap.sum));
}

TEST(Metrics, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.counter_family("odd_total", "Help with \\ and\nnewline \"quoted\".", {"path"})
      .with({"a\\b\"c\nd"})
      .inc();
  EXPECT_EQ(registry.render(),
            "# HELP odd_total Help with \\\\ and\\nnewline \"quoted\".\n"
            "# TYPE odd_total counter\n"
            "odd_total{path=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(Metrics, GaugeGoesUpAndDownAndRendersSpecialValues) {
  Registry registry;
  auto& g = registry.gauge("g", "A gauge.");
  g.inc();
  g.inc();
  g.dec();
  g.add(0.25);
  EXPECT_DOUBLE_EQ(g.value(), 1.25);
  g.set(std::numeric_limits<double>::infinity());
  EXPECT_EQ(registry.render(), "# HELP g A gauge.\n# TYPE g gauge\ng +Inf\n");
}

TEST(Metrics, CallbacksAreEvaluatedAtScrapeReplacedAndRemoved) {
  Registry registry;
  double bytes = 10;
  registry.callback_counter("dropped_total", "Dropped lines.", {}, [&] { return bytes; });
  EXPECT_EQ(
      registry.render(),
      "# HELP dropped_total Dropped lines.\n# TYPE dropped_total counter\ndropped_total 10\n");
  bytes = 12;
  EXPECT_NE(registry.render().find("dropped_total 12\n"), std::string::npos);
  registry.callback_counter("dropped_total", "Dropped lines.", {}, [] { return 99.0; });
  EXPECT_NE(registry.render().find("dropped_total 99\n"), std::string::npos);
  registry.remove_callbacks("dropped_total");
  EXPECT_EQ(registry.render(), "");
}

TEST(Metrics, ReRegisteringTheSameDefinitionReturnsTheSameFamily) {
  Registry registry;
  auto& a = registry.counter_family("x_total", "X.", {"p"});
  auto& b = registry.counter_family("x_total", "X.", {"p"});
  EXPECT_EQ(&a, &b);
  auto& h1 = registry.histogram("h", "H.", {1, 2});
  auto& h2 = registry.histogram("h", "H.", {1, 2});
  EXPECT_EQ(&h1, &h2);
}

TEST(Metrics, RejectsInvalidOrConflictingRegistrations) {
  Registry registry;
  registry.counter_family("x_total", "X.", {"p"});
  EXPECT_THROW(registry.gauge_family("x_total", "X.", {"p"}), std::invalid_argument);
  EXPECT_THROW(registry.counter_family("x_total", "X.", {"q"}), std::invalid_argument);
  EXPECT_THROW(registry.counter("1bad", "Bad."), std::invalid_argument);
  EXPECT_THROW(registry.counter_family("y", "Y.", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(registry.counter_family("y", "Y.", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(registry.histogram_family("h", "H.", {"le"}, {1}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h", "H.", {2, 1}), std::invalid_argument);
  registry.histogram("h2", "H.", {1, 2});
  EXPECT_THROW(registry.histogram("h2", "H.", {1, 3}), std::invalid_argument);
  auto& family = registry.counter_family("z_total", "Z.", {"a", "b"});
  EXPECT_THROW(family.with({"only-one"}), std::invalid_argument);
}

TEST(Metrics, LabelledFamilyWithoutChildrenIsNotRendered) {
  Registry registry;
  registry.counter_family("empty_total", "Nothing yet.", {"p"});
  EXPECT_EQ(registry.render(), "");
}

}  // namespace
}  // namespace candela::metrics
