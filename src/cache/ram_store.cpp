// The edge's in-memory object index: sharded, bounded in bytes, evicting with S3-FIFO.
#include "cache/ram_store.hpp"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "cache/cache_key.hpp"
#include "cache/cache_object.hpp"
#include "cache/ghost.hpp"
#include "cache/tag_index.hpp"

namespace candela::cache {

// The store's view of an object's bookkeeping fields (all guarded by the object's shard lock).
struct StoreLinks {
  static CacheObject*& chain(CacheObject& o) noexcept { return o.chain_; }
  static CacheObject*& newer(CacheObject& o) noexcept { return o.newer_; }
  static CacheObject*& older(CacheObject& o) noexcept { return o.older_; }
  static std::uint64_t& charge(CacheObject& o) noexcept { return o.charge_; }
  static std::uint32_t& hash(CacheObject& o) noexcept { return o.hash_; }
  static std::uint8_t& bits(CacheObject& o) noexcept { return o.store_bits_; }
  static std::uint8_t bits(const CacheObject& o) noexcept { return o.store_bits_; }
};

namespace {

using L = StoreLinks;

constexpr std::uint8_t kMaxFrequency = 3;
constexpr std::uint8_t kFrequencyMask = 3;
constexpr std::uint8_t kInMain = 4;  // else in the small queue
constexpr std::uint8_t kStored = 8;
constexpr std::uint64_t kSmallQueuePercent = 10;
constexpr std::size_t kInitialBuckets = 64;

// The hash of a key's primary part: variants of one URL land in the same shard and bucket.
std::uint32_t primary_hash(std::string_view key) noexcept {
  return static_cast<std::uint32_t>(std::hash<std::string_view>{}(key_primary(key)));
}

std::uint8_t frequency(const CacheObject& o) noexcept {
  return L::bits(o) & kFrequencyMask;
}
void set_frequency(CacheObject& o, std::uint8_t f) noexcept {
  L::bits(o) = static_cast<std::uint8_t>((L::bits(o) & ~kFrequencyMask) | f);
}
bool in_main(const CacheObject& o) noexcept {
  return (L::bits(o) & kInMain) != 0;
}
bool is_stored(const CacheObject& o) noexcept {
  return (L::bits(o) & kStored) != 0;
}

// An intrusive FIFO: push at the head, evict from the tail, unlink from anywhere in O(1).
struct Fifo {
  CacheObject* head = nullptr;  // newest
  CacheObject* tail = nullptr;  // oldest
  std::uint64_t bytes = 0;

  void push_head(CacheObject* o) noexcept {
    L::newer(*o) = nullptr;
    L::older(*o) = head;
    if (head) L::newer(*head) = o;
    head = o;
    if (!tail) tail = o;
    bytes += L::charge(*o);
  }

  void unlink(CacheObject* o) noexcept {
    (L::newer(*o) ? L::older(*L::newer(*o)) : head) = L::older(*o);
    (L::older(*o) ? L::newer(*L::older(*o)) : tail) = L::newer(*o);
    L::newer(*o) = L::older(*o) = nullptr;
    bytes -= L::charge(*o);
  }

  // `next` takes `current`'s place (and its bytes are accounted instead).
  void swap_in(CacheObject* current, CacheObject* next) noexcept {
    L::newer(*next) = L::newer(*current);
    L::older(*next) = L::older(*current);
    (L::newer(*next) ? L::older(*L::newer(*next)) : head) = next;
    (L::older(*next) ? L::newer(*L::older(*next)) : tail) = next;
    L::newer(*current) = L::older(*current) = nullptr;
    bytes = bytes - L::charge(*current) + L::charge(*next);
  }
};

// Counters written only under the shard lock and read without it by the stats accessors.
void add_to(std::atomic<std::uint64_t>& counter, std::uint64_t n) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

void subtract_from(std::atomic<std::uint64_t>& counter, std::uint64_t n) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
}

// Objects removed under a lock are released after it: the last reference may free a large body.
using Dropped = std::vector<ObjectRef>;

}  // namespace

// Cache-line aligned so two busy shards never share a line.
struct alignas(64) RamStore::Shard {
  std::mutex mutex;
  std::vector<CacheObject*> buckets;  // chain heads; size is a power of two
  Fifo small;
  Fifo main;
  Ghost ghost;
  TagIndex* tags = nullptr;
  std::uint64_t capacity = 0;
  std::uint64_t small_target = 0;
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::uint64_t> objects{0};
  std::atomic<std::uint64_t> evictions{0};
  std::atomic<std::uint64_t> hits{0};
  std::atomic<std::uint64_t> misses{0};

  void set_capacity(std::uint64_t bytes_budget) noexcept {
    capacity = bytes_budget;
    small_target = bytes_budget * kSmallQueuePercent / 100;
    ghost.set_capacity(bytes_budget - small_target);
  }

  Fifo& queue_of(const CacheObject& o) noexcept { return in_main(o) ? main : small; }

  CacheObject*& bucket(std::uint32_t hash) noexcept { return buckets[hash & (buckets.size() - 1)]; }

  // The link that points at the object stored under key (null if none).
  CacheObject** find(std::uint32_t hash, std::string_view key) noexcept {
    if (buckets.empty()) return nullptr;
    for (CacheObject** link = &bucket(hash); *link; link = &L::chain(**link)) {
      if (L::hash(**link) == hash && (*link)->key() == key) return link;
    }
    return nullptr;
  }

  CacheObject** link_to(CacheObject* o) noexcept {
    CacheObject** link = &bucket(L::hash(*o));
    while (*link != o)
      link = &L::chain(**link);
    return link;
  }

  void grow_if_full() {
    const std::uint64_t count = objects.load(std::memory_order_relaxed);
    if (count <= buckets.size()) return;
    std::vector<CacheObject*> old = std::exchange(buckets, {});
    buckets.assign(std::max(kInitialBuckets, old.size() * 2), nullptr);
    for (CacheObject* head : old) {
      while (head) {
        CacheObject* next = L::chain(*head);
        CacheObject*& b = bucket(L::hash(*head));
        L::chain(*head) = b;
        b = head;
        head = next;
      }
    }
  }

  // Links a new object (the store's reference is adopted from the caller).
  void link(CacheObject* o, std::uint32_t hash, std::uint64_t charge, bool to_main) {
    if (buckets.empty()) buckets.assign(kInitialBuckets, nullptr);
    L::hash(*o) = hash;
    L::charge(*o) = charge;
    L::bits(*o) = static_cast<std::uint8_t>(kStored | (to_main ? kInMain : 0));
    CacheObject*& b = bucket(hash);
    L::chain(*o) = b;
    b = o;
    queue_of(*o).push_head(o);
    add_to(bytes, charge);
    add_to(objects, 1);
    if (o->has_tags()) tags->add(*o);
    grow_if_full();
  }

  void remove(CacheObject* o, Dropped& dropped) {
    CacheObject** link = link_to(o);
    *link = L::chain(*o);
    L::chain(*o) = nullptr;
    queue_of(*o).unlink(o);
    subtract_from(bytes, L::charge(*o));
    subtract_from(objects, 1);
    if (o->has_tags()) tags->remove(*o);
    L::bits(*o) = 0;
    dropped.push_back(ObjectRef::adopt(o));
  }

  // `next` takes `current`'s chain link, queue place and frequency.
  void swap_in(CacheObject* current, CacheObject* next, std::uint64_t charge, Dropped& dropped) {
    CacheObject** link = link_to(current);
    L::hash(*next) = L::hash(*current);
    L::chain(*next) = L::chain(*current);
    *link = next;
    L::chain(*current) = nullptr;
    L::charge(*next) = charge;
    L::bits(*next) = L::bits(*current);
    queue_of(*current).swap_in(current, next);
    subtract_from(bytes, L::charge(*current));
    add_to(bytes, charge);
    if (current->has_tags()) tags->remove(*current);
    if (next->has_tags()) tags->add(*next);
    L::bits(*current) = 0;
    dropped.push_back(ObjectRef::adopt(current));
  }

  void recharge(CacheObject& o, std::uint64_t charge) noexcept {
    Fifo& q = queue_of(o);
    q.bytes = q.bytes - L::charge(o) + charge;
    subtract_from(bytes, L::charge(o));
    add_to(bytes, charge);
    L::charge(o) = charge;
  }

  // Quick demotion: an object not hit since it entered leaves after a short stay in small and
  // only its key hash is kept; one that was hit earns a place in main (lazy promotion).
  void evict_from_small(Dropped& dropped) {
    while (CacheObject* o = small.tail) {
      if (frequency(*o) > 0) {
        small.unlink(o);
        L::bits(*o) = static_cast<std::uint8_t>((L::bits(*o) & ~kFrequencyMask) | kInMain);
        main.push_head(o);
        continue;
      }
      ghost.add(std::hash<std::string_view>{}(o->key()), L::charge(*o));
      remove(o, dropped);
      add_to(evictions, 1);
      return;
    }
  }

  // FIFO with reinsertion: each hit buys one more pass through main. Terminates because every
  // reinsertion lowers a frequency that no one raises meanwhile (we hold the lock).
  void evict_from_main(Dropped& dropped) {
    while (CacheObject* o = main.tail) {
      if (frequency(*o) > 0) {
        set_frequency(*o, static_cast<std::uint8_t>(frequency(*o) - 1));
        main.unlink(o);
        main.push_head(o);
        continue;
      }
      remove(o, dropped);
      add_to(evictions, 1);
      return;
    }
  }

  // Evicts until `incoming` more bytes fit within the budget.
  void make_room(std::uint64_t incoming, Dropped& dropped) {
    while (bytes.load(std::memory_order_relaxed) + incoming > capacity) {
      if (small.tail && (small.bytes >= small_target || !main.tail)) {
        evict_from_small(dropped);
      } else if (main.tail) {
        evict_from_main(dropped);
      } else {
        return;
      }
    }
  }

  // Applies a purge to one stored object; true when it counts (a response).
  bool invalidate(CacheObject* o, Invalidation how, SysTime now, Dropped& dropped) {
    const bool response = o->kind() == ObjectKind::kResponse;
    if (how == Invalidation::kRemove) {
      remove(o, dropped);
    } else if (response) {
      o->mark_stale(now);
    }
    return response;
  }

  void release_all() noexcept {
    for (Fifo* q : {&small, &main}) {
      for (CacheObject* o = q->head; o;) {
        CacheObject* next = L::older(*o);
        L::bits(*o) = 0;
        o->release();
        o = next;
      }
    }
  }
};

RamStore::RamStore(std::uint64_t capacity_bytes, std::size_t shards)
    : capacity_(capacity_bytes),
      shard_count_(std::max<std::size_t>(shards, 1)),
      shards_(std::make_unique<Shard[]>(shard_count_)),
      tags_(std::make_unique<TagIndex>()) {
  // The remainder goes to the first shards so the budgets add up to exactly capacity_bytes.
  const std::uint64_t share = capacity_ / shard_count_;
  const std::uint64_t remainder = capacity_ % shard_count_;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    shards_[i].set_capacity(share + (i < remainder ? 1 : 0));
    shards_[i].tags = tags_.get();
  }
}

RamStore::~RamStore() {
  for (std::size_t i = 0; i < shard_count_; ++i)
    shards_[i].release_all();
}

RamStore::Shard& RamStore::shard_for(std::size_t hash) const noexcept {
  // Mix before reducing: buckets use the low bits, the shard choice must not correlate.
  std::uint64_t h = hash;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return shards_[h % shard_count_];
}

RamStore::Shard& RamStore::shard_of(const CacheObject& object) const noexcept {
  return shard_for(primary_hash(object.key()));
}

ObjectRef RamStore::lookup(std::string_view key) {
  const std::uint32_t hash = primary_hash(key);
  Shard& shard = shard_for(hash);
  std::lock_guard lock(shard.mutex);
  CacheObject** link = shard.find(hash, key);
  if (link == nullptr) {
    add_to(shard.misses, 1);
    return nullptr;
  }
  CacheObject& o = **link;
  if (frequency(o) < kMaxFrequency) set_frequency(o, static_cast<std::uint8_t>(frequency(o) + 1));
  add_to(shard.hits, 1);
  return ObjectRef(&o);
}

void RamStore::insert(ObjectRef object, std::uint64_t charge) {
  const std::string_view key = object->key();
  const std::uint32_t hash = primary_hash(key);
  Shard& shard = shard_for(hash);
  Dropped dropped;  // declared before the lock, so released after it
  std::lock_guard lock(shard.mutex);
  CacheObject** link = shard.find(hash, key);
  CacheObject* existing = link ? *link : nullptr;
  if (existing == object.get()) {
    shard.recharge(*existing, charge);
    shard.make_room(0, dropped);
    return;
  }
  assert(!is_stored(*object));
  if (charge > shard.capacity) {
    if (existing) shard.remove(existing, dropped);
    dropped.push_back(std::move(object));
    return;
  }
  if (existing) {
    shard.swap_in(existing, object.release_ownership(), charge, dropped);
    shard.make_room(0, dropped);
    return;
  }
  shard.make_room(charge, dropped);
  // The ghost remembers whole keys (variants apart), by their full hash.
  const bool seen_recently = shard.ghost.take(std::hash<std::string_view>{}(key));
  shard.link(object.release_ownership(), hash, charge, seen_recently);
}

bool RamStore::replace(const CacheObject& current, ObjectRef replacement, std::uint64_t charge) {
  assert(current.key() == replacement->key());
  Shard& shard = shard_of(current);
  Dropped dropped;
  dropped.push_back(std::move(replacement));  // released after the lock unless stored
  std::lock_guard lock(shard.mutex);
  if (!is_stored(current)) return false;
  auto* stored = const_cast<CacheObject*>(&current);
  if (charge > shard.capacity) {
    shard.remove(stored, dropped);
    return true;
  }
  shard.swap_in(stored, dropped.front().release_ownership(), charge, dropped);
  shard.make_room(0, dropped);
  return true;
}

bool RamStore::erase(std::string_view key) {
  const std::uint32_t hash = primary_hash(key);
  Shard& shard = shard_for(hash);
  Dropped dropped;
  std::lock_guard lock(shard.mutex);
  CacheObject** link = shard.find(hash, key);
  if (link == nullptr) return false;
  shard.remove(*link, dropped);
  return true;
}

bool RamStore::erase_object(const CacheObject& object) {
  Shard& shard = shard_of(object);
  Dropped dropped;
  std::lock_guard lock(shard.mutex);
  if (!is_stored(object)) return false;
  shard.remove(const_cast<CacheObject*>(&object), dropped);
  return true;
}

void RamStore::update_charge(const CacheObject& object, std::uint64_t new_charge) {
  Shard& shard = shard_of(object);
  Dropped dropped;
  std::lock_guard lock(shard.mutex);
  if (!is_stored(object)) return;
  auto* stored = const_cast<CacheObject*>(&object);
  if (new_charge > shard.capacity) {
    shard.remove(stored, dropped);
    return;
  }
  shard.recharge(*stored, new_charge);
  shard.make_room(0, dropped);
}

std::size_t RamStore::invalidate_primary(std::string_view primary_key, Invalidation how,
                                         SysTime now) {
  const std::uint32_t hash = primary_hash(primary_key);
  Shard& shard = shard_for(hash);
  Dropped dropped;
  std::lock_guard lock(shard.mutex);
  if (shard.buckets.empty()) return 0;
  std::vector<CacheObject*> matches;
  for (CacheObject* o = shard.bucket(hash); o; o = L::chain(*o)) {
    if (L::hash(*o) == hash && key_primary(o->key()) == primary_key) matches.push_back(o);
  }
  std::size_t count = 0;
  for (CacheObject* o : matches)
    count += shard.invalidate(o, how, now, dropped) ? 1 : 0;
  return count;
}

bool RamStore::mark_if_stored(const CacheObject& object, SysTime now) {
  Shard& shard = shard_of(object);
  std::lock_guard lock(shard.mutex);
  if (!is_stored(object)) return false;
  const_cast<CacheObject&>(object).mark_stale(now);
  return true;
}

std::size_t RamStore::invalidate_tags(std::string_view property_id,
                                      std::span<const std::string> tags, Invalidation how,
                                      SysTime now) {
  std::string prefix;
  build_property_prefix(property_id, prefix);
  // Taken from the index first, then purged shard by shard: the index lock is never held while
  // a shard lock is taken (the store takes them the other way round).
  std::vector<ObjectRef> objects;
  for (const std::string& tag : tags) {
    auto tagged = tags_->objects(prefix, tag);
    objects.insert(objects.end(), std::make_move_iterator(tagged.begin()),
                   std::make_move_iterator(tagged.end()));
  }
  std::sort(objects.begin(), objects.end(),
            [](const ObjectRef& a, const ObjectRef& b) { return a.get() < b.get(); });
  objects.erase(std::unique(objects.begin(), objects.end()), objects.end());
  std::size_t count = 0;
  for (const ObjectRef& object : objects) {
    const bool done =
        how == Invalidation::kRemove ? erase_object(*object) : mark_if_stored(*object, now);
    if (done && object->kind() == ObjectKind::kResponse) ++count;
  }
  return count;
}

std::size_t RamStore::invalidate_if(const ObjectPredicate& pred, Invalidation how, SysTime now) {
  std::size_t count = 0;
  std::vector<CacheObject*> matches;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    Shard& shard = shards_[i];
    Dropped dropped;
    std::lock_guard lock(shard.mutex);
    matches.clear();
    for (const Fifo* q : {&shard.small, &shard.main}) {
      for (CacheObject* o = q->head; o; o = L::older(*o)) {
        if (pred(*o)) matches.push_back(o);
      }
    }
    for (CacheObject* o : matches)
      count += shard.invalidate(o, how, now, dropped) ? 1 : 0;
  }
  return count;
}

namespace {

template <typename Field>
std::uint64_t sum_over(const auto* shards, std::size_t count, Field field) noexcept {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < count; ++i)
    total += (shards[i].*field).load(std::memory_order_relaxed);
  return total;
}

}  // namespace

std::size_t RamStore::objects() const noexcept {
  return sum_over(shards_.get(), shard_count_, &Shard::objects);
}
std::uint64_t RamStore::bytes() const noexcept {
  return sum_over(shards_.get(), shard_count_, &Shard::bytes);
}
std::uint64_t RamStore::evictions() const noexcept {
  return sum_over(shards_.get(), shard_count_, &Shard::evictions);
}
std::uint64_t RamStore::hits() const noexcept {
  return sum_over(shards_.get(), shard_count_, &Shard::hits);
}
std::uint64_t RamStore::misses() const noexcept {
  return sum_over(shards_.get(), shard_count_, &Shard::misses);
}
std::size_t RamStore::tag_count() const {
  return tags_->tags();
}

std::size_t RamStore::metadata_bytes_per_object() noexcept {
  // The object heap's 8-byte block header plus at most 7 bytes of rounding (objects too large
  // for it, or under AddressSanitizer, come from malloc: 8 to 23 bytes, 16 on average).
  constexpr std::size_t kAllocationOverhead = 16;
  // Buckets are doubled when they are as many as the objects: one or two slots per object.
  constexpr std::size_t kBucketShare = 2 * sizeof(CacheObject*);
  // Ghost, once the cache evicts: about one entry per object, a 4-byte charge in the FIFO and an
  // 8-byte table slot at least 3/8 full.
  constexpr std::size_t kGhostShare = sizeof(std::uint32_t) + sizeof(std::uint64_t) * 8 / 3;
  return sizeof(CacheObject) + kAllocationOverhead + kBucketShare + kGhostShare;
}

}  // namespace candela::cache
