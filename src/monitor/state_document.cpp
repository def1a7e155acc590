// Building /state, its fingerprint and the §3 health report from EdgeStatus values.
#include "monitor/state_document.hpp"

#include <cmath>

#include "monitor/alarm.hpp"

namespace candela::monitor {

namespace {

using nlohmann::json;

json nullable(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

// JSON has no infinity or NaN; rates are never negative.
double finite(double value) {
  return std::isfinite(value) && value > 0 ? value : 0.0;
}

json capacity_json(const Capacity& capacity) {
  return {{"requests_per_second", capacity.requests_per_second},
          {"bytes_per_second", capacity.bytes_per_second}};
}

// The members of /state's edge object that are not rates.
json steady_members(const EdgeStatus& e) {
  return {{"edge_id", e.edge.edge_id},
          {"cache_group", e.edge.cache_group},
          {"role", e.edge.role},
          {"address", e.edge.address},
          {"state", to_string(e.state)},
          {"since", format_utc(e.since)},
          {"available", e.available()},
          {"overloaded", e.overloaded},
          {"draining", e.draining()},
          {"maintenance_reference", nullable(e.edge.maintenance_reference)},
          {"capacity", capacity_json(e.edge.capacity)}};
}

}  // namespace

json state_document(const StateView& view) {
  json edges = json::array();
  for (const auto& e : *view.edges) {
    json item = steady_members(e);
    item["requests_per_second"] = finite(e.rates.requests_per_second);
    item["bytes_per_second"] = finite(e.rates.bytes_per_second);
    item["error_rate"] = finite(e.rates.error_rate);
    item["detail"] = e.detail;
    edges.push_back(std::move(item));
  }
  return {{"monitor_id", view.monitor_id}, {"generated_at", format_utc(view.generated_at)},
          {"sequence", view.sequence},     {"cdn_domain", view.cdn_domain},
          {"edges", std::move(edges)},     {"services", *view.services}};
}

std::string state_fingerprint(const std::vector<EdgeStatus>& edges) {
  json all = json::array();
  for (const auto& e : edges)
    all.push_back(steady_members(e));
  return all.dump();
}

json health_report(SysTime observed_at, const std::vector<EdgeStatus>& edges) {
  json items = json::array();
  for (const auto& e : edges) {
    std::string detail = e.detail.substr(0, 500);
    for (char& c : detail) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    items.push_back({{"edge_id", e.edge.edge_id},
                     {"state", to_string(e.state)},
                     {"since", format_utc(e.since)},
                     {"requests_per_second", finite(e.rates.requests_per_second)},
                     {"bytes_per_second", finite(e.rates.bytes_per_second)},
                     {"error_rate", std::min(1.0, finite(e.rates.error_rate))},
                     {"overloaded", e.overloaded},
                     {"detail", detail}});
  }
  return {{"observed_at", format_utc(observed_at)}, {"edges", std::move(items)}};
}

}  // namespace candela::monitor
