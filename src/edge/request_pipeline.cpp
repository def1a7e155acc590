// The request lifecycle of the edge. Each step is a function below, in the order a request
// meets them; asynchronous steps continue in the next function when their result arrives.
#include "edge/request_pipeline.hpp"

#include <boost/asio/post.hpp>

#include "cache/cache_key.hpp"
#include "cache/freshness.hpp"
#include "cache/vary.hpp"
#include "edge/cache_fill.hpp"
#include "edge/client_connection.hpp"
#include "edge/edge_runtime.hpp"
#include "edge/loop_guard.hpp"
#include "edge/origin_request.hpp"
#include "edge/pass_fetch.hpp"
#include "edge/property_keys.hpp"
#include "edge/routed_host.hpp"
#include "edge/service_states.hpp"
#include "edge/worker.hpp"

namespace candela::edge {

namespace {

using Conn = std::shared_ptr<ClientConnection>;
using ObjectPtr = cache::ConstObjectRef;

void lookup_and_serve(const Conn& c);
void fill(const Conn& c, std::string key, ObjectPtr stale, bool background);

// ---- step 1: which property answers this Host? -------------------------------------------

// "<edge_id>.<alias>.<routing_domain>", the name the router sends clients to, is served as
// <alias>. Tried only when the Host is no alias itself, so ordinary requests pay nothing.
const std::shared_ptr<const Property>* match_routed(ClientConnection& c,
                                                    const PropertyTable& table) {
  const EdgeRuntime& rt = c.worker().runtime();
  const std::string_view alias = routed_alias(c.request().host, rt.edge_id(), rt.routing_domain());
  if (alias.empty()) return nullptr;
  const auto* property = table.find(alias);
  if (property != nullptr) c.serve_as_host(alias);
  return property;
}

void match_property(const Conn& c) {
  const auto& req = c->request();
  const PropertyTable& table = *c->worker().properties();
  const auto* property = table.find(req.host);
  if (property == nullptr) property = match_routed(*c, table);
  if (property == nullptr) {
    c->log().cache_status = "error";
    std::string body = "No property is configured for host '";
    body.append(req.host.substr(0, 200));
    body += "' on this edge.\n";
    return c->send_generated(404, body);
  }
  c->property() = *property;

  // ---- step 1b: a suspended service is answered here: no cache lookup, no origin ---------
  // Logged and counted under its property like any other response (cache status "none").
  if (const std::string& scid = (*property)->service_id; table.is_suspended(scid)) {
    c->log().cache_status = "none";
    return c->send_generated(kSuspendedStatus, suspended_body(scid), kSuspendedFields);
  }

  // ---- step 2: the method decides between the cache and a pass to the origin --------------
  const std::string_view m = req.method;
  if (m == "GET" || m == "HEAD") return lookup_and_serve(c);
  if (m == "CONNECT" || m == "TRACE") {
    c->log().cache_status = "error";
    return c->send_generated(405, "This method is not allowed on a CDN edge.\n",
                             "Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n");
  }
  start_pass(c);
}

// ---- step 3: cache key and lookup -------------------------------------------------------

// Finds the stored object for the request, following a Vary index to the right variant.
ObjectPtr lookup(EdgeRuntime& rt, const http::RequestHead& req, std::string& key) {
  ObjectPtr object = rt.store().lookup(key);
  if (object && object->is_vary_index()) {
    cache::append_variant_key(object->vary(), req.headers, key);
    object = rt.store().lookup(key);
  }
  return object;
}

void lookup_and_serve(const Conn& c) {
  EdgeRuntime& rt = c->worker().runtime();
  const auto& req = c->request();
  const Property& p = *c->property();
  std::string& key = c->cache_key();
  build_primary_key(p, req.path, req.query, key);

  ObjectPtr object = lookup(rt, req, key);
  if (object && object->is_uncacheable()) {
    if (rt.clock().now() < object->uncacheable_until()) return start_pass(c);
    object.reset();
  }
  const auto directives = cache::parse_request_directives(req.headers);
  if (!object) {
    if (directives.only_if_cached) {
      c->log().cache_status = "miss";
      return c->send_generated(504, "The object is not in cache (only-if-cached).\n");
    }
    return fill(c, key, nullptr, false);
  }

  // ---- step 4: fresh enough to serve? ---------------------------------------------------
  // A soft purge made the object stale (CacheObject::mark_stale): it is judged like any other.
  const SysTime now = rt.clock().now();
  const cache::FreshnessInfo info = object->freshness();
  const auto age = cache::age_seconds(info, now);
  switch (cache::evaluate(info, now, directives)) {
    case cache::Freshness::kFresh:
      c->log().cache_status = "hit";
      return c->send_object(object, "Candela; hit", age);
    case cache::Freshness::kStaleAcceptable:
      c->log().cache_status = "stale";
      return c->send_object(object, "Candela; hit; detail=max-stale", age);
    case cache::Freshness::kStaleWhileRevalidate:
      c->log().cache_status = "stale";
      fill(c, key, object, /*background=*/true);
      return c->send_object(object, "Candela; hit; detail=stale-while-revalidate", age);
    case cache::Freshness::kRevalidateOrServeOnError:
    case cache::Freshness::kMustRevalidate:
      return fill(c, key, object, false);
  }
}

// ---- step 5: fill from the origin, one fill per key however many clients wait -----------

void on_fill_outcome(const Conn& c, const std::shared_ptr<PendingFill>& pending, ObjectPtr stale,
                     bool leader, double origin_ms);

// The parents a fill of `p` may go through (docs/shield.md): none unless the property fills
// through the shield tier and the request has passed fewer Candela nodes than max_hops.
ParentRoute parent_route(EdgeRuntime& rt, const Property& p, const ViaChain& via,
                         const ForwardContext& fwd) {
  ParentRoute route;
  if (!p.shield) return route;
  auto parents = rt.parents().current();
  if (parents->empty() || via.candela_hops >= parents->policy().max_hops) return route;
  ForwardContext to_parent = fwd;
  to_parent.to_parent = true;
  route.request_bytes = build_origin_request(to_parent);
  route.parents = std::move(parents);
  return route;
}

void fill(const Conn& c, std::string key, ObjectPtr stale, bool background) {
  EdgeRuntime& rt = c->worker().runtime();
  // Before joining a pending fill: a request that came back here must not wait for the fill
  // that sent it away.
  const ViaChain via = via_chain_of(*c);
  if (via.names_self) {
    if (background) return;  // the stale object is served; no revalidation through a loop
    refuse_loop(*c, via);
    return;
  }
  bool created = false;
  auto pending = rt.fills().join_or_create(key, created);
  if (created) {
    http::HeaderList fields;
    for (const auto& f : c->request().headers)
      fields.add(f.name, f.value);
    ForwardContext fwd{c->request(),       {},         *c->property(), c->client_ip(), rt.edge_id(),
                       ForwardMode::kFill, stale.get()};
    fwd.from_candela = via.candela_hops > 0;
    start_cache_fill(c->worker(), key, pending, c->property(), stale, build_origin_request(fwd),
                     std::move(fields), parent_route(rt, *c->property(), via, fwd));
  }
  if (background) return;  // the client is served the stale object meanwhile

  // The loop holds the connection while it waits; the fill's callback holds it weakly, so a
  // fill that never ends (the loop stopped) leaks nothing.
  c->worker().park(c);
  std::weak_ptr<ClientConnection> weak = c;
  auto executor = c->executor();
  auto continue_with = [weak, pending, stale, leader = created] {
    auto conn = weak.lock();
    if (!conn) return;
    conn->worker().unpark(conn.get());
    on_fill_outcome(conn, pending, stale, leader, pending->origin_ms());
  };
  const bool waiting = pending->wait([executor, continue_with] {
    // Outcomes arrive on the filler's loop; the client continues on its own.
    boost::asio::post(executor, continue_with);
  });
  if (!waiting) continue_with();
}

// ---- step 6: answer from the fill's outcome ----------------------------------------------

void on_fill_outcome(const Conn& c, const std::shared_ptr<PendingFill>& pending, ObjectPtr stale,
                     bool leader, double origin_ms) {
  if (c->closed()) return;
  EdgeRuntime& rt = c->worker().runtime();
  if (leader) c->log().origin_ms = origin_ms;
  const char* collapsed = leader ? "" : "; collapsed";
  switch (pending->outcome()) {
    case PendingFill::Outcome::kWaiting:
      return;  // not reached: waiters run after resolve
    case PendingFill::Outcome::kObject: {
      ObjectPtr object = pending->object();
      // A waiter whose request selects another variant than the one fetched fills its own.
      if (!object->vary().empty()) {
        std::string mine(cache::key_primary(object->key()));
        cache::append_variant_key(object->vary(), c->request().headers, mine);
        if (mine != object->key()) return fill(c, mine, nullptr, false);
      }
      const bool revalidated = pending->status() == 304;
      c->log().cache_status = revalidated ? "revalidated" : "miss";
      std::string status =
          revalidated ? "Candela; fwd=stale; fwd-status=304"
                      : "Candela; fwd=" + std::string(stale ? "stale" : "uri-miss") +
                            "; fwd-status=" + std::to_string(object->status()) + "; stored";
      status += collapsed;
      return c->send_object(object, status,
                            cache::age_seconds(object->freshness(), rt.clock().now()));
    }
    case PendingFill::Outcome::kPass: {
      if (leader) {
        c->log().cache_status = "pass";
        // The leader's own response is relayed as received (not stored).
        return c->send_relayed(pending->object(), "Candela; fwd=uri-miss; fwd-status=" +
                                                      std::to_string(pending->status()) +
                                                      "; detail=not-storable");
      }
      return start_pass(c);
    }
    case PendingFill::Outcome::kFailed: {
      const SysTime now = rt.clock().now();
      if (stale && cache::may_serve_on_error(stale->freshness(), now)) {
        c->log().cache_status = "stale";
        return c->send_object(stale, "Candela; hit; detail=stale-if-error",
                              cache::age_seconds(stale->freshness(), now));
      }
      c->log().cache_status = "error";
      const int status = pending->status() >= 500 ? pending->status() : 502;
      std::string body = status == 504 ? "Gateway timeout: the origin did not answer in time.\n"
                                       : "Bad gateway: the origin could not be reached or sent an "
                                         "invalid response.\n";
      return c->send_generated(status, body);
    }
  }
}

}  // namespace

void run_request_pipeline(ClientConnection& connection) {
  match_property(connection.shared_from_this());
}

}  // namespace candela::edge
