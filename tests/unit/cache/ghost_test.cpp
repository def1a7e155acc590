// Tests of the ghost FIFO: remembers by hash, forgets oldest-first by charge, stays small.
#include "cache/ghost.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace candela::cache {
namespace {

std::uint64_t hash_of(int i) {
  return std::hash<std::string>{}("/key/" + std::to_string(i));
}

TEST(Ghost, RemembersAHashOnceUntilTaken) {
  Ghost ghost;
  ghost.set_capacity(1000);
  ghost.add(hash_of(1), 100);
  EXPECT_FALSE(ghost.take(hash_of(2)));
  EXPECT_TRUE(ghost.take(hash_of(1)));
  EXPECT_FALSE(ghost.take(hash_of(1)));
}

TEST(Ghost, ForgetsTheOldestOnceTheirChargesExceedTheCapacity) {
  Ghost ghost;
  ghost.set_capacity(1000);
  for (int i = 0; i < 15; ++i)
    ghost.add(hash_of(i), 100);
  EXPECT_EQ(ghost.bytes(), 1000u);
  EXPECT_EQ(ghost.entries(), 10u);
  for (int i = 0; i < 5; ++i)
    EXPECT_FALSE(ghost.take(hash_of(i))) << i;
  for (int i = 5; i < 15; ++i)
    EXPECT_TRUE(ghost.take(hash_of(i))) << i;
}

TEST(Ghost, IgnoresAnObjectLargerThanItsCapacity) {
  Ghost ghost;
  ghost.set_capacity(100);
  ghost.add(hash_of(1), 101);
  EXPECT_EQ(ghost.entries(), 0u);
  EXPECT_FALSE(ghost.take(hash_of(1)));
}

TEST(Ghost, GrowsItsTableAndKeepsEveryLiveEntry) {
  Ghost ghost;
  ghost.set_capacity(100'000);
  for (int i = 0; i < 100'000; ++i)
    ghost.add(hash_of(i), 1);
  int found = 0;
  for (int i = 0; i < 100'000; ++i)
    found += ghost.take(hash_of(i)) ? 1 : 0;
  // Full 4-slot buckets may drop an entry now and then; nearly all must be there.
  EXPECT_GE(found, 99'000);
}

TEST(Ghost, TakesAbout20BytesPerRememberedKey) {
  Ghost ghost;
  ghost.set_capacity(1'000'000);
  for (int i = 0; i < 200'000; ++i)
    ghost.add(hash_of(i), 10);  // 100,000 stay remembered
  const double per_entry =
      static_cast<double>(ghost.memory_bytes()) / static_cast<double>(ghost.entries());
  EXPECT_EQ(ghost.entries(), 100'000u);
  EXPECT_LE(per_entry, 26.0);
}

}  // namespace
}  // namespace candela::cache
