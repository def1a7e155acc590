// What one serving thread owns: its io_context (HTTP and DNS-over-TCP connections live on it),
// its view of the routing state and its DNS answer cache. Nothing here is shared between
// threads, so the hot path takes no lock.
#pragma once

#include <boost/asio/io_context.hpp>
#include <string>

#include "router/dns_responder.hpp"
#include "router/router_metrics.hpp"
#include "router/routing_state.hpp"

namespace candela::router {

struct ServingThread {
  ServingThread(const RoutingState& state, const DnsZone& zone, RouterMetrics& counters)
      : io(1), view(state), dns(state, zone, counters), metrics(counters), domain(zone.domain) {}

  boost::asio::io_context io;
  RoutingView view;
  DnsResponder dns;
  RouterMetrics& metrics;
  const std::string& domain;
};

}  // namespace candela::router
