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
  // Requests sent to the property's origin or to a parent: [0] a response head arrived,
  // [1] connect error, timeout or broken/invalid answer before a response head.
  std::array<metrics::Counter*, 2> origin_fetches{};
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
  // candela_edge_parent_fetches_total{parent,result}: fills sent to a parent (shield) edge.
  // Looked up per fetch (misses only, never the hit path).
  metrics::Counter& parent_fetches(std::string_view parent_id, std::string_view result);

 private:
  metrics::Registry registry_;
  metrics::Family<metrics::Counter>* requests_;
  metrics::Family<metrics::Counter>* bytes_;
  metrics::Family<metrics::Counter>* statuses_;
  metrics::Family<metrics::Counter>* property_fetches_;
  metrics::Histogram* request_duration_;
  metrics::Counter* origin_ok_;
  metrics::Counter* origin_failed_;
  metrics::Gauge* connections_;
  metrics::Family<metrics::Counter>* parent_fetches_;
};

}  // namespace candela::edge
