// `ctl network topology` and `ctl network health` (docs/noc.md, "Network topology").
#include <iostream>

#include "ctl/ctl_actions.hpp"

namespace candela::ctl {
namespace {

// The topology of `network` (empty: the portal's default, production), or the exit status.
int fetch_topology(CtlContext& ctx, const std::string& network, nlohmann::json& body) {
  if (!ctx.connect()) return kExitUsage;
  std::string path = "/api/v1/network/topology";
  if (!network.empty()) path += "?network=" + url_component(network);
  auto result = ctx.call("GET", path);
  if (!result.ok()) return result.exit_code;
  body = result.response->json();
  return kExitOk;
}

}  // namespace

int network_topology(CtlContext& ctx, const std::string& network) {
  nlohmann::json body;
  if (int status = fetch_topology(ctx, network, body); status != kExitOk) return status;
  // --json: the whole document, as scripts (and the monitor's --topology-file) use it.
  if (ctx.options().json) {
    ctx.print(body);
    return kExitOk;
  }
  std::cout << "network " << body.value("network", "") << ", CDN domain "
            << body.value("cdn_domain", "") << ", "
            << body.value("services", nlohmann::json::array()).size() << " answerable services\n";
  ctx.print(
      body.value("edges", nlohmann::json::array()),
      {"edge_id", "cache_group", "role", "address", "admin_address", "capacity.requests_per_second",
       "capacity.bytes_per_second", "draining", "maintenance_reference", "health.state"});
  return kExitOk;
}

int network_health(CtlContext& ctx, const std::string& network) {
  nlohmann::json body;
  if (int status = fetch_topology(ctx, network, body); status != kExitOk) return status;
  if (ctx.options().json) {
    ctx.print(body);
    return kExitOk;
  }
  ctx.print(body.value("edges", nlohmann::json::array()),
            {"edge_id", "health.state", "health.since", "health.checked_at", "health.monitor_id",
             "health.requests_per_second", "health.bytes_per_second", "health.error_rate",
             "health.overloaded", "health.detail"});
  return kExitOk;
}

}  // namespace candela::ctl
