// The edge's in-memory object index: sharded, bounded in bytes, evicting with S3-FIFO.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace candela::cache {

class CacheObject;

// Maps cache keys to objects shared by every event loop of the edge.
//
// Sharding: keys are spread over `shards` shards by hash; each shard has its own mutex, its own
// S3-FIFO queues and an equal share of the byte budget, so threads rarely contend and a lock is
// held only for a hash-map probe (lookup) or a few list operations (insert, evict).
//
// Eviction (S3-FIFO, Yang et al., SOSP 2023), per shard: new keys enter a small FIFO (10% of the
// shard's bytes); a hit raises the object's frequency (at most 3). When the small queue is over
// its share, its oldest object moves to the main FIFO if it was hit since insertion, otherwise it
// is dropped and its key hash is remembered in a ghost FIFO (as many bytes' worth as the main
// queue). A key found in the ghost on insertion goes straight to main. Main's oldest object is
// reinserted at the head with its frequency decremented while that frequency is above zero, and
// dropped otherwise. Dropping only removes the index entry: readers that already hold the
// shared_ptr keep streaming the object safely.
//
// Metadata per object (64-bit libstdc++/glibc; the key's own heap bytes count as "key"):
//   map node: next pointer 8 + std::string 32 + Entry 56 = 96 bytes, a 112-byte malloc chunk,
//     plus its bucket slot, 8 to 16 bytes depending on where the table is in its growth cycle;
//   ghost: a 16-byte deque slot + a 32-byte hash-map node chunk + 8 to 16 bytes of bucket, in
//     steady state about one per cached object (the ghost remembers main's worth of bytes).
// That is 176 to 192 bytes, within the 200-byte target; metadata_bytes_per_object() returns the
// upper bound from the actual type sizes, and a unit test measured 174 bytes per object with
// the ghost full.
class RamStore {
 public:
  using Predicate =
      std::function<bool(std::string_view key, const std::shared_ptr<CacheObject>& object)>;

  explicit RamStore(std::uint64_t capacity_bytes, std::size_t shards = 16);
  ~RamStore();
  RamStore(const RamStore&) = delete;
  RamStore& operator=(const RamStore&) = delete;

  // The hit path: no allocation, one short critical section. Null on a miss.
  std::shared_ptr<CacheObject> lookup(std::string_view key);

  // Stores object under key, evicting as needed. An existing entry is replaced in place: it
  // keeps its queue position and frequency, since the key has proven popular. An object whose
  // charge exceeds a shard's budget is not stored, and any older entry under key is removed
  // (it is the stale version of what the caller is replacing).
  void insert(std::string_view key, std::shared_ptr<CacheObject> object, std::uint64_t charge);

  // True if an entry was removed.
  bool erase(std::string_view key);

  // Re-accounts an object that grew (or shrank) while filling and evicts as needed; may evict
  // the object itself. If it no longer fits in a shard at all it is removed. When only is not
  // null, the entry is changed only if it still holds that object, so a slow filler cannot
  // re-charge a newer object stored under the same key meanwhile.
  void update_charge(std::string_view key, std::uint64_t new_charge,
                     const CacheObject* only = nullptr);

  // Removes every entry for which pred returns true; returns how many. Scans all shards; pred
  // runs under a shard lock and must not call back into this store.
  std::size_t erase_if(const Predicate& pred);

  std::size_t objects() const noexcept;
  std::uint64_t bytes() const noexcept;
  std::uint64_t capacity() const noexcept { return capacity_; }
  std::uint64_t evictions() const noexcept;
  std::uint64_t hits() const noexcept;
  std::uint64_t misses() const noexcept;
  std::size_t shard_count() const noexcept { return shard_count_; }

  // Estimated index bytes per cached object beyond key, headers and body (see class comment).
  static std::size_t metadata_bytes_per_object() noexcept;

 private:
  struct Shard;
  Shard& shard_for(std::size_t hash) const noexcept;

  const std::uint64_t capacity_;
  const std::size_t shard_count_;
  const std::unique_ptr<Shard[]> shards_;
};

}  // namespace candela::cache
