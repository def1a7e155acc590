// Tests of RamStore: the map contract, the byte bound, S3-FIFO admission, threads and memory.
#include "cache/ram_store.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>
#include <vector>

// Counts this thread's heap use so tests can prove the hit path allocates nothing and measure the
// index's real bytes per object. Replacing the global operator new is process-wide, but counting
// is per thread and costs nothing to the other tests of this binary.
namespace {
thread_local std::uint64_t t_allocations = 0;
thread_local std::int64_t t_live_bytes = 0;

void* counted_alloc(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  ++t_allocations;
  t_live_bytes += static_cast<std::int64_t>(malloc_usable_size(p) + sizeof(void*));
  return p;
}

void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  t_live_bytes -= static_cast<std::int64_t>(malloc_usable_size(p) + sizeof(void*));
  std::free(p);
}
}  // namespace

// The replacements below pair malloc with free on purpose; GCC 12 at -O3 inlines them and
// wrongly reports a new/free mismatch (GCC bug 100861).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  return counted_alloc(n);
}
void* operator new[](std::size_t n) {
  return counted_alloc(n);
}
void operator delete(void* p) noexcept {
  counted_free(p);
}
void operator delete[](void* p) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  counted_free(p);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace candela::cache {
namespace {

// The real CacheObject (cache_object.hpp) may be compiled into this same test binary, so these
// tests never define one: an object is an int owned by a shared_ptr, seen through an aliasing
// pointer to the (incomplete) CacheObject type that RamStore never dereferences.
std::shared_ptr<CacheObject> make_object(int id) {
  auto holder = std::make_shared<int>(id);
  return {holder, reinterpret_cast<CacheObject*>(holder.get())};
}

int id_of(const std::shared_ptr<CacheObject>& object) {
  return *reinterpret_cast<const int*>(object.get());
}

std::string key(int i) {
  return "/k/" + std::to_string(i);
}

TEST(RamStore, InsertedObjectIsFoundByKey) {
  RamStore store(10'000);
  const auto object = make_object(7);
  store.insert("/a", object, 100);
  EXPECT_EQ(store.lookup("/a"), object);
  EXPECT_EQ(store.objects(), 1u);
  EXPECT_EQ(store.bytes(), 100u);
  EXPECT_EQ(store.capacity(), 10'000u);
}

TEST(RamStore, MissReturnsNullAndCountersTrackHitsAndMisses) {
  RamStore store(10'000);
  store.insert("/a", make_object(1), 100);
  EXPECT_EQ(store.lookup("/b"), nullptr);
  EXPECT_NE(store.lookup("/a"), nullptr);
  EXPECT_NE(store.lookup("/a"), nullptr);
  EXPECT_EQ(store.hits(), 2u);
  EXPECT_EQ(store.misses(), 1u);
}

TEST(RamStore, InsertUnderAnExistingKeyReplacesTheObjectAndItsCharge) {
  RamStore store(10'000);
  store.insert("/a", make_object(1), 100);
  store.insert("/a", make_object(2), 300);
  EXPECT_EQ(id_of(store.lookup("/a")), 2);
  EXPECT_EQ(store.objects(), 1u);
  EXPECT_EQ(store.bytes(), 300u);
}

TEST(RamStore, ByteBoundHoldsAfterEveryInsert) {
  RamStore store(20'000, 4);
  for (int i = 0; i < 3000; ++i) {
    store.insert(key(i), make_object(i), 1 + (i * 37) % 900);
    if (i % 3 == 0) store.lookup(key(i / 2));
    ASSERT_LE(store.bytes(), store.capacity()) << "after insert " << i;
  }
  EXPECT_GT(store.evictions(), 0u);
  EXPECT_GT(store.objects(), 0u);
}

TEST(RamStore, EraseRemovesTheEntryAndReleasesItsBytes) {
  RamStore store(10'000);
  store.insert("/a", make_object(1), 100);
  store.insert("/b", make_object(2), 200);
  EXPECT_TRUE(store.erase("/a"));
  EXPECT_FALSE(store.erase("/a"));
  EXPECT_EQ(store.lookup("/a"), nullptr);
  EXPECT_EQ(store.objects(), 1u);
  EXPECT_EQ(store.bytes(), 200u);
}

TEST(RamStore, ReaderHoldingAnEvictedObjectKeepsIt) {
  RamStore store(10'000);
  store.insert("/a", make_object(42), 100);
  const auto held = store.lookup("/a");
  ASSERT_TRUE(store.erase("/a"));
  EXPECT_EQ(id_of(held), 42);
  EXPECT_EQ(held.use_count(), 1);
}

TEST(RamStore, GrowingChargeEvictsOthersToStayWithinBudget) {
  RamStore store(1000, 1);
  store.insert("/a", make_object(1), 300);
  store.insert("/b", make_object(2), 300);
  store.insert("/c", make_object(3), 300);
  store.update_charge("/c", 600);
  EXPECT_LE(store.bytes(), 1000u);
  EXPECT_GE(store.evictions(), 1u);
  EXPECT_EQ(store.lookup("/a"), nullptr);  // the oldest, never hit, goes first
  EXPECT_NE(store.lookup("/c"), nullptr);
}

TEST(RamStore, ChargeGrowingBeyondTheShardBudgetRemovesTheObject) {
  RamStore store(1000, 1);
  store.insert("/a", make_object(1), 300);
  store.update_charge("/a", 1001);
  EXPECT_EQ(store.lookup("/a"), nullptr);
  EXPECT_EQ(store.bytes(), 0u);
  EXPECT_EQ(store.objects(), 0u);
}

TEST(RamStore, UpdateChargeForAReplacedObjectIsIgnored) {
  RamStore store(10'000, 1);
  const auto old_object = make_object(1);
  store.insert("/a", old_object, 100);
  store.insert("/a", make_object(2), 200);
  store.update_charge("/a", 5000, old_object.get());
  EXPECT_EQ(store.bytes(), 200u);
  store.update_charge("/a", 5000);
  EXPECT_EQ(store.bytes(), 5000u);
}

TEST(RamStore, ObjectLargerThanAShardBudgetIsNotStoredAndDropsTheStaleVersion) {
  RamStore store(1000, 2);  // 500 bytes per shard
  store.insert("/big", make_object(1), 501);
  EXPECT_EQ(store.lookup("/big"), nullptr);
  EXPECT_EQ(store.objects(), 0u);
  store.insert("/a", make_object(2), 100);
  store.insert("/a", make_object(3), 600);
  EXPECT_EQ(store.lookup("/a"), nullptr);
  EXPECT_EQ(store.bytes(), 0u);
}

// With one shard of 1000 bytes and 100-byte objects: 10 objects fit, the small queue's share is
// 100 bytes, the ghost remembers 900 bytes' worth of keys.
TEST(RamStore, ObjectHitWhileInSmallIsPromotedAndSurvivesAFloodOfOneHitWonders) {
  RamStore store(1000, 1);
  store.insert("/hot", make_object(1), 100);
  store.insert("/cold", make_object(2), 100);
  ASSERT_NE(store.lookup("/hot"), nullptr);
  for (int i = 0; i < 100; ++i)
    store.insert(key(i), make_object(i), 100);
  EXPECT_NE(store.lookup("/hot"), nullptr);
  EXPECT_EQ(store.lookup("/cold"), nullptr);
}

TEST(RamStore, KeySeenInTheGhostIsReadmittedStraightIntoMain) {
  RamStore store(1000, 1);
  store.insert("/again", make_object(1), 100);
  for (int i = 0; i < 10; ++i)
    store.insert(key(i), make_object(i), 100);
  ASSERT_EQ(store.lookup("/again"), nullptr);  // evicted from small, remembered in the ghost

  store.insert("/again", make_object(2), 100);  // ghost hit: main
  store.insert("/new", make_object(3), 100);    // never seen: small
  for (int i = 100; i < 200; ++i)
    store.insert(key(i), make_object(i), 100);
  EXPECT_NE(store.lookup("/again"), nullptr);
  EXPECT_EQ(store.lookup("/new"), nullptr);
}

TEST(RamStore, MainReinsertsHitObjectsAndEvictsTheUnhitOnes) {
  RamStore store(1000, 1);
  // k0..k8 are hit while in small, so the next eviction from small promotes all of them.
  for (int i = 0; i < 9; ++i)
    store.insert(key(i), make_object(i), 100);
  for (int i = 0; i < 9; ++i)
    ASSERT_NE(store.lookup(key(i)), nullptr);
  store.insert("/n0", make_object(100), 100);
  store.insert("/n1", make_object(101), 100);  // promotes k0..k8, drops /n0
  // k0..k3 earn one more pass through main; each promoted /m_i then costs main one object.
  for (int i = 0; i < 4; ++i)
    ASSERT_NE(store.lookup(key(i)), nullptr);
  for (int i = 0; i < 6; ++i) {
    const std::string m = "/m" + std::to_string(i);
    store.insert(m, make_object(200 + i), 100);
    ASSERT_NE(store.lookup(m), nullptr);
  }
  for (int i = 0; i < 4; ++i)
    EXPECT_NE(store.lookup(key(i)), nullptr) << i;
  for (int i = 4; i < 9; ++i)
    EXPECT_EQ(store.lookup(key(i)), nullptr) << i;
  EXPECT_LE(store.bytes(), 1000u);
}

TEST(RamStore, EraseIfRemovesEveryMatchingEntry) {
  RamStore store(100'000);
  for (int i = 0; i < 5; ++i)
    store.insert("/img/" + std::to_string(i), make_object(i), 10);
  store.insert("/css/site.css", make_object(9), 10);
  const auto erased = store.erase_if([](std::string_view k, const std::shared_ptr<CacheObject>&) {
    return k.starts_with("/img/");
  });
  EXPECT_EQ(erased, 5u);
  EXPECT_EQ(store.objects(), 1u);
  EXPECT_EQ(store.bytes(), 10u);
  EXPECT_NE(store.lookup("/css/site.css"), nullptr);
}

TEST(RamStore, ConcurrentLookupsAndInsertsFromFourThreadsKeepTheIndexConsistent) {
  RamStore store(200'000, 16);
  constexpr int kKeys = 3000;
  std::atomic<int> wrong_objects{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::uint64_t x = 88172645463325252ULL + static_cast<std::uint64_t>(t);
      for (int op = 0; op < 40'000; ++op) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const int k = static_cast<int>(x % kKeys);
        const std::string name = key(k);
        switch (x >> 60) {
          case 0:
            store.insert(name, make_object(k), 100 + x % 400);
            break;
          case 1:
            store.erase(name);
            break;
          case 2:
            store.update_charge(name, 100 + (x >> 8) % 400);
            break;
          default:
            if (const auto object = store.lookup(name); object && id_of(object) != k) {
              ++wrong_objects;
            }
        }
      }
    });
  }
  for (auto& thread : threads)
    thread.join();

  EXPECT_EQ(wrong_objects.load(), 0);
  EXPECT_LE(store.bytes(), store.capacity());
  EXPECT_GT(store.hits(), 0u);
  const std::size_t objects = store.objects();
  const std::size_t erased = store.erase_if([](auto, const auto&) { return true; });
  EXPECT_EQ(erased, objects);
  EXPECT_EQ(store.objects(), 0u);
  EXPECT_EQ(store.bytes(), 0u);
}

TEST(RamStore, LookupHitAndMissAllocateNothing) {
  RamStore store(1'000'000);
  const std::string long_key(200, 'k');  // too long for the small-string buffer
  store.insert(long_key, make_object(1), 100);
  const auto before = t_allocations;
  for (int i = 0; i < 100; ++i) {
    EXPECT_NE(store.lookup(long_key), nullptr);
    EXPECT_EQ(store.lookup(std::string_view(long_key).substr(1)), nullptr);
  }
  EXPECT_EQ(t_allocations, before);
}

TEST(RamStore, MetadataEstimatePerObjectStaysWithin200Bytes) {
  EXPECT_LE(RamStore::metadata_bytes_per_object(), 200u);
}

// Measures what the index really allocates per cached object once the ghost is full: keys fit the
// small-string buffer (no key heap), objects are allocated before the baseline and kept alive.
TEST(RamStore, MeasuredMetadataPerObjectStaysWithin200Bytes) {
  constexpr int kObjects = 40'000;
  std::vector<std::shared_ptr<CacheObject>> objects;
  std::vector<std::string> keys;
  objects.reserve(kObjects);
  keys.reserve(kObjects);
  for (int i = 0; i < kObjects; ++i) {
    objects.push_back(make_object(i));
    keys.push_back("k" + std::to_string(i));
  }
  // 16 shards of 1000 objects of 1000 bytes: 16,000 stay, 24,000 pass through the ghost.
  RamStore store(16'000'000, 16);
  const auto baseline = t_live_bytes;
  for (int i = 0; i < kObjects; ++i)
    store.insert(keys[i], objects[i], 1000);
  const auto per_object =
      static_cast<double>(t_live_bytes - baseline) / static_cast<double>(store.objects());
  std::printf("RamStore metadata: %.1f bytes per object measured (%zu estimated), %zu objects\n",
              per_object, RamStore::metadata_bytes_per_object(), store.objects());
  EXPECT_GT(store.evictions(), 20'000u);
  EXPECT_LE(per_object, 200.0);
  EXPECT_LE(per_object, static_cast<double>(RamStore::metadata_bytes_per_object()));
}

}  // namespace
}  // namespace candela::cache
