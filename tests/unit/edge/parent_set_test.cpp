// Parent choice for the shield tier: rendezvous order over parent ids, failed marks, swaps.
#include "edge/parent_set.hpp"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "common/rendezvous_hash.hpp"

namespace candela::edge {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::vector<ParentConfig> three() {
  return {
      {"shield-a", "127.0.0.1:8001"}, {"shield-b", "127.0.0.1:8002"}, {"shield-c", "[::1]:8003"}};
}

TEST(ParentSet, ReadsAddresses) {
  ParentSet set(three());
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(set.at(2).host, "::1");
  EXPECT_EQ(set.at(2).port, 8003);
  EXPECT_EQ(set.at(0).id, "shield-a");
  EXPECT_EQ(set.id_hashes()[1], stable_hash("shield-b"));
}

TEST(ParentSet, RanksByRendezvousScoreOfTheIds) {
  ParentSet set(three());
  for (const char* key : {"1:p/a", "1:p/b", "1:p/c?x=1", "4:prop/index.html"}) {
    const auto order = set.rank(key);
    ASSERT_EQ(order.size(), 3u);
    // The owner has the highest score; each next one a lower score.
    for (std::size_t i = 1; i < order.size(); ++i) {
      EXPECT_GT(rendezvous_score(stable_hash(key), stable_hash(set.at(order[i - 1]).id)),
                rendezvous_score(stable_hash(key), stable_hash(set.at(order[i]).id)))
          << key;
    }
    EXPECT_EQ(set.pick(key, Clock::now()), order[0]);
  }
}

TEST(ParentSet, OrderDoesNotDependOnListOrderAndSpreadsKeys) {
  ParentSet forward(three());
  auto reversed_configs = three();
  std::reverse(reversed_configs.begin(), reversed_configs.end());
  ParentSet reversed(reversed_configs);
  std::map<std::string, int> owners;
  for (int i = 0; i < 3000; ++i) {
    const std::string key = "1:p/object-" + std::to_string(i);
    const std::string& a = forward.at(forward.rank(key)[0]).id;
    EXPECT_EQ(a, reversed.at(reversed.rank(key)[0]).id);
    ++owners[a];
  }
  ASSERT_EQ(owners.size(), 3u);
  for (const auto& [id, n] : owners)
    EXPECT_GT(n, 800) << id;  // about 1000 each
}

TEST(ParentSet, FailedParentIsSkippedUntilRetryAfter) {
  ParentPolicy policy;
  policy.retry_after = 10s;
  ParentSet set(three(), policy);
  const std::string key = "1:p/x";
  const auto order = set.rank(key);
  const auto now = Clock::now();
  EXPECT_TRUE(set.mark_failed(order[0], now)) << "newly failed";
  EXPECT_FALSE(set.mark_failed(order[0], now)) << "already failed: not a new transition";
  EXPECT_FALSE(set.usable(order[0], now + 9s));
  EXPECT_EQ(set.pick(key, now + 9s), order[1]) << "the next in rank takes the key";
  EXPECT_TRUE(set.usable(order[0], now + 10s));
  EXPECT_EQ(set.pick(key, now + 11s), order[0]) << "and gives it back after retry_after";
  set.mark_failed(order[1], now);
  set.mark_failed(order[2], now);
  EXPECT_EQ(set.pick(key, now + 1s), set.size()) << "none left: the origin";
}

TEST(ParentDirectory, StartsEmptyAndSwapsWholeSets) {
  ParentDirectory directory;
  EXPECT_TRUE(directory.current()->empty());
  ParentPolicy policy;
  EXPECT_TRUE(directory.replace(three(), policy));
  auto first = directory.current();
  EXPECT_EQ(first->size(), 3u);
  EXPECT_FALSE(directory.replace(three(), policy)) << "same list: nothing to do";
  EXPECT_EQ(directory.current(), first);
  auto reordered = three();
  std::swap(reordered[0], reordered[2]);
  EXPECT_FALSE(directory.replace(reordered, policy)) << "order does not matter";
  policy.max_hops = 2;
  EXPECT_TRUE(directory.replace(three(), policy)) << "a new policy is a new set";
  EXPECT_EQ(directory.current()->policy().max_hops, 2u);
  EXPECT_EQ(first->size(), 3u) << "a fill's snapshot stays valid after a swap";
}

TEST(ParentDirectory, KeepsFailedMarksOfParentsThatStay) {
  ParentDirectory directory;
  directory.replace(three(), {});
  const auto now = Clock::now();
  directory.current()->mark_failed(1, now);  // shield-b
  auto changed = three();
  changed.erase(changed.begin());         // shield-a leaves
  changed[1].address = "127.0.0.1:9003";  // shield-c moves: a new parent
  changed.push_back({"shield-d", "127.0.0.1:8004"});
  ASSERT_TRUE(directory.replace(changed, {}));
  auto set = directory.current();
  ASSERT_EQ(set->size(), 3u);
  EXPECT_EQ(set->at(0).id, "shield-b");
  EXPECT_FALSE(set->usable(0, now + 1s)) << "shield-b is still failed";
  EXPECT_TRUE(set->usable(1, now)) << "shield-c at its new address starts usable";
  EXPECT_TRUE(set->usable(2, now));
}

TEST(ParentDirectory, OtherThreadsSeeTheSwap) {
  ParentDirectory directory;
  directory.replace(three(), {});
  std::size_t seen_before = 0, seen_after = 0;
  std::thread reader([&] { seen_before = directory.current()->size(); });
  reader.join();
  directory.replace({{"only", "127.0.0.1:1"}}, {});
  std::thread again([&] { seen_after = directory.current()->size(); });
  again.join();
  EXPECT_EQ(seen_before, 3u);
  EXPECT_EQ(seen_after, 1u);
  EXPECT_EQ(directory.current()->size(), 1u) << "this thread's cached copy is refreshed too";
}

TEST(ParentDirectory, TwoDirectoriesInOneThreadStayApart) {
  ParentDirectory a, b;
  a.replace(three(), {});
  b.replace({{"only", "127.0.0.1:1"}}, {});
  EXPECT_EQ(a.current()->size(), 3u);
  EXPECT_EQ(b.current()->size(), 1u);
  EXPECT_EQ(a.current()->size(), 3u);
}

}  // namespace
}  // namespace candela::edge
