// Rates from two readings of an edge's counters, overload against its declared capacity, and the
// sliding window the error-rate alarm looks at. Pure; times are steady-clock instants.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

#include "monitor/edge_counters.hpp"

namespace candela::monitor {

using SteadyTime = std::chrono::steady_clock::time_point;

struct CounterReading {
  SteadyTime at;
  EdgeCounters counters;
};

struct EdgeRates {
  double requests_per_second = 0.0;
  double bytes_per_second = 0.0;
  double error_rate = 0.0;  // 5xx / responses over the interval; 0 without responses
  double responses = 0.0;   // counter deltas over the interval
  double errors = 0.0;
};

// Rates between two readings; nullopt when no time passed or a counter went backwards (the edge
// restarted: its counters began again from zero, so this interval says nothing).
std::optional<EdgeRates> compute_rates(const CounterReading& before, const CounterReading& after);

struct Capacity {
  std::uint64_t requests_per_second = 0;  // 0: not declared
  std::uint64_t bytes_per_second = 0;

  bool operator==(const Capacity&) const = default;
};

// Overloaded when a declared capacity is exceeded; it stays overloaded until both rates are back
// under `release` (0.9) of their capacity, so an edge near its limit does not flap in and out of
// the router's choice every second.
bool next_overloaded(bool overloaded, const EdgeRates& rates, const Capacity& capacity,
                     double release = 0.9);

// Responses and 5xx counted over the last `span` of intervals.
class ErrorWindow {
 public:
  explicit ErrorWindow(std::chrono::milliseconds span) : span_(span) {}

  void add(SteadyTime at, double responses, double errors);
  // Drops intervals that ended more than `span` before `now`.
  void prune(SteadyTime now);
  void clear() { entries_.clear(); }

  double responses() const;
  double errors() const;
  double error_rate() const;  // 0 without responses

 private:
  struct Entry {
    SteadyTime at;
    double responses;
    double errors;
  };
  std::chrono::milliseconds span_;
  std::deque<Entry> entries_;
};

}  // namespace candela::monitor
