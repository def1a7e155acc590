// Cache fills: storability, storing (Vary, unknown lengths), 304 refresh, hit-for-pass markers.
#include "edge/cache_fill.hpp"

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

class CacheFill : public OriginFetchHandler {
 public:
  CacheFill(Worker& worker, std::string key, std::shared_ptr<PendingFill> pending,
            std::shared_ptr<const Property> property, ConstObjectRef stale,
            std::string request_bytes, http::HeaderList request_fields)
      : worker_(worker),
        key_(std::move(key)),
        pending_(std::move(pending)),
        property_(std::move(property)),
        stale_(std::move(stale)),
        request_bytes_(std::move(request_bytes)),
        request_fields_(std::move(request_fields)),
        request_time_(worker.runtime().clock().now()) {}

  ~CacheFill() override {
    // Destroyed without an outcome only when its loop stops mid-fetch.
    worker_.runtime().fills().remove(key_, pending_.get());
    pending_->abandon();
  }

  void start(const std::shared_ptr<CacheFill>& self) {
    started_ = std::chrono::steady_clock::now();
    start_origin_fetch(worker_, origin_request(*property_, "GET", request_bytes_), self);
  }

  ObjectRef on_response_head(OriginResponse& response) override {
    EdgeRuntime& rt = worker_.runtime();
    rt.metrics().origin_fetches(true).inc();
    origin_ms_ = ms_since(started_);
    ObjectContext ctx{
        key_, {}, rt.edge_id(), request_time_, rt.clock().now(), freshness_config(rt, *property_)};
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
    worker_.runtime().metrics().origin_fetches(false).inc();
    origin_ms_ = ms_since(started_);
    resolve(PendingFill::Outcome::kFailed, nullptr, status_for(error));
  }

 private:
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
  SysTime request_time_;
  std::chrono::steady_clock::time_point started_;
  double origin_ms_ = -1;
};

}  // namespace

void start_cache_fill(Worker& worker, std::string key, std::shared_ptr<PendingFill> pending,
                      std::shared_ptr<const Property> property, ConstObjectRef stale,
                      std::string request_bytes, http::HeaderList request_fields) {
  auto fill = std::make_shared<CacheFill>(worker, std::move(key), std::move(pending),
                                          std::move(property), std::move(stale),
                                          std::move(request_bytes), std::move(request_fields));
  fill->start(fill);
}

}  // namespace candela::edge
