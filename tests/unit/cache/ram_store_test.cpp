// Tests of RamStore: the map contract, the byte bound, S3-FIFO admission, purges, threads and
// memory.
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

#include "cache/cache_object.hpp"
#include "cache/object_heap.hpp"

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

// A complete, bodiless response stored under `key`; its status carries an id for the tests.
ObjectRef make_object(std::string_view key, int id) {
  ObjectSpec spec;
  spec.key = key;
  spec.status = id;
  spec.declared_length = 0;
  ObjectRef object = CacheObject::create(spec);
  object->finish();
  return object;
}

int id_of(const ObjectRef& object) {
  return object->status();
}

std::string key(int i) {
  return "/k/" + std::to_string(i);
}

TEST(RamStore, InsertedObjectIsFoundByKey) {
  RamStore store(10'000);
  const auto object = make_object("/a", 7);
  store.insert(object, 100);
  EXPECT_EQ(store.lookup("/a"), object);
  EXPECT_EQ(store.objects(), 1u);
  EXPECT_EQ(store.bytes(), 100u);
  EXPECT_EQ(store.capacity(), 10'000u);
}

TEST(RamStore, MissReturnsNullAndCountersTrackHitsAndMisses) {
  RamStore store(10'000);
  store.insert(make_object("/a", 1), 100);
  EXPECT_EQ(store.lookup("/b"), nullptr);
  EXPECT_NE(store.lookup("/a"), nullptr);
  EXPECT_NE(store.lookup("/a"), nullptr);
  EXPECT_EQ(store.hits(), 2u);
  EXPECT_EQ(store.misses(), 1u);
}

TEST(RamStore, InsertUnderAnExistingKeyReplacesTheObjectAndItsCharge) {
  RamStore store(10'000);
  store.insert(make_object("/a", 1), 100);
  store.insert(make_object("/a", 2), 300);
  EXPECT_EQ(id_of(store.lookup("/a")), 2);
  EXPECT_EQ(store.objects(), 1u);
  EXPECT_EQ(store.bytes(), 300u);
}

TEST(RamStore, ReplaceSwapsInTheNewObjectOnlyWhileTheOldOneIsStored) {
  RamStore store(10'000, 1);
  const auto first = make_object("/a", 1);
  store.insert(first, 100);
  EXPECT_TRUE(store.replace(*first, make_object("/a", 2), 150));
  EXPECT_EQ(id_of(store.lookup("/a")), 2);
  EXPECT_EQ(store.bytes(), 150u);
  EXPECT_FALSE(store.replace(*first, make_object("/a", 3), 150));  // first is gone already
  EXPECT_EQ(id_of(store.lookup("/a")), 2);
  EXPECT_EQ(store.objects(), 1u);
}

TEST(RamStore, ByteBoundHoldsAfterEveryInsert) {
  RamStore store(20'000, 4);
  for (int i = 0; i < 3000; ++i) {
    store.insert(make_object(key(i), i), 1 + (i * 37) % 900);
    if (i % 3 == 0) store.lookup(key(i / 2));
    ASSERT_LE(store.bytes(), store.capacity()) << "after insert " << i;
  }
  EXPECT_GT(store.evictions(), 0u);
  EXPECT_GT(store.objects(), 0u);
}

TEST(RamStore, EraseRemovesTheEntryAndReleasesItsBytes) {
  RamStore store(10'000);
  store.insert(make_object("/a", 1), 100);
  store.insert(make_object("/b", 2), 200);
  EXPECT_TRUE(store.erase("/a"));
  EXPECT_FALSE(store.erase("/a"));
  EXPECT_EQ(store.lookup("/a"), nullptr);
  EXPECT_EQ(store.objects(), 1u);
  EXPECT_EQ(store.bytes(), 200u);
}

TEST(RamStore, EraseObjectRemovesOnlyThatObject) {
  RamStore store(10'000);
  const auto old_object = make_object("/a", 1);
  store.insert(old_object, 100);
  store.insert(make_object("/a", 2), 100);
  EXPECT_FALSE(store.erase_object(*old_object));
  const auto current = store.lookup("/a");
  EXPECT_TRUE(store.erase_object(*current));
  EXPECT_EQ(store.objects(), 0u);
}

TEST(RamStore, ReaderHoldingAnEvictedObjectKeepsIt) {
  RamStore store(10'000);
  store.insert(make_object("/a", 42), 100);
  const auto held = store.lookup("/a");
  ASSERT_TRUE(store.erase("/a"));
  EXPECT_EQ(id_of(held), 42);
  EXPECT_EQ(held->key(), "/a");
}

TEST(RamStore, GrowingChargeEvictsOthersToStayWithinBudget) {
  RamStore store(1000, 1);
  store.insert(make_object("/a", 1), 300);
  store.insert(make_object("/b", 2), 300);
  const auto c = make_object("/c", 3);
  store.insert(c, 300);
  store.update_charge(*c, 600);
  EXPECT_LE(store.bytes(), 1000u);
  EXPECT_GE(store.evictions(), 1u);
  EXPECT_EQ(store.lookup("/a"), nullptr);  // the oldest, never hit, goes first
  EXPECT_NE(store.lookup("/c"), nullptr);
}

TEST(RamStore, ChargeGrowingBeyondTheShardBudgetRemovesTheObject) {
  RamStore store(1000, 1);
  const auto a = make_object("/a", 1);
  store.insert(a, 300);
  store.update_charge(*a, 1001);
  EXPECT_EQ(store.lookup("/a"), nullptr);
  EXPECT_EQ(store.bytes(), 0u);
  EXPECT_EQ(store.objects(), 0u);
}

TEST(RamStore, UpdateChargeForAReplacedObjectIsIgnored) {
  RamStore store(10'000, 1);
  const auto old_object = make_object("/a", 1);
  store.insert(old_object, 100);
  const auto new_object = make_object("/a", 2);
  store.insert(new_object, 200);
  store.update_charge(*old_object, 5000);
  EXPECT_EQ(store.bytes(), 200u);
  store.update_charge(*new_object, 5000);
  EXPECT_EQ(store.bytes(), 5000u);
}

TEST(RamStore, ObjectLargerThanAShardBudgetIsNotStoredAndDropsTheStaleVersion) {
  RamStore store(1000, 2);  // 500 bytes per shard
  store.insert(make_object("/big", 1), 501);
  EXPECT_EQ(store.lookup("/big"), nullptr);
  EXPECT_EQ(store.objects(), 0u);
  store.insert(make_object("/a", 2), 100);
  store.insert(make_object("/a", 3), 600);
  EXPECT_EQ(store.lookup("/a"), nullptr);
  EXPECT_EQ(store.bytes(), 0u);
}

// With one shard of 1000 bytes and 100-byte objects: 10 objects fit, the small queue's share is
// 100 bytes, the ghost remembers 900 bytes' worth of keys.
TEST(RamStore, ObjectHitWhileInSmallIsPromotedAndSurvivesAFloodOfOneHitWonders) {
  RamStore store(1000, 1);
  store.insert(make_object("/hot", 1), 100);
  store.insert(make_object("/cold", 2), 100);
  ASSERT_NE(store.lookup("/hot"), nullptr);
  for (int i = 0; i < 100; ++i)
    store.insert(make_object(key(i), i), 100);
  EXPECT_NE(store.lookup("/hot"), nullptr);
  EXPECT_EQ(store.lookup("/cold"), nullptr);
}

TEST(RamStore, KeySeenInTheGhostIsReadmittedStraightIntoMain) {
  RamStore store(1000, 1);
  store.insert(make_object("/again", 1), 100);
  for (int i = 0; i < 10; ++i)
    store.insert(make_object(key(i), i), 100);
  ASSERT_EQ(store.lookup("/again"), nullptr);  // evicted from small, remembered in the ghost

  store.insert(make_object("/again", 2), 100);  // ghost hit: main
  store.insert(make_object("/new", 3), 100);    // never seen: small
  for (int i = 100; i < 200; ++i)
    store.insert(make_object(key(i), i), 100);
  EXPECT_NE(store.lookup("/again"), nullptr);
  EXPECT_EQ(store.lookup("/new"), nullptr);
}

TEST(RamStore, MainReinsertsHitObjectsAndEvictsTheUnhitOnes) {
  RamStore store(1000, 1);
  // k0..k8 are hit while in small, so the next eviction from small promotes all of them.
  for (int i = 0; i < 9; ++i)
    store.insert(make_object(key(i), i), 100);
  for (int i = 0; i < 9; ++i)
    ASSERT_NE(store.lookup(key(i)), nullptr);
  store.insert(make_object("/n0", 100), 100);
  store.insert(make_object("/n1", 101), 100);  // promotes k0..k8, drops /n0
  // k0..k3 earn one more pass through main; each promoted /m_i then costs main one object.
  for (int i = 0; i < 4; ++i)
    ASSERT_NE(store.lookup(key(i)), nullptr);
  for (int i = 0; i < 6; ++i) {
    const std::string m = "/m" + std::to_string(i);
    store.insert(make_object(m, 200 + i), 100);
    ASSERT_NE(store.lookup(m), nullptr);
  }
  for (int i = 0; i < 4; ++i)
    EXPECT_NE(store.lookup(key(i)), nullptr) << i;
  for (int i = 4; i < 9; ++i)
    EXPECT_EQ(store.lookup(key(i)), nullptr) << i;
  EXPECT_LE(store.bytes(), 1000u);
}

TEST(RamStore, InvalidateIfRemovesEveryMatchingEntry) {
  RamStore store(100'000);
  for (int i = 0; i < 5; ++i)
    store.insert(make_object("/img/" + std::to_string(i), i), 10);
  store.insert(make_object("/css/site.css", 9), 10);
  const auto erased =
      store.invalidate_if([](const CacheObject& o) { return o.key().starts_with("/img/"); },
                          RamStore::Invalidation::kRemove, SysTime{});
  EXPECT_EQ(erased, 5u);
  EXPECT_EQ(store.objects(), 1u);
  EXPECT_EQ(store.bytes(), 10u);
  EXPECT_NE(store.lookup("/css/site.css"), nullptr);
}

TEST(RamStore, ConcurrentLookupsInsertsAndPurgesFromFourThreadsKeepTheIndexConsistent) {
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
            store.insert(make_object(name, k), 100 + x % 400);
            break;
          case 1:
            store.erase(name);
            break;
          case 2:
            if (const auto object = store.lookup(name)) {
              store.update_charge(*object, 100 + (x >> 8) % 400);
            }
            break;
          case 3:
            store.invalidate_primary(name, RamStore::Invalidation::kMarkStale, SysTime{});
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
  const std::size_t erased = store.invalidate_if([](const CacheObject&) { return true; },
                                                 RamStore::Invalidation::kRemove, SysTime{});
  EXPECT_EQ(erased, objects);
  EXPECT_EQ(store.objects(), 0u);
  EXPECT_EQ(store.bytes(), 0u);
}

TEST(RamStore, LookupHitAndMissAllocateNothing) {
  RamStore store(1'000'000);
  const std::string long_key(200, 'k');  // too long for any small-string buffer
  store.insert(make_object(long_key, 1), 100);
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

// The real cost of a cached object: everything allocated for 100,000 stored 1 KiB responses —
// objects, bodies, the store's buckets and ghost — minus their key, head and body bytes. Each
// object is built and filled the way the edge does it (create, append, finish, insert), so
// fill-time state that is not released would show up too. Counted: the growth of operator new
// memory as glibc's chunk sizes (usable size plus the 8-byte header), the growth of the object
// heap's used blocks (headers included) and all free space left inside the object heap's
// regions (its fragmentation; conservative, as it includes what earlier tests left).
struct MemoryCase {
  std::uint64_t capacity;
  const char* name;
};

class RamStoreMemory : public ::testing::TestWithParam<MemoryCase> {};

TEST_P(RamStoreMemory, MeasuredOverheadPerStoredObjectStaysWithin200Bytes) {
  constexpr int kObjects = 100'000;
  constexpr std::size_t kBodyBytes = 1024;
  // A head like `candela origin` sends for a 1 KiB object, with the edge's Via.
  const std::string head =
      "Date: Tue, 24 Nov 2026 22:23:59 GMT\r\n"
      "Content-Type: application/octet-stream\r\n"
      "ETag: \"bytes-400\"\r\n"
      "Last-Modified: Tue, 24 Nov 2026 22:23:59 GMT\r\n"
      "Cache-Control: public, max-age=3600\r\n"
      "Accept-Ranges: bytes\r\n"
      "Via: 1.1 edge\r\n";
  const std::string body(kBodyBytes, 'b');
  std::vector<std::string> keys;
  keys.reserve(kObjects);
  for (int i = 0; i < kObjects; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "5:bench/_origin/bytes/1024/m%06d", i);
    keys.emplace_back(name);
  }
  const std::size_t payload = keys[0].size() + head.size() + kBodyBytes;

  RamStore store(GetParam().capacity, 16);
  const auto baseline = t_live_bytes;
  const auto heap_before = ObjectHeap::instance().stats();
  for (int i = 0; i < kObjects; ++i) {
    ObjectSpec spec;
    spec.key = keys[i];
    spec.header_block = head;
    spec.declared_length = kBodyBytes;
    ObjectRef object = CacheObject::create(spec);
    ASSERT_TRUE(object->append(body.data(), body.size()));
    ASSERT_TRUE(object->finish());
    const std::uint64_t charge = object->charge();
    store.insert(std::move(object), charge);
  }
  const auto stored = static_cast<double>(store.objects());
  const auto heap = ObjectHeap::instance().stats();
  const double heap_bytes = static_cast<double>(heap.used_bytes) -
                            static_cast<double>(heap_before.used_bytes) +
                            static_cast<double>(heap.touched_bytes - heap.used_bytes);
  const double live = static_cast<double>(t_live_bytes - baseline) + heap_bytes;
  const double per_object = live / stored - static_cast<double>(payload);
  std::printf(
      "RamStore memory (%s): %.0f objects stored, %.1f bytes per object beyond key + head + body "
      "(%zu bytes), %.1f heap bytes per object in all; estimate %zu\n",
      GetParam().name, stored, per_object, payload, live / stored,
      RamStore::metadata_bytes_per_object());
  EXPECT_LE(per_object, 200.0);
  EXPECT_LE(per_object, static_cast<double>(RamStore::metadata_bytes_per_object()));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RamStoreMemory,
    ::testing::Values(
        // Everything fits (the benchmark's memory case): no evictions, an empty ghost.
        MemoryCase{1ull << 30, "all stored"},
        // Room for about 40% of them: S3-FIFO evicts constantly and the ghost is full.
        MemoryCase{40'000ull * 1600, "evicting, ghost full"}),
    [](const auto& param) { return param.index == 0 ? "AllStored" : "EvictingWithAFullGhost"; });

}  // namespace
}  // namespace candela::cache
