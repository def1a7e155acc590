// The request lifecycle of the edge. Each step is a function below, in the order a request
// meets them; asynchronous steps continue in the next function when their result arrives.
#include "edge/request_pipeline.hpp"

#include <boost/asio/post.hpp>

#include "cache/cache_key.hpp"
#include "cache/freshness.hpp"
#include "cache/storability.hpp"
#include "cache/vary.hpp"
#include "edge/client_connection.hpp"
#include "edge/edge_runtime.hpp"
#include "edge/object_builder.hpp"
#include "edge/origin_fetch.hpp"
#include "edge/origin_request.hpp"
#include "edge/worker.hpp"

namespace candela::edge {

namespace {

using Conn = std::shared_ptr<ClientConnection>;
using cache::CacheObject;
using ObjectPtr = std::shared_ptr<const CacheObject>;

// Objects that turned out not to be storable are remembered for this long, so that requests
// for them go straight to the origin instead of queueing behind one another (hit-for-pass).
constexpr std::int64_t kUncacheableMemorySeconds = 60;
// Separates a primary key from the Vary secondary key; cannot occur in either.
constexpr char kVariantSeparator = '\x1f';

void lookup_and_serve(const Conn& c);
void fill(const Conn& c, std::string key, ObjectPtr stale, bool background);
void pass(const Conn& c);

cache::FreshnessConfig freshness_config(EdgeRuntime& rt, const Property& p) {
  const auto& s = rt.cache_settings();
  cache::FreshnessConfig f;
  f.heuristic_percent = static_cast<std::int64_t>(s.heuristic_fraction * 100.0 + 0.5);
  f.heuristic_max_seconds = s.heuristic_max_s;
  f.default_stale_while_revalidate =
      p.stale_while_revalidate_s >= 0 ? p.stale_while_revalidate_s : s.stale_while_revalidate_s;
  f.default_stale_if_error = p.stale_if_error_s >= 0 ? p.stale_if_error_s : s.stale_if_error_s;
  return f;
}

OriginRequest origin_request(const Property& p, std::string_view method, std::string bytes) {
  OriginRequest r;
  r.host = p.origin.host;
  r.port = p.origin.port;
  r.method = std::string(method);
  r.bytes = std::move(bytes);
  r.idempotent = method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" ||
                 method == "DELETE";
  r.connect_timeout = p.origin.connect_timeout;
  r.response_timeout = p.origin.response_timeout;
  r.read_timeout = p.origin.read_timeout;
  return r;
}

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// ---- step 1: which property answers this Host? -------------------------------------------

void match_property(const Conn& c) {
  const auto& req = c->request();
  const auto* property = c->worker().properties()->find(req.host);
  if (property == nullptr) {
    c->log().cache_status = "error";
    std::string body = "No property is configured for host '";
    body.append(req.host.substr(0, 200));
    body += "' on this edge.\n";
    return c->send_generated(404, body);
  }
  c->property() = *property;

  // ---- step 2: the method decides between the cache and a pass to the origin --------------
  const std::string_view m = req.method;
  if (m == "GET" || m == "HEAD") return lookup_and_serve(c);
  if (m == "CONNECT" || m == "TRACE") {
    c->log().cache_status = "error";
    return c->send_generated(405, "This method is not allowed on a CDN edge.\n",
                             "Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n");
  }
  pass(c);
}

// ---- step 3: cache key and lookup -------------------------------------------------------

// Finds the stored object for the request, following a Vary index to the right variant.
ObjectPtr lookup(EdgeRuntime& rt, const http::RequestHead& req, std::string& key) {
  auto object = rt.store().lookup(key);
  if (object && object->vary_index) {
    key += kVariantSeparator;
    cache::secondary_key(object->vary_fields, req.headers, key);
    object = rt.store().lookup(key);
  }
  return object;
}

void lookup_and_serve(const Conn& c) {
  EdgeRuntime& rt = c->worker().runtime();
  const auto& req = c->request();
  const Property& p = *c->property();
  std::string& key = c->cache_key();
  cache::build_cache_key(p.id, req.path, req.query, cache::KeyPolicy{}, key);

  ObjectPtr object = lookup(rt, req, key);
  if (object && object->uncacheable) {
    if (rt.clock().now() < object->uncacheable_until) return pass(c);
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
  const SysTime now = rt.clock().now();
  auto freshness = cache::evaluate(object->freshness, now, directives);
  if (object->invalidated.load(std::memory_order_relaxed)) {
    freshness = cache::Freshness::kMustRevalidate;
  }
  const auto age = cache::age_seconds(object->freshness, now);
  switch (freshness) {
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

// The fetch behind a pending fill; it outlives the client that started it.
class CacheFill : public OriginFetchHandler {
 public:
  CacheFill(Worker& worker, std::string key, std::shared_ptr<PendingFill> pending,
            std::shared_ptr<const Property> property, ObjectPtr stale, std::string request_bytes,
            http::HeaderList request_fields)
      : worker_(worker),
        registered_key_(key),
        key_(std::move(key)),
        pending_(std::move(pending)),
        property_(std::move(property)),
        stale_(std::move(stale)),
        request_bytes_(std::move(request_bytes)),
        request_fields_(std::move(request_fields)),
        request_time_(worker.runtime().clock().now()) {}

  ~CacheFill() override {
    // Destroyed without an outcome only when its loop stops mid-fetch.
    worker_.runtime().fills().remove(registered_key_, pending_.get());
    pending_->abandon();
  }

  void start(const std::shared_ptr<CacheFill>& self) {
    started_ = std::chrono::steady_clock::now();
    start_origin_fetch(worker_, origin_request(*property_, "GET", request_bytes_), self);
  }

  std::shared_ptr<cache::BodyBuffer> on_response_head(OriginResponse& response) override {
    EdgeRuntime& rt = worker_.runtime();
    rt.metrics().origin_fetches(true).inc();
    origin_ms_ = ms_since(started_);
    ObjectContext ctx{key_,          property_->id,    rt.edge_id(),
                      request_time_, rt.clock().now(), freshness_config(rt, *property_)};
    const auto request_view = request_fields_.view();
    const auto response_view = response.headers.view();

    if (response.status == 304 && stale_) {
      auto refreshed = refresh_object(ctx, *stale_, response);
      rt.store().insert(key_, refreshed, refreshed->charge());
      resolve(PendingFill::Outcome::kObject, refreshed, 304);
      return nullptr;
    }
    if (response.status >= 500 && stale_ &&
        cache::may_serve_on_error(stale_->freshness, rt.clock().now())) {
      resolve(PendingFill::Outcome::kFailed, nullptr, response.status);
      return nullptr;
    }

    const auto directives = cache::select_response_directives(response_view);
    auto decision =
        cache::decide_storability("GET", request_view, response.status, response_view, directives);
    const bool has_length = response.framing == http::BodyFraming::kContentLength;
    const bool fits =
        !has_length || response.content_length <= rt.cache_settings().max_object_bytes;
    if (decision.store && cache::vary_has_star(response.headers.combined("Vary"))) {
      decision.store = false;
    }
    auto object = build_object(ctx, response,
                               decision.store ? decision.strip_fields : std::vector<std::string>{});
    if (!decision.store || !fits) {
      remember_uncacheable(rt, ctx);
      resolve(PendingFill::Outcome::kPass, object, response.status);
      return object->body;
    }
    store(rt, object, request_view, response_view);
    resolve(PendingFill::Outcome::kObject, object, response.status);
    return object->body;
  }

  void on_fetch_error(FetchError error) override {
    worker_.runtime().metrics().origin_fetches(false).inc();
    origin_ms_ = ms_since(started_);
    resolve(PendingFill::Outcome::kFailed, nullptr, status_for(error));
  }

 private:
  void store(EdgeRuntime& rt, const std::shared_ptr<CacheObject>& object,
             const http::HeaderView& request, const http::HeaderView& response) {
    auto fields = cache::varied_fields(response);
    if (!fields.empty()) {
      // The primary key holds an index of the varied fields; the variant has its own key.
      const std::string primary = key_.substr(0, key_.find(kVariantSeparator));
      auto index = std::make_shared<CacheObject>();
      index->key = primary;
      index->property_id = property_->id;
      index->vary_index = true;
      index->vary_fields = fields;
      rt.store().insert(primary, index, index->charge());
      std::string variant = primary;
      variant += kVariantSeparator;
      cache::secondary_key(fields, request, variant);
      object->key = variant;
      object->vary_fields = std::move(fields);
      key_ = variant;
    }
    rt.store().insert(object->key, object, object->charge());
    // Bodies without a declared length are re-charged (or dropped if too big) when complete.
    if (!object->declared_length) {
      std::weak_ptr<CacheObject> weak = object;
      auto* runtime = &rt;
      const std::uint64_t max_bytes = rt.cache_settings().max_object_bytes;
      watch_completion(object->body, [weak, runtime, max_bytes] {
        auto o = weak.lock();
        if (!o) return;
        if (o->body->failed() || o->body->size() > max_bytes) {
          runtime->store().erase(o->key);
        } else {
          runtime->store().update_charge(o->key, o->charge(), o.get());
        }
      });
    }
  }

  // Calls `done` (on the filler's thread) once the body is complete or failed.
  static void watch_completion(std::shared_ptr<cache::BodyBuffer> body,
                               std::function<void()> done) {
    auto again = std::make_shared<std::function<void()>>();
    *again = [body, done, again] {
      if (body->complete() || body->failed()) {
        done();
        *again = nullptr;  // break the self-reference
        return;
      }
      if (!body->subscribe(body->size(), [again] {
            if (*again) (*again)();
          })) {
        (*again)();
      }
    };
    (*again)();
  }

  void remember_uncacheable(EdgeRuntime& rt, const ObjectContext& ctx) {
    auto marker = std::make_shared<CacheObject>();
    marker->key = key_;
    marker->property_id = property_->id;
    marker->uncacheable = true;
    marker->uncacheable_until = ctx.response_time + std::chrono::seconds(kUncacheableMemorySeconds);
    rt.store().insert(key_, marker, marker->charge());
  }

  void resolve(PendingFill::Outcome outcome, ObjectPtr object, int status) {
    worker_.runtime().fills().remove(pending_key(), pending_.get());
    pending_->resolve(outcome, std::move(object), status, origin_ms_);
  }
  std::string_view pending_key() const { return registered_key_; }

  Worker& worker_;
  std::string registered_key_;  // the key the pending fill is registered under
  std::string key_;             // where the object is stored (a variant key with Vary)
  std::shared_ptr<PendingFill> pending_;
  std::shared_ptr<const Property> property_;
  ObjectPtr stale_;
  std::string request_bytes_;
  http::HeaderList request_fields_;
  SysTime request_time_;
  std::chrono::steady_clock::time_point started_;
  double origin_ms_ = -1;
};

void on_fill_outcome(const Conn& c, const std::shared_ptr<PendingFill>& pending, ObjectPtr stale,
                     bool leader, double origin_ms);

void fill(const Conn& c, std::string key, ObjectPtr stale, bool background) {
  EdgeRuntime& rt = c->worker().runtime();
  bool created = false;
  auto pending = rt.fills().join_or_create(key, created);
  if (created) {
    http::HeaderList fields;
    for (const auto& f : c->request().headers)
      fields.add(f.name, f.value);
    ForwardContext fwd{c->request(),       {},         *c->property(), c->client_ip(), rt.edge_id(),
                       ForwardMode::kFill, stale.get()};
    auto fetch = std::make_shared<CacheFill>(c->worker(), key, pending, c->property(), stale,
                                             build_origin_request(fwd), std::move(fields));
    fetch->start(fetch);
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
      if (!object->vary_fields.empty()) {
        std::string mine = object->key.substr(0, object->key.find(kVariantSeparator));
        mine += kVariantSeparator;
        cache::secondary_key(object->vary_fields, c->request().headers, mine);
        if (mine != object->key) return fill(c, mine, nullptr, false);
      }
      const bool revalidated = pending->status() == 304;
      c->log().cache_status = revalidated ? "revalidated" : "miss";
      std::string status = revalidated
                               ? "Candela; fwd=stale; fwd-status=304"
                               : "Candela; fwd=" + std::string(stale ? "stale" : "uri-miss") +
                                     "; fwd-status=" + std::to_string(object->status) + "; stored";
      status += collapsed;
      return c->send_object(object, status,
                            cache::age_seconds(object->freshness, rt.clock().now()));
    }
    case PendingFill::Outcome::kPass: {
      if (leader) {
        c->log().cache_status = "pass";
        // The leader's own response is relayed as received (not stored).
        return c->send_relayed(pending->object(), "Candela; fwd=uri-miss; fwd-status=" +
                                                      std::to_string(pending->status()) +
                                                      "; detail=not-storable");
      }
      return pass(c);
    }
    case PendingFill::Outcome::kFailed: {
      const SysTime now = rt.clock().now();
      if (stale && cache::may_serve_on_error(stale->freshness, now)) {
        c->log().cache_status = "stale";
        return c->send_object(stale, "Candela; hit; detail=stale-if-error",
                              cache::age_seconds(stale->freshness, now));
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

// ---- pass: the request goes to the origin and the response back, nothing stored ----------

class PassFetch : public OriginFetchHandler {
 public:
  PassFetch(Conn c, bool unsafe) : c_(std::move(c)), unsafe_(unsafe) {}

  std::shared_ptr<cache::BodyBuffer> on_response_head(OriginResponse& response) override {
    EdgeRuntime& rt = c_->worker().runtime();
    rt.metrics().origin_fetches(true).inc();
    c_->log().origin_ms = ms_since(started_);
    const SysTime now = rt.clock().now();
    ObjectContext ctx{c_->cache_key(),
                      c_->property()->id,
                      rt.edge_id(),
                      now,
                      now,
                      freshness_config(rt, *c_->property())};
    auto object = build_object(ctx, response, {});
    // RFC 9111 §4.4: a successful unsafe request invalidates what is stored for its target.
    if (unsafe_ && response.status >= 200 && response.status < 400) {
      std::string key;
      const auto& req = c_->request();
      cache::build_cache_key(c_->property()->id, req.path, req.query, cache::KeyPolicy{}, key);
      rt.store().erase(key);
    }
    if (c_->closed()) return nullptr;
    c_->log().cache_status = "pass";
    c_->send_relayed(object, "Candela; fwd=bypass; fwd-status=" + std::to_string(response.status));
    return object->body;
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

// A pass forwards the client's request as it is (for GET/HEAD with its conditionals and Range:
// the origin answers those) and relays the response.
void pass(const Conn& c) {
  EdgeRuntime& rt = c->worker().runtime();
  const auto& req = c->request();
  const bool safe = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS";
  ForwardContext fwd{req,          c->request_body(),  *c->property(), c->client_ip(),
                     rt.edge_id(), ForwardMode::kPass, nullptr};
  start_origin_fetch(c->worker(),
                     origin_request(*c->property(), req.method, build_origin_request(fwd)),
                     std::make_shared<PassFetch>(c, !safe));
}

}  // namespace

void run_request_pipeline(ClientConnection& connection) {
  match_property(connection.shared_from_this());
}

}  // namespace candela::edge
