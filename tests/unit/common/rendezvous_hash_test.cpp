#include "common/rendezvous_hash.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace candela {
namespace {

std::vector<std::uint64_t> hashes_of(const std::vector<std::string>& ids) {
  std::vector<std::uint64_t> out;
  for (const auto& id : ids)
    out.push_back(stable_hash(id));
  return out;
}

TEST(RendezvousHash, StableHashIsFnv1a64) {
  EXPECT_EQ(stable_hash(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(stable_hash("a"), 0xaf63dc4c8601ec8cull);
}

TEST(RendezvousHash, SpreadsKeysEvenlyOverNodes) {
  const auto nodes = hashes_of({"shield-a", "shield-b", "shield-c"});
  std::map<std::size_t, int> owners;
  for (int i = 0; i < 30000; ++i) {
    const auto key = stable_hash("/objects/" + std::to_string(i));
    ++owners[rendezvous_order(key, nodes).front()];
  }
  ASSERT_EQ(owners.size(), 3u);
  for (const auto& [node, count] : owners) {
    EXPECT_GT(count, 9000) << node;
    EXPECT_LT(count, 11000) << node;
  }
}

TEST(RendezvousHash, RemovingANodeMovesOnlyItsKeys) {
  const std::vector<std::string> all{"e1", "e2", "e3", "e4"};
  const std::vector<std::string> without_e3{"e1", "e2", "e4"};
  const auto before = hashes_of(all);
  const auto after = hashes_of(without_e3);
  for (int i = 0; i < 5000; ++i) {
    const auto key = stable_hash("k" + std::to_string(i));
    const std::string owner_before = all[rendezvous_order(key, before).front()];
    const std::string owner_after = without_e3[rendezvous_order(key, after).front()];
    if (owner_before != "e3") {
      EXPECT_EQ(owner_before, owner_after);
    } else {
      // The key moves to its first failover in the full ranking.
      EXPECT_EQ(owner_after, all[rendezvous_order(key, before)[1]]);
    }
  }
}

TEST(RendezvousHash, PickSkipsIneligibleNodesAndReportsNone) {
  const auto nodes = hashes_of({"a", "b", "c"});
  const auto key = stable_hash("/x");
  const auto order = rendezvous_order(key, nodes);
  EXPECT_EQ(rendezvous_pick(key, nodes, [](std::size_t) { return true; }), order[0]);
  EXPECT_EQ(rendezvous_pick(key, nodes, [&](std::size_t i) { return i != order[0]; }), order[1]);
  EXPECT_EQ(rendezvous_pick(key, nodes, [](std::size_t) { return false; }), nodes.size());
  EXPECT_EQ(rendezvous_pick(key, {}, [](std::size_t) { return true; }), 0u);
}

}  // namespace
}  // namespace candela
