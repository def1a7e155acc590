// State shared by all event loops of one edge process: settings, the cache, pending fills,
// metrics and the access log.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "cache/ram_store.hpp"
#include "common/clock.hpp"
#include "edge/drain_state.hpp"
#include "edge/edge_config.hpp"
#include "edge/edge_metrics.hpp"
#include "edge/fill_registry.hpp"
#include "edge/parent_set.hpp"

namespace candela::edge {

class AccessLog;
class ClientConnection;
class UsageMeter;
class Worker;

class EdgeRuntime {
 public:
  explicit EdgeRuntime(const EdgeConfig& config, const Clock& clock = SystemClock::instance());
  ~EdgeRuntime();

  const std::string& edge_id() const { return edge_id_; }
  // The CDN domain of routed host names ("<edge_id>.<alias>.<domain>", lower case); empty: off.
  const std::string& routing_domain() const { return routing_domain_; }
  const Limits& limits() const { return limits_; }
  const CacheSettings& cache_settings() const { return cache_settings_; }
  const Clock& clock() const { return clock_; }
  cache::RamStore& store() { return store_; }
  FillRegistry& fills() { return fills_; }
  EdgeMetrics& metrics() { return metrics_; }
  // The shields that fills of `shield` properties go through (docs/shield.md); the file's
  // parents at start, replaced on reload or by the topology poller.
  ParentDirectory& parents() { return parents_; }
  // Manual drain (admin POST/DELETE /drain) and shutdown: what /healthz answers.
  DrainState& drain() { return drain_; }

  void set_access_log(std::unique_ptr<AccessLog> log);
  AccessLog* access_log() { return access_log_.get(); }

  // Counts usage per property and minute for the portal; only when the edge follows one.
  void set_usage_meter(std::unique_ptr<UsageMeter> meter);
  UsageMeter* usage_meter() { return usage_meter_.get(); }
  // Bytes received from an origin or parent on behalf of `property_id` (fills, revalidations,
  // passes), counted when the fetch ends.
  void record_fill_bytes(std::string_view property_id, std::uint64_t bytes);

  // Called when a response has been written in full (or the connection gave up on it).
  void record_exchange(ClientConnection& connection);

  void connection_opened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  std::size_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }

  // Set by the server: called on a worker's thread when its last connection closed while
  // draining.
  std::function<void(Worker&)> on_drained;
  void on_worker_drained(Worker& w) {
    if (on_drained) on_drained(w);
  }

 private:
  std::string edge_id_;
  std::string routing_domain_;
  Limits limits_;
  CacheSettings cache_settings_;
  const Clock& clock_;
  cache::RamStore store_;
  FillRegistry fills_;
  EdgeMetrics metrics_;
  ParentDirectory parents_;
  DrainState drain_;
  std::unique_ptr<AccessLog> access_log_;
  std::unique_ptr<UsageMeter> usage_meter_;
  std::atomic<std::size_t> open_connections_{0};
};

}  // namespace candela::edge
