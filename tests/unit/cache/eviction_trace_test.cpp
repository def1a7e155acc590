// Eviction quality: RamStore's S3-FIFO against a plain LRU on a reproducible CDN-like trace.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <list>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cache/cache_object.hpp"
#include "cache/ram_store.hpp"

namespace candela::cache {
namespace {

// The baseline: one global recency list bounded by the same bytes.
class LruCache {
 public:
  explicit LruCache(std::uint64_t capacity) : capacity_(capacity) {}

  bool lookup(std::string_view key) {
    const auto it = index_.find(key);
    if (it == index_.end()) return false;
    entries_.splice(entries_.begin(), entries_, it->second);
    return true;
  }

  void insert(std::string_view key, std::uint64_t charge) {
    if (charge > capacity_) return;
    while (bytes_ + charge > capacity_) {
      bytes_ -= entries_.back().charge;
      index_.erase(entries_.back().key);
      entries_.pop_back();
    }
    entries_.push_front({std::string(key), charge});
    index_.emplace(entries_.front().key, entries_.begin());
    bytes_ += charge;
  }

 private:
  struct Entry {
    std::string key;
    std::uint64_t charge;
  };
  std::uint64_t capacity_;
  std::uint64_t bytes_ = 0;
  std::list<Entry> entries_;
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
};

struct Request {
  std::uint32_t key;  // index into the key table
  std::uint32_t charge;
};

constexpr std::uint32_t kPopularKeys = 100'000;
constexpr std::uint32_t kOneHitKeys = 150'000;
constexpr std::size_t kRequests = 1'000'000;
constexpr double kZipfAlpha = 0.9;

// 1M requests: Zipf(0.9) over 100k keys, 10% one-hit wonders interleaved, and a scan of 50k
// never-repeated keys in the middle (a crawler or a cache-busting client). Object sizes vary by
// key between 1 and 16 KiB. Fixed seed: the same trace on every run and platform.
std::vector<Request> make_trace(std::vector<std::string>& keys) {
  keys.clear();
  for (std::uint32_t i = 0; i < kPopularKeys + kOneHitKeys; ++i) {
    keys.push_back("/obj/" + std::to_string(i));
  }
  std::vector<double> cdf(kPopularKeys);
  double total = 0;
  for (std::uint32_t i = 0; i < kPopularKeys; ++i) {
    total += 1.0 / std::pow(static_cast<double>(i + 1), kZipfAlpha);
    cdf[i] = total;
  }
  std::mt19937_64 rng(20231023);
  const auto uniform = [&rng] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  const auto charge_of = [](std::uint32_t key) { return 1024 + (key * 2654435761u) % (15 * 1024); };

  std::vector<Request> trace;
  trace.reserve(kRequests);
  std::uint32_t next_one_hit = kPopularKeys;
  constexpr std::size_t kScanStart = kRequests / 2;
  constexpr std::uint32_t kScanLength = 50'000;
  while (trace.size() < kRequests) {
    if (trace.size() == kScanStart) {
      for (std::uint32_t i = 0; i < kScanLength; ++i) {
        trace.push_back({next_one_hit, charge_of(next_one_hit)});
        ++next_one_hit;
      }
      continue;
    }
    if (uniform() < 0.10) {
      trace.push_back({next_one_hit, charge_of(next_one_hit)});
      ++next_one_hit;
      continue;
    }
    const double target = uniform() * total;
    const auto rank =
        static_cast<std::uint32_t>(std::lower_bound(cdf.begin(), cdf.end(), target) - cdf.begin());
    const std::uint32_t key = std::min(rank, kPopularKeys - 1);
    trace.push_back({key, charge_of(key)});
  }
  EXPECT_LE(next_one_hit, kPopularKeys + kOneHitKeys);
  return trace;
}

TEST(EvictionTrace, S3FifoHitRatioIsAtLeastLruOnAZipfTraceWithOneHitWonders) {
  std::vector<std::string> keys;
  const auto trace = make_trace(keys);
  // About 10% of the popular set's bytes (100k keys x ~8.5 KiB on average).
  constexpr std::uint64_t kCapacity = 85ull * 1024 * 1024;

  RamStore s3fifo(kCapacity, 16);
  LruCache lru(kCapacity);
  std::size_t s3fifo_hits = 0;
  std::size_t lru_hits = 0;
  for (const Request& request : trace) {
    const std::string_view key = keys[request.key];
    if (s3fifo.lookup(key)) {
      ++s3fifo_hits;
    } else {
      // The object's content does not matter here, only its key: a bodiless index object.
      ObjectSpec spec;
      spec.kind = ObjectKind::kVaryIndex;
      spec.key = key;
      s3fifo.insert(CacheObject::create(spec), request.charge);
    }
    if (lru.lookup(key)) {
      ++lru_hits;
    } else {
      lru.insert(key, request.charge);
    }
    ASSERT_LE(s3fifo.bytes(), kCapacity);
  }
  const double s3fifo_ratio = static_cast<double>(s3fifo_hits) / static_cast<double>(trace.size());
  const double lru_ratio = static_cast<double>(lru_hits) / static_cast<double>(trace.size());
  std::printf("Eviction trace (%zu requests, Zipf %.1f): S3-FIFO hit ratio %.4f, LRU %.4f\n",
              trace.size(), kZipfAlpha, s3fifo_ratio, lru_ratio);
  EXPECT_EQ(s3fifo.hits(), s3fifo_hits);
  EXPECT_GT(s3fifo.evictions(), 0u);
  EXPECT_GE(s3fifo_ratio, lru_ratio);
}

}  // namespace
}  // namespace candela::cache
