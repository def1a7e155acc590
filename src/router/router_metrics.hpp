// The router's Prometheus metrics: decisions by mode and result, cache use, state freshness.
#pragma once

#include "common/metrics.hpp"

namespace candela::router {

struct RouterMetrics {
  explicit RouterMetrics(metrics::Registry& registry);

  metrics::Registry& registry;
  // candela_router_decisions_total{mode="http",result=...}
  metrics::Counter& http_redirect;
  metrics::Counter& http_no_edge;
  metrics::Counter& http_bad_request;
  // candela_router_decisions_total{mode="dns",result=...}
  metrics::Counter& dns_answer;
  metrics::Counter& dns_nodata;
  metrics::Counter& dns_nxdomain;
  metrics::Counter& dns_refused;
  metrics::Counter& dns_servfail;
  metrics::Counter& dns_notimp;
  metrics::Counter& dns_formerr;
  metrics::Counter& dns_dropped;
  // candela_router_dns_answer_cache_total{result="hit"|"miss"}
  metrics::Counter& dns_cache_hit;
  metrics::Counter& dns_cache_miss;
  // candela_router_state_polls_total{result="ok"|"failed"}
  metrics::Counter& polls_ok;
  metrics::Counter& polls_failed;
  metrics::Counter& state_updates;  // candela_router_state_updates_total
};

}  // namespace candela::router
