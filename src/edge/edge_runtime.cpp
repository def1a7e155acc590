// Shared edge state and the per-exchange bookkeeping (metrics, access log).
#include "edge/edge_runtime.hpp"

#include "edge/access_log.hpp"
#include "edge/client_connection.hpp"
#include "edge/usage_meter.hpp"

namespace candela::edge {

EdgeRuntime::EdgeRuntime(const EdgeConfig& config, const Clock& clock)
    : edge_id_(config.edge_id),
      routing_domain_(config.routing_domain),
      limits_(config.limits),
      cache_settings_(config.cache),
      clock_(clock),
      store_(config.cache.ram_bytes) {
  parents_.replace(config.parents, config.parent_policy);
  auto& reg = metrics_.registry();
  reg.callback_gauge("candela_edge_cache_bytes", "Bytes held by the RAM cache", {},
                     [this] { return static_cast<double>(store_.bytes()); });
  reg.callback_gauge("candela_edge_cache_objects", "Objects held by the RAM cache", {},
                     [this] { return static_cast<double>(store_.objects()); });
  reg.callback_gauge("candela_edge_cache_capacity_bytes", "RAM cache budget", {},
                     [this] { return static_cast<double>(store_.capacity()); });
  reg.callback_counter("candela_edge_cache_evictions_total", "Objects evicted from RAM", {},
                       [this] { return static_cast<double>(store_.evictions()); });
  reg.callback_gauge("candela_edge_open_connections_now", "Open client connections", {},
                     [this] { return static_cast<double>(open_connections()); });
  reg.callback_gauge("candela_edge_draining",
                     "1 while the edge asks to be taken out of rotation (POST /drain or shutdown)",
                     {}, [this] { return drain_.draining() ? 1.0 : 0.0; });
}

EdgeRuntime::~EdgeRuntime() {
  auto& reg = metrics_.registry();
  for (auto name : {"candela_edge_cache_bytes", "candela_edge_cache_objects",
                    "candela_edge_cache_capacity_bytes", "candela_edge_cache_evictions_total",
                    "candela_edge_open_connections_now", "candela_edge_draining",
                    "candela_edge_access_log_dropped_total"}) {
    reg.remove_callbacks(name);
  }
}

void EdgeRuntime::set_access_log(std::unique_ptr<AccessLog> log) {
  access_log_ = std::move(log);
  if (access_log_) {
    metrics_.registry().callback_counter(
        "candela_edge_access_log_dropped_total", "Access log lines dropped (writer behind)", {},
        [this] { return static_cast<double>(access_log_->stats().lines_dropped); });
  }
}

void EdgeRuntime::set_usage_meter(std::unique_ptr<UsageMeter> meter) {
  usage_meter_ = std::move(meter);
}

void EdgeRuntime::record_fill_bytes(std::string_view property_id, std::uint64_t bytes) {
  if (usage_meter_) usage_meter_->record_fill(property_id, clock_.now(), bytes);
}

void EdgeRuntime::record_exchange(ClientConnection& c) {
  ExchangeLog& log = c.log();
  const auto now = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(now - log.started).count();
  metrics_.request_duration().observe(seconds);
  const auto& property = c.property();
  const std::string_view property_id = property ? std::string_view(property->id) : "-";
  PropertyMetrics& pm = metrics_.property(property_id);
  const CacheOutcome outcome = outcome_from(log.cache_status);
  pm.requests[static_cast<std::size_t>(outcome)]->inc();
  pm.bytes->inc(log.total_bytes);
  if (log.status >= 100 && log.status < 600) pm.status_classes[log.status / 100 - 1]->inc();
  if (usage_meter_) {
    usage_meter_->record({property_id, clock_.now(), log.status, outcome, log.total_bytes,
                          log.body_bytes, c.secure()});
  }

  if (!access_log_) return;
  const auto& req = c.request();
  AccessLogRecord r;
  r.time = log.started_wall;
  r.edge_id = edge_id_;
  r.client_ip = c.client_ip();
  r.client_port = c.client_port();
  r.method = req.method;
  r.host = req.host;
  r.path = req.target;
  r.protocol = req.version_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
  r.status = log.status;
  r.bytes_sent = log.total_bytes;
  r.body_bytes = log.body_bytes;
  r.duration_ms = seconds * 1000.0;
  r.cache_status = log.cache_status;
  if (property) {
    r.property_id = property->id;
    r.service_id = property->service_id;
  }
  if (log.origin_ms >= 0) r.origin_ms = log.origin_ms;
  r.range = req.headers.get("Range").value_or(std::string_view{});
  r.user_agent = req.headers.get("User-Agent").value_or(std::string_view{});
  r.referer = req.headers.get("Referer").value_or(std::string_view{});
  access_log_->write(r);
}

}  // namespace candela::edge
