// The edge's in-memory object index: sharded, bounded in bytes, evicting with S3-FIFO.
#include "cache/ram_store.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace candela::cache {

namespace {

constexpr std::uint8_t kMaxFrequency = 3;
constexpr std::uint64_t kSmallQueuePercent = 10;

std::size_t hash_key(std::string_view key) noexcept {
  return std::hash<std::string_view>{}(key);
}

// A key with its hash already computed: the shard choice and the map probe share one hash.
struct HashedKey {
  std::string_view key;
  std::size_t hash;
};

// Transparent hash and equality let lookup() probe with a string_view, never building a string.
struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(const HashedKey& k) const noexcept { return k.hash; }
  std::size_t operator()(std::string_view k) const noexcept { return hash_key(k); }
};

struct KeyEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
  bool operator()(const HashedKey& a, std::string_view b) const noexcept { return a.key == b; }
  bool operator()(std::string_view a, const HashedKey& b) const noexcept { return a == b.key; }
};

enum class Queue : std::uint8_t { kSmall, kMain };

// The value of one map node; the queues link entries intrusively so no second allocation is made.
struct Entry {
  std::shared_ptr<CacheObject> object;
  std::uint64_t charge = 0;
  Entry* newer = nullptr;
  Entry* older = nullptr;
  const std::string* key = nullptr;  // the owning node's key, to find the node when evicting
  std::uint8_t frequency = 0;
  Queue queue = Queue::kSmall;
};

using Map = std::unordered_map<std::string, Entry, KeyHash, KeyEqual>;

// An intrusive FIFO: push at the head, evict from the tail, unlink from anywhere in O(1).
struct Fifo {
  Entry* head = nullptr;  // newest
  Entry* tail = nullptr;  // oldest
  std::uint64_t bytes = 0;

  void push_head(Entry* e) noexcept {
    e->newer = nullptr;
    e->older = head;
    if (head) head->newer = e;
    head = e;
    if (!tail) tail = e;
    bytes += e->charge;
  }

  void unlink(Entry* e) noexcept {
    (e->newer ? e->newer->older : head) = e->older;
    (e->older ? e->older->newer : tail) = e->newer;
    e->newer = e->older = nullptr;
    bytes -= e->charge;
  }
};

// Hashes of keys recently evicted from the small queue, bounded by their total charge. A slot's
// sequence number is implicit (slots are numbered in push order), so a slot is 16 bytes; live_
// maps a hash to the sequence of its newest slot, which tells a live slot from a stale one.
class Ghost {
 public:
  void set_capacity(std::uint64_t bytes) noexcept { capacity_ = bytes; }

  void add(std::size_t hash, std::uint64_t charge) {
    if (charge > capacity_) return;
    slots_.push_back({hash, charge});
    live_[hash] = pushed_++;
    bytes_ += charge;
    while (bytes_ > capacity_) {
      const Slot& oldest = slots_.front();
      const auto it = live_.find(oldest.hash);
      if (it != live_.end() && it->second == popped_) live_.erase(it);
      bytes_ -= oldest.charge;
      slots_.pop_front();
      ++popped_;
    }
  }

  // True, and forgets the hash, if it was remembered. Its slot keeps counting against the
  // capacity until it reaches the front, which keeps the deque bounded.
  bool take(std::size_t hash) {
    const auto it = live_.find(hash);
    if (it == live_.end()) return false;
    live_.erase(it);
    return true;
  }

  struct Slot {
    std::size_t hash;
    std::uint64_t charge;
  };

 private:
  std::deque<Slot> slots_;
  std::unordered_map<std::size_t, std::uint64_t> live_;
  std::uint64_t bytes_ = 0;
  std::uint64_t capacity_ = 0;
  std::uint64_t pushed_ = 0;
  std::uint64_t popped_ = 0;
};

// Counters written only under the shard lock and read without it by the stats accessors.
void add_to(std::atomic<std::uint64_t>& counter, std::uint64_t n) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

void subtract_from(std::atomic<std::uint64_t>& counter, std::uint64_t n) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
}

// Objects removed under a lock are released after it: the last reference may free a large body.
using Dropped = std::vector<std::shared_ptr<CacheObject>>;

std::size_t malloc_chunk(std::size_t request) noexcept {
  // glibc on 64-bit: 8-byte header, 16-byte granularity, 32-byte minimum chunk.
  return std::max<std::size_t>(32, (request + 8 + 15) / 16 * 16);
}

}  // namespace

// Cache-line aligned so two busy shards never share a line.
struct alignas(64) RamStore::Shard {
  std::mutex mutex;
  Map map;
  Fifo small;
  Fifo main;
  Ghost ghost;
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

  Fifo& queue_of(const Entry& e) noexcept { return e.queue == Queue::kSmall ? small : main; }

  void remove(Map::iterator it, Dropped& dropped) {
    Entry& e = it->second;
    queue_of(e).unlink(&e);
    subtract_from(bytes, e.charge);
    subtract_from(objects, 1);
    dropped.push_back(std::move(e.object));
    map.erase(it);
  }

  void remove(Entry* e, Dropped& dropped) { remove(map.find(std::string_view(*e->key)), dropped); }

  void recharge(Entry& e, std::uint64_t charge) noexcept {
    Fifo& q = queue_of(e);
    q.bytes = q.bytes - e.charge + charge;
    subtract_from(bytes, e.charge);
    add_to(bytes, charge);
    e.charge = charge;
  }

  // Quick demotion: an object not hit since it entered leaves after a short stay in small and
  // only its key hash is kept; one that was hit earns a place in main (lazy promotion).
  void evict_from_small(Dropped& dropped) {
    while (Entry* e = small.tail) {
      if (e->frequency > 0) {
        small.unlink(e);
        e->frequency = 0;
        e->queue = Queue::kMain;
        main.push_head(e);
        continue;
      }
      ghost.add(hash_key(*e->key), e->charge);
      remove(e, dropped);
      add_to(evictions, 1);
      return;
    }
  }

  // FIFO with reinsertion: each hit buys one more pass through main. Terminates because every
  // reinsertion lowers a frequency that no one raises meanwhile (we hold the lock).
  void evict_from_main(Dropped& dropped) {
    while (Entry* e = main.tail) {
      if (e->frequency > 0) {
        --e->frequency;
        main.unlink(e);
        main.push_head(e);
        continue;
      }
      remove(e, dropped);
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
};

RamStore::RamStore(std::uint64_t capacity_bytes, std::size_t shards)
    : capacity_(capacity_bytes),
      shard_count_(std::max<std::size_t>(shards, 1)),
      shards_(std::make_unique<Shard[]>(shard_count_)) {
  // The remainder goes to the first shards so the budgets add up to exactly capacity_bytes.
  const std::uint64_t share = capacity_ / shard_count_;
  const std::uint64_t remainder = capacity_ % shard_count_;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    shards_[i].set_capacity(share + (i < remainder ? 1 : 0));
  }
}

RamStore::~RamStore() = default;

RamStore::Shard& RamStore::shard_for(std::size_t hash) const noexcept {
  // Mix before reducing: the map's buckets use hash % prime, the shard choice must not correlate.
  std::uint64_t h = hash;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return shards_[h % shard_count_];
}

std::shared_ptr<CacheObject> RamStore::lookup(std::string_view key) {
  const std::size_t hash = hash_key(key);
  Shard& shard = shard_for(hash);
  std::lock_guard lock(shard.mutex);
  const auto it = shard.map.find(HashedKey{key, hash});
  if (it == shard.map.end()) {
    add_to(shard.misses, 1);
    return nullptr;
  }
  Entry& e = it->second;
  if (e.frequency < kMaxFrequency) ++e.frequency;
  add_to(shard.hits, 1);
  return e.object;
}

void RamStore::insert(std::string_view key, std::shared_ptr<CacheObject> object,
                      std::uint64_t charge) {
  const std::size_t hash = hash_key(key);
  Shard& shard = shard_for(hash);
  Dropped dropped;  // declared before the lock, so released after it
  std::lock_guard lock(shard.mutex);
  auto it = shard.map.find(HashedKey{key, hash});
  if (charge > shard.capacity) {
    if (it != shard.map.end()) shard.remove(it, dropped);
    return;
  }
  if (it != shard.map.end()) {
    Entry& e = it->second;
    dropped.push_back(std::exchange(e.object, std::move(object)));
    shard.recharge(e, charge);
    shard.make_room(0, dropped);
    return;
  }
  shard.make_room(charge, dropped);
  const bool seen_recently = shard.ghost.take(hash);
  const auto [node, inserted] = shard.map.try_emplace(std::string(key));
  Entry& e = node->second;
  e.object = std::move(object);
  e.charge = charge;
  e.key = &node->first;
  e.queue = seen_recently ? Queue::kMain : Queue::kSmall;
  shard.queue_of(e).push_head(&e);
  add_to(shard.bytes, charge);
  add_to(shard.objects, 1);
}

bool RamStore::erase(std::string_view key) {
  const std::size_t hash = hash_key(key);
  Shard& shard = shard_for(hash);
  Dropped dropped;
  std::lock_guard lock(shard.mutex);
  const auto it = shard.map.find(HashedKey{key, hash});
  if (it == shard.map.end()) return false;
  shard.remove(it, dropped);
  return true;
}

void RamStore::update_charge(std::string_view key, std::uint64_t new_charge,
                             const CacheObject* only) {
  const std::size_t hash = hash_key(key);
  Shard& shard = shard_for(hash);
  Dropped dropped;
  std::lock_guard lock(shard.mutex);
  const auto it = shard.map.find(HashedKey{key, hash});
  if (it == shard.map.end()) return;
  Entry& e = it->second;
  if (only != nullptr && e.object.get() != only) return;
  if (new_charge > shard.capacity) {
    shard.remove(it, dropped);
    return;
  }
  shard.recharge(e, new_charge);
  shard.make_room(0, dropped);
}

std::size_t RamStore::erase_if(const Predicate& pred) {
  std::size_t erased = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    Shard& shard = shards_[i];
    Dropped dropped;
    std::lock_guard lock(shard.mutex);
    for (auto it = shard.map.begin(); it != shard.map.end();) {
      const auto next = std::next(it);
      if (pred(it->first, it->second.object)) {
        shard.remove(it, dropped);
        ++erased;
      }
      it = next;
    }
  }
  return erased;
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

std::size_t RamStore::metadata_bytes_per_object() noexcept {
  // Bucket arrays hold between one and two slots per element (libstdc++ doubles past load
  // factor 1); count two, the worst case right after a rehash.
  constexpr std::size_t kBucketShare = 2 * sizeof(void*);
  // Map node: next pointer, the (key, entry) pair, and a cached hash code (counted even though
  // libstdc++ skips it for a noexcept hash, to stay on the safe side).
  const std::size_t node =
      malloc_chunk(sizeof(void*) + sizeof(Map::value_type) + sizeof(std::size_t)) + kBucketShare;
  // Ghost: one deque slot and one node of the hash -> sequence map, at most one per evicted
  // object kept; in steady state about as many as the shard holds objects.
  const std::size_t ghost =
      sizeof(Ghost::Slot) +
      malloc_chunk(sizeof(void*) + sizeof(std::pair<const std::size_t, std::uint64_t>)) +
      kBucketShare;
  return node + ghost;
}

}  // namespace candela::cache
