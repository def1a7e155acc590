// Cache fills: storability, storing (Vary, unknown lengths), 304 refresh, hit-for-pass markers,
// and the shield tier's parent attempts before the origin (docs/shield.md).
#include "edge/cache_fill.hpp"

#include <spdlog/spdlog.h>

#include "cache/cache_key.hpp"
#include "cache/revalidation.hpp"
#include "cache/storability.hpp"
#include "cache/vary.hpp"
#include "edge/edge_runtime.hpp"
#include "edge/object_builder.hpp"
#include "edge/origin_fetch.hpp"
#include "edge/origin_policy.hpp"
#include "edge/worker.hpp"

namespace candela::edge {

namespace {

using cache::CacheObject;
using cache::ConstObjectRef;
using cache::ObjectRef;

// Objects that turned out not to be storable are remembered for this long, so that requests
// for them go straight to the origin instead of queueing behind one another (hit-for-pass).
constexpr std::int64_t kUncacheableMemorySeconds = 60;

// Called on the filler's thread when a stored object's body ends. A failed body must not be
// served to anyone else. A body whose length was unknown is checked against the size limit and,
// when small, moved into one exact allocation; every other body is re-accounted with the memory
// it ended up holding (a declared length above the single-block limit fills block by block).
void on_stored_body_end(EdgeRuntime& rt, CacheObject& object) {
  cache::RamStore& store = rt.store();
  if (object.failed()) {
    store.erase_object(object);
    return;
  }
  if (!object.expected_size()) {
    if (object.size() > rt.cache_settings().max_object_bytes) {
      store.erase_object(object);
      return;
    }
    if (ObjectRef compact = CacheObject::compacted(object)) {
      const std::uint64_t charge = compact->charge();
      store.replace(object, std::move(compact), charge);
      return;
    }
  }
  store.update_charge(object, object.charge());
}

// Why a parent attempt did not give the response, as counted in
// candela_edge_parent_fetches_total{result}.
const char* parent_failure(FetchError error) {
  switch (error) {
    case FetchError::kConnectFailed:
      return "connect_failed";
    case FetchError::kTimeout:
      return "timeout";
    case FetchError::kBadResponse:
    case FetchError::kConnectionReset:
      return "bad_response";
  }
  return "bad_response";
}

// A 502/503/504 that the parent generated itself (it could not fill, or it is overloaded) sends
// the fill on to the next parent. Candela edges put Cache-Status only on responses they relay or
// serve, never on the errors they generate, so an origin's own 503 relayed by the parent (it
// carries the parent's Cache-Status) is the origin's answer and is not failed over.
bool parent_gateway_error(const OriginResponse& response) {
  return (response.status == 502 || response.status == 503 || response.status == 504) &&
         !response.headers.contains("Cache-Status");
}

class CacheFill : public OriginFetchHandler, public std::enable_shared_from_this<CacheFill> {
 public:
  CacheFill(Worker& worker, std::string key, std::shared_ptr<PendingFill> pending,
            std::shared_ptr<const Property> property, ConstObjectRef stale,
            std::string request_bytes, http::HeaderList request_fields, ParentRoute route)
      : worker_(worker),
        key_(std::move(key)),
        pending_(std::move(pending)),
        property_(std::move(property)),
        stale_(std::move(stale)),
        request_bytes_(std::move(request_bytes)),
        request_fields_(std::move(request_fields)),
        route_(std::move(route)),
        request_time_(worker.runtime().clock().now()) {}

  ~CacheFill() override {
    // Destroyed without an outcome only when its loop stops mid-fetch.
    worker_.runtime().fills().remove(key_, pending_.get());
    pending_->abandon();
  }

  void start() {
    started_ = std::chrono::steady_clock::now();
    // Every variant of a URL goes to the same parent, which holds its Vary index.
    if (route_.parents && !route_.parents->empty()) {
      order_ = route_.parents->rank(cache::key_primary(key_));
    }
    next_attempt();
  }

  ObjectRef on_response_head(OriginResponse& response) override {
    EdgeRuntime& rt = worker_.runtime();
    if (parent_ != kOrigin) {
      const Parent& parent = route_.parents->at(parent_);
      if (parent_gateway_error(response)) {
        parent_failed(parent, "gateway_error",
                      "answered " + std::to_string(response.status) + " itself");
        next_attempt();
        return nullptr;
      }
      if (response.status == 508) {
        // The parent found itself in the request's Via: it would loop. Not a failure of the
        // parent; this fill just goes on without it.
        rt.metrics().parent_fetches(parent.id, "loop").inc();
        next_attempt();
        return nullptr;
      }
      rt.metrics().parent_fetches(parent.id, "ok").inc();
    } else {
      rt.metrics().origin_fetches(true).inc();
    }
    origin_ms_ = ms_since(started_);
    ObjectContext ctx{
        key_, {}, rt.edge_id(), request_time_, rt.clock().now(), freshness_config(rt, *property_)};
    ctx.from_parent = parent_ != kOrigin;
    const auto request_view = request_fields_.view();
    const auto response_view = response.headers.view();

    if (response.status == 304 && stale_) {
      if (!cache::not_modified_applies(stale_->fields(), response_view)) {
        // The 304 names another representation than the one stored (RFC 9111 §4.3.4): it
        // cannot refresh it, and there is no body to serve instead.
        resolve(PendingFill::Outcome::kFailed, nullptr, 502);
        return nullptr;
      }
      if (!stale_->complete()) {
        // Validated while its own body still arrives: serve it as it is; it cannot be copied
        // with a new head until complete.
        resolve(PendingFill::Outcome::kObject, stale_, 304);
        return nullptr;
      }
      ObjectRef refreshed = refresh_object(ctx, *stale_, response);
      const std::uint64_t charge = refreshed->charge();
      rt.store().insert(refreshed, charge);
      resolve(PendingFill::Outcome::kObject, std::move(refreshed), 304);
      return nullptr;
    }
    if (response.status >= 500 && stale_ &&
        cache::may_serve_on_error(stale_->freshness(), rt.clock().now())) {
      resolve(PendingFill::Outcome::kFailed, nullptr, response.status);
      return nullptr;
    }

    const auto directives = cache::select_response_directives(response_view);
    auto decision =
        cache::decide_storability("GET", request_view, response.status, response_view, directives);
    const bool has_length = response.framing == http::BodyFraming::kContentLength;
    const bool fits =
        !has_length || response.content_length <= rt.cache_settings().max_object_bytes;
    const auto varied = cache::varied_fields(response_view);
    const std::string vary = cache::pack_varied_fields(varied);
    if (decision.store && (cache::vary_has_star(response.headers.combined("Vary")) ||
                           vary.size() > CacheObject::kMaxVaryBytes)) {
      decision.store = false;
    }
    if (!decision.store || !fits) {
      auto object = build_object(
          ctx, response, decision.store ? decision.strip_fields : std::vector<std::string>{});
      remember_uncacheable(rt, ctx);
      resolve(PendingFill::Outcome::kPass, object, response.status);
      return object;
    }
    std::string variant;
    if (!vary.empty()) {
      // The primary key holds an index of the varied fields; the variant has its own key.
      const std::string_view primary = cache::key_primary(key_);
      cache::ObjectSpec index;
      index.kind = cache::ObjectKind::kVaryIndex;
      index.key = primary;
      index.vary = vary;
      ObjectRef index_object = CacheObject::create(index);
      const std::uint64_t charge = index_object->charge();
      rt.store().insert(std::move(index_object), charge);
      variant.assign(primary);
      cache::append_variant_key(vary, request_view, variant);
      ctx.key = variant;
      ctx.vary = vary;
    }
    ObjectRef object = build_object(ctx, response, decision.strip_fields);
    object->on_fill_end([runtime = &rt](CacheObject& o) { on_stored_body_end(*runtime, o); });
    rt.store().insert(object, object->charge());
    resolve(PendingFill::Outcome::kObject, object, response.status);
    return object;
  }

  void on_fetch_error(FetchError error) override {
    if (parent_ != kOrigin) {
      parent_failed(route_.parents->at(parent_), parent_failure(error), describe_parent(error));
      return next_attempt();
    }
    worker_.runtime().metrics().origin_fetches(false).inc();
    origin_ms_ = ms_since(started_);
    resolve(PendingFill::Outcome::kFailed, nullptr, status_for(error));
  }

 private:
  static constexpr std::size_t kOrigin = static_cast<std::size_t>(-1);

  // The next parent in rank that is not marked failed, else the origin. No byte has reached a
  // client yet: the pending fill resolves only with the response that is used.
  void next_attempt() {
    const auto now = std::chrono::steady_clock::now();
    while (next_ < order_.size()) {
      const std::size_t index = order_[next_++];
      if (!route_.parents->usable(index, now)) continue;
      parent_ = index;
      start_origin_fetch(worker_, parent_request(route_.parents->at(index)), shared_from_this());
      return;
    }
    parent_ = kOrigin;
    start_origin_fetch(worker_, origin_request(*property_, "GET", request_bytes_),
                       shared_from_this());
  }

  // The request to a parent: its address, the policy's connect timeout, and time for the parent
  // to reach the origin itself before its response head is due.
  OriginRequest parent_request(const Parent& parent) const {
    OriginRequest r = origin_request(*property_, "GET", route_.request_bytes);
    r.host = parent.host;
    r.port = parent.port;
    r.connect_timeout = route_.parents->policy().connect_timeout;
    r.response_timeout = property_->origin.connect_timeout + property_->origin.response_timeout;
    return r;
  }

  static std::string describe_parent(FetchError error) {
    switch (error) {
      case FetchError::kConnectFailed:
        return "could not be reached";
      case FetchError::kTimeout:
        return "did not answer in time";
      case FetchError::kBadResponse:
        return "sent a response that is not valid HTTP";
      case FetchError::kConnectionReset:
        return "closed the connection without answering";
    }
    return "failed";
  }

  void parent_failed(const Parent& parent, const char* result, const std::string& why) {
    EdgeRuntime& rt = worker_.runtime();
    rt.metrics().parent_fetches(parent.id, result).inc();
    const ParentSet& set = *route_.parents;
    if (set.mark_failed(parent_, std::chrono::steady_clock::now())) {
      spdlog::warn("shield tier: parent {} ({}) {}; skipped for {} ms", parent.id, parent.address,
                   why, set.policy().retry_after.count());
    }
  }

  void remember_uncacheable(EdgeRuntime& rt, const ObjectContext& ctx) {
    cache::ObjectSpec marker;
    marker.kind = cache::ObjectKind::kUncacheable;
    marker.key = key_;
    marker.uncacheable_until = ctx.response_time + std::chrono::seconds(kUncacheableMemorySeconds);
    ObjectRef object = CacheObject::create(marker);
    const std::uint64_t charge = object->charge();
    rt.store().insert(std::move(object), charge);
  }

  void resolve(PendingFill::Outcome outcome, ConstObjectRef object, int status) {
    worker_.runtime().fills().remove(key_, pending_.get());
    pending_->resolve(outcome, std::move(object), status, origin_ms_);
  }

  Worker& worker_;
  std::string key_;  // the key the pending fill is registered under
  std::shared_ptr<PendingFill> pending_;
  std::shared_ptr<const Property> property_;
  ConstObjectRef stale_;
  std::string request_bytes_;
  http::HeaderList request_fields_;
  ParentRoute route_;
  std::vector<std::size_t> order_;  // parent indexes by rank for this key
  std::size_t next_ = 0;            // next position in order_
  std::size_t parent_ = kOrigin;    // the parent of the attempt in progress, or kOrigin
  SysTime request_time_;
  std::chrono::steady_clock::time_point started_;
  double origin_ms_ = -1;
};

}  // namespace

void start_cache_fill(Worker& worker, std::string key, std::shared_ptr<PendingFill> pending,
                      std::shared_ptr<const Property> property, ConstObjectRef stale,
                      std::string request_bytes, http::HeaderList request_fields,
                      ParentRoute route) {
  auto fill = std::make_shared<CacheFill>(
      worker, std::move(key), std::move(pending), std::move(property), std::move(stale),
      std::move(request_bytes), std::move(request_fields), std::move(route));
  fill->start();
}

}  // namespace candela::edge
