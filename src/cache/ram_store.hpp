// The edge's in-memory object index: sharded, bounded in bytes, evicting with S3-FIFO.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "cache/object_ref.hpp"
#include "common/clock.hpp"

namespace candela::cache {

class CacheObject;
class TagIndex;

// Maps cache keys to objects shared by every event loop of the edge.
//
// Intrusive: the store allocates nothing per object. Each CacheObject carries the store's
// hash-chain link, its S3-FIFO queue links, its frequency and its charge (cache_object.hpp), and
// the key is the one stored inside the object. A shard's index is an array of bucket heads
// (power of two, load factor 1/2 to 1). Variant keys (primary key + kVariantSeparator +
// secondary key) are hashed by their primary key, so all variants of a URL share one bucket
// chain: purging a URL walks that chain and never scans the store.
//
// Sharding: keys are spread over `shards` shards by hash; each shard has its own mutex, its own
// S3-FIFO queues and an equal share of the byte budget, so threads rarely contend and a lock is
// held only for a chain walk (lookup) or a few list operations (insert, evict).
//
// Eviction (S3-FIFO, Yang et al., SOSP 2023), per shard: new keys enter a small FIFO (10% of the
// shard's bytes); a hit raises the object's frequency (at most 3). When the small queue is over
// its share, its oldest object moves to the main FIFO if it was hit since insertion, otherwise it
// is dropped and its key hash is remembered in a ghost FIFO (as many bytes' worth as the main
// queue, see ghost.hpp). A key found in the ghost on insertion goes straight to main. Main's
// oldest object is reinserted at the head with its frequency decremented while that frequency is
// above zero, and dropped otherwise. Dropping only unlinks the object and releases the store's
// reference: readers that hold a reference keep streaming it safely.
//
// Metadata per object beyond key, head and body (64-bit), see metadata_bytes_per_object(): the
// object's fixed part (112 bytes), its allocation overhead in the object heap (an 8-byte header
// and rounding to 8 bytes, object_heap.hpp), a bucket slot (8 to 16) and, once the cache is full
// and evicting, about one ghost entry per object (15 to 25 bytes): 135 to 165 bytes. The unit
// test RamStoreMemory measures 137 (all stored) and 154 (evicting) for 1 KiB objects, and the
// benchmark's resident memory shows about 150 per 100-byte object. Objects that carry tags add
// their TagIndex entries (tag_index.hpp).
class RamStore {
 public:
  enum class Invalidation : std::uint8_t {
    kRemove,     // hard purge: the objects are dropped
    kMarkStale,  // soft purge: the objects become stale (CacheObject::mark_stale)
  };
  using ObjectPredicate = std::function<bool(const CacheObject& object)>;

  explicit RamStore(std::uint64_t capacity_bytes, std::size_t shards = 16);
  ~RamStore();
  RamStore(const RamStore&) = delete;
  RamStore& operator=(const RamStore&) = delete;

  // The hit path: no allocation, one short critical section. Null on a miss.
  ObjectRef lookup(std::string_view key);

  // Stores `object` under object->key(), evicting as needed. An existing entry is replaced in
  // place: the new object takes its queue position and frequency, since the key has proven
  // popular. An object whose charge exceeds a shard's budget is not stored, and any older entry
  // under the key is removed (it is the stale version of what the caller is replacing).
  // An object is stored at most once in its life.
  void insert(ObjectRef object, std::uint64_t charge);

  // Puts `replacement` (same key) in the place of `current`, if `current` is still stored.
  bool replace(const CacheObject& current, ObjectRef replacement, std::uint64_t charge);

  // True if an entry was removed.
  bool erase(std::string_view key);
  // Removes `object` if it is still stored (not if another object has replaced it).
  bool erase_object(const CacheObject& object);

  // Re-accounts `object` after its body grew (or shrank) and evicts as needed; may evict the
  // object itself, and removes it if it no longer fits in a shard. Ignored when the object is
  // no longer stored, so a slow filler cannot re-charge a newer object stored under its key.
  void update_charge(const CacheObject& object, std::uint64_t new_charge);

  // Purges. Each returns how many stored responses it removed or marked stale (Vary indexes and
  // hit-for-pass markers are removed by kRemove when they match, but not counted).
  // The object under `primary_key` and, with Vary, every variant of it: one chain walk.
  std::size_t invalidate_primary(std::string_view primary_key, Invalidation how, SysTime now);
  // The property's objects carrying any of `tags`: O(objects with those tags); an object with
  // several of them counts once.
  std::size_t invalidate_tags(std::string_view property_id, std::span<const std::string> tags,
                              Invalidation how, SysTime now);
  // Every object for which pred returns true: scans all shards, one at a time; pred runs under a
  // shard lock and must not call back into this store.
  std::size_t invalidate_if(const ObjectPredicate& pred, Invalidation how, SysTime now);

  std::size_t objects() const noexcept;
  std::uint64_t bytes() const noexcept;
  std::uint64_t capacity() const noexcept { return capacity_; }
  std::uint64_t evictions() const noexcept;
  std::uint64_t hits() const noexcept;
  std::uint64_t misses() const noexcept;
  std::size_t shard_count() const noexcept { return shard_count_; }
  // Distinct (property, tag) pairs indexed.
  std::size_t tag_count() const;

  // Estimated bytes per cached object beyond key, Vary names, head and body (see the class
  // comment); also what CacheObject::charge() adds for each object.
  static std::size_t metadata_bytes_per_object() noexcept;

 private:
  struct Shard;
  Shard& shard_for(std::size_t hash) const noexcept;
  Shard& shard_of(const CacheObject& object) const noexcept;
  bool mark_if_stored(const CacheObject& object, SysTime now);

  const std::uint64_t capacity_;
  const std::size_t shard_count_;
  const std::unique_ptr<Shard[]> shards_;
  const std::unique_ptr<TagIndex> tags_;
};

}  // namespace candela::cache
