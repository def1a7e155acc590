// Cache fills: storability, storing (Vary, unknown lengths), 304 refresh, hit-for-pass markers.
#include "edge/cache_fill.hpp"

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
using ObjectPtr = std::shared_ptr<const CacheObject>;

// Objects that turned out not to be storable are remembered for this long, so that requests
// for them go straight to the origin instead of queueing behind one another (hit-for-pass).
constexpr std::int64_t kUncacheableMemorySeconds = 60;

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
      if (!cache::not_modified_applies(stale_->fields(), response_view)) {
        // The 304 names another representation than the one stored (RFC 9111 §4.3.4): it
        // cannot refresh it, and there is no body to serve instead.
        resolve(PendingFill::Outcome::kFailed, nullptr, 502);
        return nullptr;
      }
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

}  // namespace

void start_cache_fill(Worker& worker, std::string key, std::shared_ptr<PendingFill> pending,
                      std::shared_ptr<const Property> property, ObjectPtr stale,
                      std::string request_bytes, http::HeaderList request_fields) {
  auto fill = std::make_shared<CacheFill>(worker, std::move(key), std::move(pending),
                                          std::move(property), std::move(stale),
                                          std::move(request_bytes), std::move(request_fields));
  fill->start(fill);
}

}  // namespace candela::edge
