// MonitorService: the poll loop, the topology refresh and the alarm rules applied per edge.
#include "monitor/monitor_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cmath>

#include "monitor/alarm_decisions.hpp"
#include "monitor/prometheus_text.hpp"
#include "monitor/state_document.hpp"

namespace candela::monitor {

namespace asio = boost::asio;

namespace {

std::string edge_down_summary(const std::string& edge_id, const std::string& detail) {
  return edge_id + " fails its health checks: " + detail;
}

double round4(double value) {
  return std::round(value * 10000.0) / 10000.0;
}

Alarm new_alarm(std::string kind, std::string edge_id, SysTime observed_at, std::string scid = {},
                std::string property = {}) {
  Alarm alarm;
  alarm.kind = std::move(kind);
  alarm.edge_id = std::move(edge_id);
  alarm.scid = std::move(scid);
  alarm.property = std::move(property);
  alarm.observed_at = observed_at;
  return alarm;
}

}  // namespace

struct MonitorService::Timers {
  explicit Timers(asio::io_context& io) : poll(io), topology(io) {}
  asio::steady_timer poll;
  asio::steady_timer topology;
};

MonitorService::MonitorService(asio::io_context& io, MonitorOptions options,
                               std::unique_ptr<TopologySource> topology,
                               std::unique_ptr<PortalPublisher> publisher, const Clock& clock)
    : io_(io),
      options_(std::move(options)),
      topology_source_(std::move(topology)),
      publisher_(std::move(publisher)),
      clock_(clock),
      timers_(std::make_unique<Timers>(io)) {}

MonitorService::~MonitorService() {
  stop();
}

void MonitorService::start(std::optional<Topology> initial) {
  if (initial) apply_topology(std::move(*initial));
  timers_->topology.expires_after(options_.topology_interval);
  timers_->topology.async_wait([this](boost::system::error_code ec) {
    if (!ec) refresh_topology();
  });
  if (!initial) refresh_topology();
  timers_->poll.expires_after(std::chrono::milliseconds(0));
  timers_->poll.async_wait([this](boost::system::error_code ec) {
    if (!ec) poll_round();
  });
}

void MonitorService::stop() {
  stopped_ = true;
  timers_->poll.cancel();
  timers_->topology.cancel();
}

void MonitorService::refresh_topology() {
  if (stopped_) return;
  timers_->topology.expires_after(options_.topology_interval);
  timers_->topology.async_wait([this](boost::system::error_code ec) {
    if (!ec) refresh_topology();
  });
  if (topology_in_flight_) return;
  topology_in_flight_ = true;
  topology_source_->fetch([this](Result<Topology> topology) {
    topology_in_flight_ = false;
    if (stopped_) return;
    if (!topology) {
      ++topology_failures_;
      // Logged once per distinct problem: a portal away for an hour is one line, not 720.
      if (topology.error() != last_topology_error_) {
        spdlog::warn("monitor: cannot refresh the topology from {} ({}); keeping the last one",
                     topology_source_->describe(), topology.error());
        last_topology_error_ = topology.error();
      }
      return;
    }
    if (!last_topology_error_.empty()) {
      spdlog::info("monitor: topology from {} readable again", topology_source_->describe());
      last_topology_error_.clear();
    }
    apply_topology(std::move(topology.value()));
  });
}

void MonitorService::apply_topology(Topology topology) {
  ++topology_refreshes_;
  const SysTime now = clock_.now();
  std::map<std::string, EdgeRecord> next;
  for (auto& edge : topology.edges) {
    auto found = edges_.find(edge.edge_id);
    EdgeRecord record;
    if (found != edges_.end()) {
      record = std::move(found->second);
      edges_.erase(found);
    } else {
      record.status.since = now;
      record.status.checked_at = now;
      record.errors = ErrorWindow(options_.error_window);
      spdlog::info("monitor: watching {} (admin {})", edge.edge_id,
                   edge.admin_address.empty() ? "none" : edge.admin_address);
    }
    if (edge.admin_address != record.status.edge.admin_address || !record.admin) {
      record.admin.reset();
      if (auto parsed = parse_host_port(edge.admin_address); parsed) record.admin = *parsed;
      record.last_reading.reset();
    }
    if (!record.admin) {
      // Nothing to poll: stays unknown (the router never picks it).
      if (record.status.state != HealthState::kUnknown) record.status.since = now;
      record.tracker = HealthTracker();
      record.status.state = HealthState::kUnknown;
      record.status.detail = "no admin_address: not polled";
      record.status.rates = {};
    }
    record.status.edge = std::move(edge);
    next.emplace(record.status.edge.edge_id, std::move(record));
  }
  for (auto& [edge_id, record] : edges_) {
    spdlog::info("monitor: {} left the topology", edge_id);
    clear_alarms_of(edge_id, edge_id + " left the network topology");
  }
  edges_ = std::move(next);
  cdn_domain_ = std::move(topology.cdn_domain);
  services_ = std::move(topology.services);
  have_topology_ = true;
  update_sequence();
}

void MonitorService::poll_round() {
  if (stopped_) return;
  timers_->poll.expires_at(timers_->poll.expiry() + options_.interval);
  // A loop that fell far behind (suspended process) starts afresh instead of catching up.
  if (timers_->poll.expiry() < std::chrono::steady_clock::now()) {
    timers_->poll.expires_after(options_.interval);
  }
  timers_->poll.async_wait([this](boost::system::error_code ec) {
    if (!ec) poll_round();
  });
  if (!have_topology_) return;
  ++rounds_;
  bool launched = false;
  for (auto& [edge_id, record] : edges_) {
    if (!record.admin || record.in_flight) continue;
    record.in_flight = true;
    ++outstanding_;
    launched = true;
    probe_edge(io_, *record.admin, options_.timeout,
               [this, id = edge_id](ProbeOutcome outcome) { on_probe(id, std::move(outcome)); });
  }
  if (!launched && outstanding_ == 0) finish_round();
}

void MonitorService::on_probe(const std::string& edge_id, ProbeOutcome outcome) {
  --outstanding_;
  const auto found = edges_.find(edge_id);
  if (found != edges_.end() && !stopped_) {
    EdgeRecord& record = found->second;
    EdgeStatus& status = record.status;
    record.in_flight = false;
    ++record.polls;
    const SysTime now = clock_.now();
    status.checked_at = now;
    const HealthState before = record.tracker.state();
    const bool changed = record.tracker.observe(outcome.health, options_.health);
    if (outcome.health == ProbeResult::kFailed) ++record.failures;
    status.detail = outcome.detail;
    if (changed) {
      status.state = record.tracker.state();
      status.since = now;
      spdlog::info("monitor: {} {} → {} ({})", edge_id, to_string(before), to_string(status.state),
                   outcome.detail);
      const AlarmAction action =
          decide_edge_down(firing("edge_down|" + edge_id + "||"), before, status.state);
      if (action != AlarmAction::kNone) {
        Alarm alarm = new_alarm("edge_down", edge_id, now);
        if (action == AlarmAction::kFire) {
          alarm.state = "firing";
          alarm.summary = edge_down_summary(edge_id, outcome.detail);
          alarm.details = {{"checks_failed", record.tracker.consecutive_failures()},
                           {"last_error", outcome.detail},
                           {"admin_address", status.edge.admin_address},
                           {"monitor_id", options_.monitor_id}};
        } else {
          alarm.state = "cleared";
          alarm.summary = edge_id + " answers its health checks again (" +
                          std::string(to_string(status.state)) + ")";
          alarm.details = {{"monitor_id", options_.monitor_id}};
        }
        raise(std::move(alarm));
      }
    }
    if (outcome.metrics && status.state != HealthState::kDown) {
      read_metrics(record, *outcome.metrics, outcome.finished_at);
    } else if (status.state == HealthState::kDown) {
      // A down edge serves nothing; its last rates would mislead routers and dashboards.
      status.rates = {};
      status.overloaded = false;
    } else {
      // No readable /metrics this time: no rates rather than old ones (overloaded is kept until
      // a reading says otherwise). The next reading spans the gap.
      status.rates = {};
      status.detail += "; /metrics unreadable";
    }
  }
  if (outstanding_ == 0) finish_round();
}

void MonitorService::read_metrics(EdgeRecord& record, const std::string& text, SteadyTime at) {
  EdgeStatus& status = record.status;
  const std::string& edge_id = status.edge.edge_id;
  CounterReading reading{at, read_edge_counters(parse_prometheus_text(text))};
  if (record.last_reading) {
    const CounterReading& last = *record.last_reading;
    if (auto rates = compute_rates(last, reading)) {
      status.rates = *rates;
      const bool was_overloaded = status.overloaded;
      status.overloaded = next_overloaded(was_overloaded, *rates, status.edge.capacity);
      if (status.overloaded != was_overloaded) {
        spdlog::info("monitor: {} {} its capacity ({:.1f} req/s, {:.0f} B/s)", edge_id,
                     status.overloaded ? "exceeds" : "is back under", rates->requests_per_second,
                     rates->bytes_per_second);
      }
      record.errors.add(at, rates->responses, rates->errors);
      const AlarmAction action =
          decide_error_rate(firing("error_rate|" + edge_id + "||"), record.errors.responses(),
                            record.errors.errors(), options_.error_rate, options_.min_requests);
      if (action != AlarmAction::kNone) {
        const double rate = record.errors.error_rate();
        Alarm alarm = new_alarm("error_rate", edge_id, clock_.now());
        alarm.state = action == AlarmAction::kFire ? "firing" : "cleared";
        char share[32];
        std::snprintf(share, sizeof share, "%.1f%%", rate * 100.0);
        alarm.summary = action == AlarmAction::kFire
                            ? edge_id + " answers " + share + " of requests with 5xx"
                            : edge_id + " 5xx share back to " + share;
        alarm.details = {
            {"error_rate", round4(rate)},
            {"responses", record.errors.responses()},
            {"errors", record.errors.errors()},
            {"window_seconds", std::chrono::duration<double>(options_.error_window).count()},
            {"threshold", options_.error_rate},
            {"monitor_id", options_.monitor_id}};
        raise(std::move(alarm));
      }
      for (const auto& [property, counts] : reading.counters.origin_fetches) {
        const auto previous = last.counters.origin_fetches.find(property);
        const OriginFetchCounts before =
            previous == last.counters.origin_fetches.end() ? OriginFetchCounts{} : previous->second;
        if (counts.ok < before.ok || counts.failed < before.failed) continue;
        const auto name = split_property_id(property);
        if (!name) continue;  // not a portal-deployed property: no service to tell
        const std::string key =
            "origin_unreachable|" + edge_id + "|" + name->scid + "|" + name->name;
        const AlarmAction origin_action = decide_origin_unreachable(
            firing(key), counts.ok - before.ok, counts.failed - before.failed);
        if (origin_action == AlarmAction::kNone) continue;
        Alarm alarm =
            new_alarm("origin_unreachable", edge_id, clock_.now(), name->scid, name->name);
        alarm.state = origin_action == AlarmAction::kFire ? "firing" : "cleared";
        alarm.summary = origin_action == AlarmAction::kFire
                            ? edge_id + " cannot reach the origin of " + property
                            : edge_id + " reaches the origin of " + property + " again";
        alarm.details = {{"failed_fetches", counts.failed - before.failed},
                         {"ok_fetches", counts.ok - before.ok},
                         {"monitor_id", options_.monitor_id}};
        raise(std::move(alarm));
      }
    } else {
      // Counters went backwards: the edge restarted. Its earlier window says nothing now.
      record.errors.clear();
    }
  }
  record.last_reading = std::move(reading);
}

void MonitorService::finish_round() {
  first_round_done_ = true;
  update_sequence();
  if (!publisher_) return;
  const auto now = std::chrono::steady_clock::now();
  if (changed_since_report_ || !last_report_ || now - *last_report_ >= options_.report_interval) {
    publisher_->report_health(health_report(clock_.now(), statuses()));
    last_report_ = now;
    changed_since_report_ = false;
  }
}

void MonitorService::update_sequence() {
  std::string fingerprint = state_fingerprint(statuses());
  if (fingerprint == fingerprint_) return;
  fingerprint_ = std::move(fingerprint);
  ++sequence_;
  changed_since_report_ = true;
}

void MonitorService::raise(Alarm alarm) {
  ++alarms_raised_;
  if (alarm.state == "firing") {
    spdlog::warn("monitor: alarm {} firing: {}", alarm.key(), alarm.summary);
    firing_[alarm.key()] = alarm;
  } else {
    spdlog::info("monitor: alarm {} cleared: {}", alarm.key(), alarm.summary);
    firing_.erase(alarm.key());
  }
  if (publisher_) publisher_->raise(std::move(alarm));
}

void MonitorService::clear_alarms_of(const std::string& edge_id, const std::string& why) {
  std::vector<Alarm> to_clear;
  for (const auto& [key, alarm] : firing_) {
    if (alarm.edge_id == edge_id) to_clear.push_back(alarm);
  }
  for (auto& alarm : to_clear) {
    alarm.state = "cleared";
    alarm.observed_at = clock_.now();
    alarm.summary = why;
    alarm.details = {{"monitor_id", options_.monitor_id}};
    raise(std::move(alarm));
  }
}

std::vector<EdgeStatus> MonitorService::statuses() const {
  std::vector<EdgeStatus> out;
  out.reserve(edges_.size());
  for (const auto& [edge_id, record] : edges_)
    out.push_back(record.status);
  return out;
}

StateReply MonitorService::handle(std::string_view path) const {
  if (path == "/healthz") return {200, "text/plain", "ok\n"};
  if (path == "/metrics") {
    return {200, "text/plain; version=0.0.4; charset=utf-8", render_metrics()};
  }
  if (path == "/state") {
    if (!have_topology_ || !first_round_done_) {
      // A router keeps its last good state (or asks another monitor) rather than take "no
      // edge is up" from a monitor that has not looked yet.
      return {
          503, "application/problem+json",
          nlohmann::json{
              {"type", "about:blank"},
              {"title", "Not ready"},
              {"status", 503},
              {"detail", have_topology_ ? "the first poll of the edges has not finished"
                                        : "no topology yet from " + topology_source_->describe()}}
              .dump()};
    }
    const auto edges = statuses();
    StateView view{options_.monitor_id, clock_.now(), sequence_, cdn_domain_, &edges, &services_};
    nlohmann::json document = state_document(view);
    nlohmann::json alarms = nlohmann::json::array();
    for (const auto& [key, alarm] : firing_)
      alarms.push_back(alarm_json(alarm));
    document["alarms"] = std::move(alarms);
    return {200, "application/json", document.dump()};
  }
  return {404, "text/plain", "not found: try /state, /healthz or /metrics\n"};
}

}  // namespace candela::monitor
