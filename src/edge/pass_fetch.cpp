// Pass-through fetches: forwarded as received, relayed as received.
#include "edge/pass_fetch.hpp"

#include "edge/client_connection.hpp"
#include "edge/edge_runtime.hpp"
#include "edge/loop_guard.hpp"
#include "edge/object_builder.hpp"
#include "edge/origin_fetch.hpp"
#include "edge/origin_policy.hpp"
#include "edge/origin_request.hpp"
#include "edge/property_keys.hpp"
#include "edge/worker.hpp"

namespace candela::edge {

namespace {

using Conn = std::shared_ptr<ClientConnection>;

class PassFetch : public OriginFetchHandler {
 public:
  PassFetch(Conn c, bool unsafe) : c_(std::move(c)), unsafe_(unsafe) {}

  cache::ObjectRef on_response_head(OriginResponse& response) override {
    EdgeRuntime& rt = c_->worker().runtime();
    rt.metrics().origin_fetches(true).inc();
    c_->log().origin_ms = ms_since(started_);
    const SysTime now = rt.clock().now();
    ObjectContext ctx{
        c_->cache_key(), {}, rt.edge_id(), now, now, freshness_config(rt, *c_->property())};
    auto object = build_object(ctx, response, {});
    // RFC 9111 §4.4: a successful unsafe request invalidates what is stored for its target,
    // every Vary variant included.
    if (unsafe_ && response.status >= 200 && response.status < 400) {
      std::string key;
      const auto& req = c_->request();
      build_primary_key(*c_->property(), req.path, req.query, key);
      rt.store().invalidate_primary(key, cache::RamStore::Invalidation::kRemove, now);
    }
    if (c_->closed()) return nullptr;
    c_->log().cache_status = "pass";
    c_->send_relayed(object, "Candela; fwd=bypass; fwd-status=" + std::to_string(response.status));
    return object;
  }

  void on_fetch_error(FetchError error) override {
    c_->worker().runtime().metrics().origin_fetches(false).inc();
    c_->log().origin_ms = ms_since(started_);
    c_->log().cache_status = "error";
    if (c_->closed()) return;
    std::string body = describe(error);
    body += ".\n";
    c_->send_generated(status_for(error), body);
  }

  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

 private:
  Conn c_;
  bool unsafe_;
};

}  // namespace

// A pass forwards the client's request as it is (for GET/HEAD with its conditionals and Range:
// the origin answers those) and relays the response.
void start_pass(const Conn& c) {
  if (refuse_loop(*c, via_chain_of(*c))) return;
  EdgeRuntime& rt = c->worker().runtime();
  const auto& req = c->request();
  const bool safe = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS";
  ForwardContext fwd{req,          c->request_body(),  *c->property(), c->client_ip(),
                     rt.edge_id(), ForwardMode::kPass, nullptr};
  start_origin_fetch(c->worker(),
                     origin_request(*c->property(), req.method, build_origin_request(fwd)),
                     std::make_shared<PassFetch>(c, !safe));
}

}  // namespace candela::edge
