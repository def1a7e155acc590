// Edge metric families and the per-thread lookup of a property's counters.
#include "edge/edge_metrics.hpp"

#include <memory>
#include <unordered_map>

namespace candela::edge {

namespace {
constexpr std::array<std::string_view, kCacheOutcomes> kOutcomeNames = {
    "hit", "miss", "stale", "revalidated", "pass", "error", "none"};
constexpr std::array<std::string_view, 5> kStatusClasses = {"1xx", "2xx", "3xx", "4xx", "5xx"};

struct Hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
}  // namespace

CacheOutcome outcome_from(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kOutcomeNames.size(); ++i) {
    if (kOutcomeNames[i] == s) return static_cast<CacheOutcome>(i);
  }
  return CacheOutcome::kNone;
}

EdgeMetrics::EdgeMetrics() {
  requests_ = &registry_.counter_family("candela_edge_requests_total",
                                        "Requests answered, by property and cache status",
                                        {"property", "cache_status"});
  bytes_ =
      &registry_.counter_family("candela_edge_response_bytes_total",
                                "Bytes sent to clients (head and body), by property", {"property"});
  statuses_ = &registry_.counter_family("candela_edge_responses_total",
                                        "Responses by property and status class",
                                        {"property", "status_class"});
  property_fetches_ = &registry_.counter_family(
      "candela_edge_property_origin_fetches_total",
      "Requests sent to a property's origin or to a parent, by result (ok: a response arrived; "
      "failed: connect error, timeout or no valid response)",
      {"property", "result"});
  request_duration_ = &registry_.histogram("candela_edge_request_duration_seconds",
                                           "Time from the first request byte to the last "
                                           "response byte",
                                           metrics::latency_buckets_seconds());
  auto& fetches = registry_.counter_family("candela_edge_origin_fetches_total",
                                           "Requests sent to origins, by result", {"result"});
  origin_ok_ = &fetches.with({"ok"});
  origin_failed_ = &fetches.with({"failed"});
  connections_ = &registry_.gauge("candela_edge_open_connections", "Open client connections");
  parent_fetches_ = &registry_.counter_family(
      "candela_edge_parent_fetches_total",
      "Fills sent to a parent (shield) edge, by parent and result (ok; connect_failed, timeout, "
      "bad_response, gateway_error: failed over; loop: the parent answered 508)",
      {"parent", "result"});
}

metrics::Counter& EdgeMetrics::parent_fetches(std::string_view parent_id, std::string_view result) {
  return parent_fetches_->with({parent_id, result});
}

PropertyMetrics& EdgeMetrics::property(std::string_view property_id) {
  // One cache per thread (and per EdgeMetrics, for tests that run several edges).
  thread_local std::unordered_map<
      const EdgeMetrics*,
      std::unordered_map<std::string, std::unique_ptr<PropertyMetrics>, Hash, std::equal_to<>>>
      caches;
  auto& cache = caches[this];
  if (auto it = cache.find(property_id); it != cache.end()) return *it->second;
  auto pm = std::make_unique<PropertyMetrics>();
  const std::string id(property_id);
  for (std::size_t i = 0; i < kCacheOutcomes; ++i) {
    pm->requests[i] = &requests_->with({id, std::string(kOutcomeNames[i])});
  }
  pm->bytes = &bytes_->with({id});
  for (std::size_t i = 0; i < kStatusClasses.size(); ++i) {
    pm->status_classes[i] = &statuses_->with({id, std::string(kStatusClasses[i])});
  }
  pm->origin_fetches = {&property_fetches_->with({id, "ok"}),
                        &property_fetches_->with({id, "failed"})};
  return *cache.emplace(id, std::move(pm)).first->second;
}

}  // namespace candela::edge
