// Rates from counter deltas, overload with hysteresis, and the error window.
#include "monitor/edge_rates.hpp"

#include <gtest/gtest.h>

namespace candela::monitor {
namespace {

using namespace std::chrono_literals;

CounterReading reading(SteadyTime at, double responses, double errors, double bytes) {
  CounterReading r;
  r.at = at;
  r.counters.responses = responses;
  r.counters.errors = errors;
  r.counters.bytes = bytes;
  return r;
}

TEST(EdgeRates, ComputesPerSecondRatesAndErrorShare) {
  const SteadyTime t0{};
  const auto rates = compute_rates(reading(t0, 100, 5, 1000), reading(t0 + 2s, 140, 15, 5000));
  ASSERT_TRUE(rates);
  EXPECT_DOUBLE_EQ(rates->requests_per_second, 20);
  EXPECT_DOUBLE_EQ(rates->bytes_per_second, 2000);
  EXPECT_DOUBLE_EQ(rates->error_rate, 0.25);
  EXPECT_DOUBLE_EQ(rates->responses, 40);
  EXPECT_DOUBLE_EQ(rates->errors, 10);
}

TEST(EdgeRates, ErrorRateIsZeroWithoutResponses) {
  const SteadyTime t0{};
  const auto rates = compute_rates(reading(t0, 7, 7, 0), reading(t0 + 1s, 7, 7, 0));
  ASSERT_TRUE(rates);
  EXPECT_DOUBLE_EQ(rates->requests_per_second, 0);
  EXPECT_DOUBLE_EQ(rates->error_rate, 0);
}

TEST(EdgeRates, NoRatesWhenCountersWentBackwardsOrNoTimePassed) {
  const SteadyTime t0{};
  EXPECT_FALSE(compute_rates(reading(t0, 100, 5, 1000), reading(t0 + 1s, 3, 0, 10)));
  EXPECT_FALSE(compute_rates(reading(t0, 100, 5, 1000), reading(t0 + 1s, 200, 5, 10)));
  EXPECT_FALSE(compute_rates(reading(t0, 1, 0, 1), reading(t0, 2, 0, 2)));
}

TEST(EdgeRates, OverloadedAboveCapacityUntilBackUnderNinetyPercent) {
  const Capacity capacity{100, 0};
  EdgeRates rates;
  rates.requests_per_second = 100;  // at capacity: not over
  EXPECT_FALSE(next_overloaded(false, rates, capacity));
  rates.requests_per_second = 101;
  EXPECT_TRUE(next_overloaded(false, rates, capacity));
  rates.requests_per_second = 95;  // under capacity but above 90 %: stays overloaded
  EXPECT_TRUE(next_overloaded(true, rates, capacity));
  EXPECT_FALSE(next_overloaded(false, rates, capacity));
  rates.requests_per_second = 89;
  EXPECT_FALSE(next_overloaded(true, rates, capacity));
}

TEST(EdgeRates, EitherCapacityOverloadsAndUndeclaredNeverDoes) {
  EdgeRates rates;
  rates.requests_per_second = 1e9;
  rates.bytes_per_second = 1e12;
  EXPECT_FALSE(next_overloaded(false, rates, Capacity{0, 0}));
  rates.requests_per_second = 1;
  EXPECT_TRUE(next_overloaded(false, rates, Capacity{100, 1000}));
  rates.bytes_per_second = 950;  // bytes at 95 %: still overloaded though requests are low
  EXPECT_TRUE(next_overloaded(true, rates, Capacity{100, 1000}));
  rates.bytes_per_second = 800;
  EXPECT_FALSE(next_overloaded(true, rates, Capacity{100, 1000}));
}

TEST(ErrorWindow, SumsTheIntervalsInsideItsSpan) {
  ErrorWindow window(10s);
  const SteadyTime t0{};
  window.add(t0, 10, 5);
  window.add(t0 + 4s, 30, 1);
  EXPECT_DOUBLE_EQ(window.responses(), 40);
  EXPECT_DOUBLE_EQ(window.errors(), 6);
  EXPECT_DOUBLE_EQ(window.error_rate(), 0.15);
  window.add(t0 + 11s, 10, 0);  // the first interval is now older than 10 s
  EXPECT_DOUBLE_EQ(window.responses(), 40);
  EXPECT_DOUBLE_EQ(window.errors(), 1);
  window.prune(t0 + 30s);
  EXPECT_DOUBLE_EQ(window.responses(), 0);
  EXPECT_DOUBLE_EQ(window.error_rate(), 0);
}

}  // namespace
}  // namespace candela::monitor
