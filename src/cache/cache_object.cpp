// Cache objects: one allocation holding the fixed fields, the key, the head and small bodies.
#include "cache/cache_object.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <new>

#include "cache/cache_key.hpp"
#include "cache/external_body.hpp"
#include "cache/fill_state.hpp"
#include "cache/header_block.hpp"
#include "cache/object_heap.hpp"
#include "cache/ram_store.hpp"
#include "cache/surrogate_keys.hpp"
#include "common/http_date.hpp"

namespace candela::cache {

// The layout described in cache_object.hpp and counted by RamStore::metadata_bytes_per_object.
static_assert(sizeof(void*) != 8 || sizeof(CacheObject) == 112);

namespace {

// Objects live in their own heap (object_heap.hpp), except under AddressSanitizer, whose checks
// of each object's bounds need them in the general heap.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUseObjectHeap = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUseObjectHeap = false;
#else
constexpr bool kUseObjectHeap = true;
#endif
#else
constexpr bool kUseObjectHeap = true;
#endif

std::uint32_t clamp_seconds(std::int64_t seconds) noexcept {
  return static_cast<std::uint32_t>(
      std::clamp<std::int64_t>(seconds, 0, std::numeric_limits<std::uint32_t>::max()));
}

}  // namespace

CacheObject::CacheObject(const ObjectSpec& spec)
    : expected_(spec.declared_length.value_or(kUnknownLength)),
      time_(spec.kind == ObjectKind::kUncacheable ? to_unix_seconds(spec.uncacheable_until)
                                                  : spec.freshness.response_time),
      initial_age_(clamp_seconds(spec.freshness.corrected_initial_age)),
      stale_while_revalidate_(clamp_seconds(spec.freshness.stale_while_revalidate)),
      stale_if_error_(clamp_seconds(spec.freshness.stale_if_error)),
      lifetime_(clamp_seconds(spec.freshness.freshness_lifetime)),
      key_size_(static_cast<std::uint32_t>(spec.key.size())),
      head_size_(static_cast<std::uint32_t>(spec.header_block.size())),
      status_(static_cast<std::uint16_t>(spec.status)),
      vary_size_(static_cast<std::uint16_t>(spec.vary.size())),
      kind_(spec.kind) {
  const FreshnessInfo& f = spec.freshness;
  flags_ = static_cast<std::uint8_t>((f.no_cache ? kNoCache : 0) | (f.no_stale ? kNoStale : 0) |
                                     (f.heuristic ? kHeuristic : 0) |
                                     (f.immutable ? kImmutable : 0) | (f.targeted ? kTargeted : 0) |
                                     (header_has_tags(spec.header_block) ? kHasTags : 0));
  if (spec.kind != ObjectKind::kResponse) state_.store(kComplete, std::memory_order_relaxed);
}

CacheObject::~CacheObject() {
  delete fill_;  // only when the fill never ended (its loop stopped): waiters are dropped
  if (external_) external_->release();
}

ObjectRef CacheObject::allocate(const ObjectSpec& spec, std::uint64_t inline_capacity) {
  assert(spec.vary.size() <= kMaxVaryBytes);
  const std::size_t extra =
      spec.key.size() + spec.vary.size() + spec.header_block.size() + inline_capacity;
  const std::size_t bytes = sizeof(CacheObject) + extra;
  const bool in_heap = kUseObjectHeap && bytes <= ObjectHeap::kMaxBytes;
  void* memory = in_heap ? ObjectHeap::instance().allocate(bytes) : ::operator new(bytes);
  auto* object = new (memory) CacheObject(spec);
  if (in_heap) object->flags_ |= kInObjectHeap;
  char* out = object->data();
  // An empty view may have no data pointer, which memcpy must not be given.
  for (const std::string_view part : {spec.key, spec.vary, spec.header_block}) {
    if (!part.empty()) std::memcpy(out, part.data(), part.size());
    out += part.size();
  }
  return ObjectRef::adopt(object);
}

ObjectRef CacheObject::create(const ObjectSpec& spec) {
  if (spec.kind != ObjectKind::kResponse) return allocate(spec, 0);
  const bool inline_body = spec.declared_length && *spec.declared_length <= kMaxInlineBodyBytes;
  ObjectRef object = allocate(spec, inline_body ? *spec.declared_length : 0);
  if (!inline_body) object->external_ = ExternalBody::create(spec.declared_length);
  object->fill_ = new FillState;
  return object;
}

ObjectRef CacheObject::complete_copy(const CacheObject& source, std::string_view header_block,
                                     const FreshnessInfo& freshness, bool share_body) {
  assert(source.complete() && source.kind_ == ObjectKind::kResponse);
  const std::uint64_t size = source.size();
  ObjectSpec spec;
  spec.key = source.key();
  spec.status = source.status_;
  spec.header_block = header_block;
  spec.vary = source.vary();
  spec.freshness = freshness;
  spec.declared_length = size;
  ObjectRef copy = allocate(spec, share_body ? 0 : size);
  CacheObject& o = *copy;
  if (share_body) {
    o.external_ = source.external_;
    o.external_->add_ref();
  } else {
    for (std::uint64_t at = 0; at < size;) {
      const auto run = source.readable(at);
      std::memcpy(o.inline_body() + at, run.data(), run.size());
      at += run.size();
    }
  }
  o.size_.store(size, std::memory_order_relaxed);
  o.state_.store(kComplete, std::memory_order_relaxed);
  return copy;
}

ObjectRef CacheObject::refreshed(const CacheObject& source, std::string_view header_block,
                                 const FreshnessInfo& freshness) {
  return complete_copy(source, header_block, freshness, source.external_ != nullptr);
}

ObjectRef CacheObject::compacted(const CacheObject& source) {
  if (source.kind_ != ObjectKind::kResponse || !source.complete() || !source.external_ ||
      source.size() > kMaxInlineBodyBytes) {
    return nullptr;
  }
  return complete_copy(source, source.header_block(), source.freshness(), /*share_body=*/false);
}

void CacheObject::release() const noexcept {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  auto* self = const_cast<CacheObject*>(this);
  const bool in_heap = (flags_ & kInObjectHeap) != 0;
  self->~CacheObject();
  if (in_heap) {
    ObjectHeap::instance().deallocate(self);
  } else {
    ::operator delete(static_cast<void*>(self));
  }
}

std::string_view CacheObject::property_id() const noexcept {
  return key_property_id(key());
}

http::HeaderView CacheObject::fields() const {
  http::HeaderView view;
  for_each_stored_field(header_block(), [&](std::string_view name, std::string_view value) {
    view.add(name, value);
  });
  return view;
}

std::string_view CacheObject::etag() const {
  return find_stored_field(header_block(), "ETag").value_or(std::string_view{});
}

std::string_view CacheObject::last_modified() const {
  return find_stored_field(header_block(), "Last-Modified").value_or(std::string_view{});
}

FreshnessInfo CacheObject::freshness() const noexcept {
  FreshnessInfo f;
  f.response_time = time_;
  f.corrected_initial_age = initial_age_;
  f.freshness_lifetime = lifetime_.load(std::memory_order_relaxed);
  f.stale_while_revalidate = stale_while_revalidate_;
  f.stale_if_error = stale_if_error_;
  f.no_cache = (flags_ & kNoCache) != 0;
  f.no_stale = (flags_ & kNoStale) != 0;
  f.heuristic = (flags_ & kHeuristic) != 0;
  f.immutable = (flags_ & kImmutable) != 0;
  f.targeted = (flags_ & kTargeted) != 0;
  return f;
}

SysTime CacheObject::uncacheable_until() const noexcept {
  return SysTime{} + std::chrono::seconds(time_);
}

void CacheObject::mark_stale(SysTime now) noexcept {
  // Lifetime = current age makes the remaining freshness zero now and negative later.
  const std::uint32_t age = clamp_seconds(age_seconds(freshness(), now));
  std::uint32_t lifetime = lifetime_.load(std::memory_order_relaxed);
  while (lifetime > age &&
         !lifetime_.compare_exchange_weak(lifetime, age, std::memory_order_relaxed)) {
  }
}

std::optional<std::uint64_t> CacheObject::expected_size() const noexcept {
  if (expected_ == kUnknownLength) return std::nullopt;
  return expected_;
}

std::optional<std::uint64_t> CacheObject::length() const noexcept {
  if (expected_ != kUnknownLength) return expected_;
  if (complete()) return size();
  return std::nullopt;
}

std::uint64_t CacheObject::body_memory_bytes() const noexcept {
  if (external_) return external_->allocated();
  return kind_ == ObjectKind::kResponse ? expected_ : 0;
}

std::uint64_t CacheObject::charge() const noexcept {
  return key_size_ + vary_size_ + head_size_ + body_memory_bytes() +
         RamStore::metadata_bytes_per_object();
}

}  // namespace candela::cache
