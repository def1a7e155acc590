// Registers the router's metric families once; serving threads keep the child references.
#include "router/router_metrics.hpp"

namespace candela::router {

namespace {
metrics::Family<metrics::Counter>& decisions(metrics::Registry& r) {
  return r.counter_family("candela_router_decisions_total",
                          "Routing answers by mode (http, dns) and result", {"mode", "result"});
}
metrics::Family<metrics::Counter>& cache(metrics::Registry& r) {
  return r.counter_family("candela_router_dns_answer_cache_total",
                          "DNS answers served from the per-thread answer cache (hit) or built",
                          {"result"});
}
metrics::Family<metrics::Counter>& polls(metrics::Registry& r) {
  return r.counter_family("candela_router_state_polls_total",
                          "GET /state rounds over the monitors by outcome", {"result"});
}
}  // namespace

RouterMetrics::RouterMetrics(metrics::Registry& r)
    : registry(r),
      http_redirect(decisions(r).with({"http", "redirect"})),
      http_no_edge(decisions(r).with({"http", "no_edge"})),
      http_bad_request(decisions(r).with({"http", "bad_request"})),
      dns_answer(decisions(r).with({"dns", "answer"})),
      dns_nodata(decisions(r).with({"dns", "nodata"})),
      dns_nxdomain(decisions(r).with({"dns", "nxdomain"})),
      dns_refused(decisions(r).with({"dns", "refused"})),
      dns_servfail(decisions(r).with({"dns", "servfail"})),
      dns_notimp(decisions(r).with({"dns", "notimp"})),
      dns_formerr(decisions(r).with({"dns", "formerr"})),
      dns_dropped(decisions(r).with({"dns", "dropped"})),
      dns_cache_hit(cache(r).with({"hit"})),
      dns_cache_miss(cache(r).with({"miss"})),
      polls_ok(polls(r).with({"ok"})),
      polls_failed(polls(r).with({"failed"})),
      state_updates(r.counter("candela_router_state_updates_total",
                              "Routing snapshots published (the monitor state changed)")) {}

}  // namespace candela::router
