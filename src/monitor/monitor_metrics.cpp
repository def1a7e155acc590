// MonitorService::render_metrics: the monitor's own Prometheus text (docs/monitor.md "Metrics").
#include <cmath>
#include <sstream>

#include "monitor/monitor_service.hpp"

namespace candela::monitor {

namespace {

std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void family(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

double finite(double v) {
  return std::isfinite(v) ? v : 0.0;
}

}  // namespace

std::string MonitorService::render_metrics() const {
  std::ostringstream out;
  auto per_edge = [&](const char* name, const char* type, const char* help, auto value) {
    family(out, name, type, help);
    for (const auto& [edge_id, record] : edges_) {
      out << name << "{edge_id=\"" << escape_label(edge_id) << "\"} " << value(record) << '\n';
    }
  };
  per_edge("candela_monitor_polls_total", "counter", "Polls of the edge's admin listener.",
           [](const EdgeRecord& r) { return r.polls; });
  per_edge("candela_monitor_poll_failures_total", "counter",
           "Polls whose /healthz failed (refused, timed out, or an unexpected status).",
           [](const EdgeRecord& r) { return r.failures; });
  family(out, "candela_monitor_edge_state", "gauge",
         "1 for the edge's current health state, 0 for the others.");
  for (const auto& [edge_id, record] : edges_) {
    for (HealthState s :
         {HealthState::kUnknown, HealthState::kUp, HealthState::kDown, HealthState::kDraining}) {
      out << "candela_monitor_edge_state{edge_id=\"" << escape_label(edge_id) << "\",state=\""
          << to_string(s) << "\"} " << (record.status.state == s ? 1 : 0) << '\n';
    }
  }
  per_edge("candela_monitor_edge_available", "gauge",
           "1 when routers may send clients to the edge.",
           [](const EdgeRecord& r) { return r.status.available() ? 1 : 0; });
  per_edge("candela_monitor_edge_requests_per_second", "gauge", "The edge's request rate.",
           [](const EdgeRecord& r) { return finite(r.status.rates.requests_per_second); });
  per_edge("candela_monitor_edge_bytes_per_second", "gauge", "Bytes the edge sends to clients.",
           [](const EdgeRecord& r) { return finite(r.status.rates.bytes_per_second); });
  per_edge("candela_monitor_edge_error_rate", "gauge", "Share of 5xx responses, 0..1.",
           [](const EdgeRecord& r) { return finite(r.status.rates.error_rate); });
  family(out, "candela_monitor_rounds_total", "counter", "Poll rounds started.");
  out << "candela_monitor_rounds_total " << rounds_ << '\n';
  family(out, "candela_monitor_state_sequence", "gauge", "The /state document's sequence.");
  out << "candela_monitor_state_sequence " << sequence_ << '\n';
  family(out, "candela_monitor_topology_refreshes_total", "counter", "Topologies applied.");
  out << "candela_monitor_topology_refreshes_total " << topology_refreshes_ << '\n';
  family(out, "candela_monitor_topology_failures_total", "counter",
         "Topology refreshes that failed (the last topology was kept).");
  out << "candela_monitor_topology_failures_total " << topology_failures_ << '\n';
  family(out, "candela_monitor_alarms_raised_total", "counter", "Alarm firings and clearings.");
  out << "candela_monitor_alarms_raised_total " << alarms_raised_ << '\n';
  family(out, "candela_monitor_alarms_firing", "gauge", "Alarms firing now.");
  out << "candela_monitor_alarms_firing " << firing_.size() << '\n';
  if (publisher_) {
    const PublisherStats s = publisher_->stats();
    family(out, "candela_monitor_portal_alarms_sent_total", "counter",
           "Alarms the portal accepted.");
    out << "candela_monitor_portal_alarms_sent_total " << s.alarms_sent << '\n';
    family(out, "candela_monitor_portal_alarms_refused_total", "counter",
           "Alarms the portal refused as invalid (logged, not retried).");
    out << "candela_monitor_portal_alarms_refused_total " << s.alarms_refused << '\n';
    family(out, "candela_monitor_portal_alarms_dropped_total", "counter",
           "Alarms dropped because the queue was full.");
    out << "candela_monitor_portal_alarms_dropped_total " << s.alarms_dropped << '\n';
    family(out, "candela_monitor_portal_alarm_queue", "gauge", "Alarms waiting to be sent.");
    out << "candela_monitor_portal_alarm_queue " << s.queued << '\n';
    family(out, "candela_monitor_portal_reports_sent_total", "counter",
           "Health reports the portal accepted.");
    out << "candela_monitor_portal_reports_sent_total " << s.reports_sent << '\n';
    family(out, "candela_monitor_portal_failures_total", "counter",
           "Requests to the portal that will be retried.");
    out << "candela_monitor_portal_failures_total " << s.failures << '\n';
  }
  return out.str();
}

}  // namespace candela::monitor
