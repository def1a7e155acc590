// The edge's Prometheus metrics, with per-thread caches of labelled children so that a request
// updates counters without taking a lock.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "common/metrics.hpp"

namespace candela::edge {

// Cache-Status outcomes counted per property.
enum class CacheOutcome : std::uint8_t { kHit, kMiss, kStale, kRevalidated, kPass, kError, kNone };
inline constexpr std::size_t kCacheOutcomes = 7;
CacheOutcome outcome_from(std::string_view cache_status) noexcept;

struct PropertyMetrics {
  std::array<metrics::Counter*, kCacheOutcomes> requests{};
  metrics::Counter* bytes = nullptr;
  std::array<metrics::Counter*, 5> status_classes{};  // 1xx..5xx
};

class EdgeMetrics {
 public:
  EdgeMetrics();
  metrics::Registry& registry() { return registry_; }

  // The counters of a property; cached per thread after the first call.
  PropertyMetrics& property(std::string_view property_id);

  metrics::Histogram& request_duration() { return *request_duration_; }
  metrics::Counter& origin_fetches(bool ok) { return ok ? *origin_ok_ : *origin_failed_; }
  metrics::Gauge& connections() { return *connections_; }

 private:
  metrics::Registry registry_;
  metrics::Family<metrics::Counter>* requests_;
  metrics::Family<metrics::Counter>* bytes_;
  metrics::Family<metrics::Counter>* statuses_;
  metrics::Histogram* request_duration_;
  metrics::Counter* origin_ok_;
  metrics::Counter* origin_failed_;
  metrics::Gauge* connections_;
};

}  // namespace candela::edge
