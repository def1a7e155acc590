// Tests of the cache objects' heap: no overlap, alignment, merging, regions given back, threads.
#include "cache/object_heap.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <deque>
#include <new>
#include <random>
#include <thread>
#include <vector>

namespace candela::cache {
namespace {

struct Allocation {
  unsigned char* p;
  std::size_t n;
  unsigned char fill;
};

void check(const Allocation& a) {
  for (std::size_t i = 0; i < a.n; ++i) {
    ASSERT_EQ(a.p[i], a.fill) << "allocation of " << a.n << " bytes was overwritten at " << i;
  }
}

TEST(ObjectHeap, AllocationsAreAlignedDisjointAndKeepTheirContentsUnderChurn) {
  ObjectHeap heap;
  std::mt19937 rng(7);
  std::vector<Allocation> live;
  for (int op = 0; op < 60'000; ++op) {
    if (live.empty() || rng() % 3 != 0) {
      const bool large = rng() % 8 == 0;
      const std::size_t n = 1 + rng() % (large ? 70'000 : 2'000);
      auto* p = static_cast<unsigned char*>(heap.allocate(n));
      ASSERT_EQ(reinterpret_cast<std::uintptr_t>(p) % ObjectHeap::kAlignment, 0u);
      const auto fill = static_cast<unsigned char>(rng());
      std::memset(p, fill, n);
      live.push_back({p, n, fill});
    } else {
      const std::size_t i = rng() % live.size();
      check(live[i]);
      heap.deallocate(live[i].p);
      live[i] = live.back();
      live.pop_back();
    }
  }
  for (const auto& a : live) {
    check(a);
    heap.deallocate(a.p);
  }
  const auto stats = heap.stats();
  EXPECT_EQ(stats.used_bytes, 0u);
  EXPECT_LE(stats.regions, 1u);  // emptied regions went back to the system
}

TEST(ObjectHeap, AUsedBlockCostsItsSizeRoundedToEightPlusAnEightByteHeader) {
  ObjectHeap heap;
  void* a = heap.allocate(461);
  EXPECT_EQ(heap.stats().used_bytes, 464u + 8u);
  void* b = heap.allocate(1);  // the smallest block holds the free-list links
  EXPECT_EQ(heap.stats().used_bytes, 464u + 8u + 24u + 8u);
  heap.deallocate(a);
  heap.deallocate(b);
  EXPECT_EQ(heap.stats().used_bytes, 0u);
}

TEST(ObjectHeap, SequentialObjectsArePackedWithoutHoles) {
  ObjectHeap heap;
  std::vector<void*> blocks;
  for (int i = 0; i < 10'000; ++i)
    blocks.push_back(heap.allocate(400 + i % 200));
  const auto stats = heap.stats();
  // What the regions made resident is what the blocks use, give or take one region's start.
  EXPECT_LE(stats.touched_bytes - stats.used_bytes, 64u * stats.regions);
  for (void* p : blocks)
    heap.deallocate(p);
}

// A cache's pattern: objects of varied sizes come in, and the oldest (mostly) leave to keep the
// total within a budget; a few stay for long (hot objects). The free space left between live
// objects must stay a small part of what the regions made resident.
TEST(ObjectHeap, FragmentationStaysLowUnderCacheLikeChurn) {
  ObjectHeap heap;
  std::mt19937 rng(11);
  std::deque<Allocation> fifo;
  std::deque<Allocation> hot;
  std::size_t live = 0;
  constexpr std::size_t kBudget = 32u << 20;
  for (int op = 0; op < 300'000; ++op) {
    const bool large = rng() % 10 == 0;  // rng() calls in separate statements: a fixed order
    const std::size_t n = 300 + rng() % (large ? 60'000 : 4'000);
    auto* p = static_cast<unsigned char*>(heap.allocate(n));
    (rng() % 50 == 0 ? hot : fifo).push_back({p, n, 0});
    live += n;
    while (live > kBudget) {
      Allocation& victim = hot.size() > 500 && rng() % 4 == 0 ? hot.front() : fifo.front();
      heap.deallocate(victim.p);
      live -= victim.n;
      if (&victim == &hot.front()) {
        hot.pop_front();
      } else {
        fifo.pop_front();
      }
    }
  }
  const auto stats = heap.stats();
  const double free_share = static_cast<double>(stats.touched_bytes - stats.used_bytes) /
                            static_cast<double>(stats.touched_bytes);
  std::printf("ObjectHeap under churn: %.1f%% of %llu touched bytes free\n", free_share * 100,
              static_cast<unsigned long long>(stats.touched_bytes));
  EXPECT_LT(free_share, 0.10);
}

TEST(ObjectHeap, FreedNeighboursMergeSoALargeBlockFitsAgain) {
  ObjectHeap heap;
  std::vector<void*> small;
  for (int i = 0; i < 4000; ++i)
    small.push_back(heap.allocate(1000));
  const std::size_t regions = heap.stats().regions;
  for (void* p : small)
    heap.deallocate(p);
  void* big = heap.allocate(ObjectHeap::kMaxBytes);
  EXPECT_LE(heap.stats().regions, regions);
  heap.deallocate(big);
}

TEST(ObjectHeap, RequestsAboveTheLimitAreRefused) {
  ObjectHeap heap;
  EXPECT_THROW(heap.allocate(ObjectHeap::kMaxBytes + 1), std::bad_alloc);
}

TEST(ObjectHeap, FourThreadsAllocateAndFreeConcurrently) {
  ObjectHeap heap;
  std::vector<std::thread> threads;
  std::atomic<int> corrupted{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&heap, &corrupted, t] {
      std::mt19937 rng(static_cast<unsigned>(t));
      std::vector<Allocation> mine;
      for (int op = 0; op < 20'000; ++op) {
        if (mine.size() < 200 && rng() % 2 == 0) {
          const std::size_t n = 8 + rng() % 3000;
          auto* p = static_cast<unsigned char*>(heap.allocate(n));
          const auto fill = static_cast<unsigned char>(t * 50 + op % 50);
          std::memset(p, fill, n);
          mine.push_back({p, n, fill});
        } else if (!mine.empty()) {
          const Allocation a = mine.back();
          mine.pop_back();
          for (std::size_t i = 0; i < a.n; ++i)
            corrupted += a.p[i] != a.fill;
          heap.deallocate(a.p);
        }
      }
      for (const auto& a : mine)
        heap.deallocate(a.p);
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(corrupted.load(), 0);
  EXPECT_EQ(heap.stats().used_bytes, 0u);
}

}  // namespace
}  // namespace candela::cache
