// Tests of purging from RamStore: a URL with its Vary variants, tags, predicates; hard and soft.
#include <gtest/gtest.h>

#include <chrono>
#include <initializer_list>
#include <string>
#include <vector>

#include "cache/cache_key.hpp"
#include "cache/cache_object.hpp"
#include "cache/ram_store.hpp"

namespace candela::cache {
namespace {

using Invalidation = RamStore::Invalidation;
const SysTime kNow = SysTime{} + std::chrono::seconds(1'800'000'100);

ObjectRef response(std::string_view key, std::string_view head = {}) {
  ObjectSpec spec;
  spec.key = key;
  spec.header_block = head;
  spec.declared_length = 0;
  spec.freshness.response_time = 1'800'000'000;
  spec.freshness.freshness_lifetime = 3600;
  ObjectRef object = CacheObject::create(spec);
  object->finish();
  return object;
}

ObjectRef vary_index(std::string_view key) {
  ObjectSpec spec;
  spec.kind = ObjectKind::kVaryIndex;
  spec.key = key;
  spec.vary = "accept-encoding";
  return CacheObject::create(spec);
}

std::string variant(std::string_view primary, std::string_view secondary) {
  std::string key(primary);
  key += kVariantSeparator;
  key += secondary;
  return key;
}

std::vector<std::string> tags(std::initializer_list<const char*> names) {
  return {names.begin(), names.end()};
}

void store(RamStore& s, ObjectRef object) {
  const std::uint64_t charge = object->charge();
  s.insert(std::move(object), charge);
}

TEST(RamStorePurge, UrlPurgeRemovesTheIndexAndEveryVariantButNothingElse) {
  RamStore s(1 << 20);
  store(s, vary_index("1:p/a"));
  store(s, response(variant("1:p/a", "accept-encoding:gzip\n")));
  store(s, response(variant("1:p/a", "accept-encoding:br\n")));
  store(s, response(variant("1:p/a", "accept-encoding\n")));
  store(s, response("1:p/a/b"));  // another URL that starts alike
  store(s, response("1:p/a?x"));  // and one with a query
  EXPECT_EQ(s.invalidate_primary("1:p/a", Invalidation::kRemove, kNow), 3u);
  EXPECT_EQ(s.objects(), 2u);
  EXPECT_EQ(s.lookup("1:p/a"), nullptr);
  EXPECT_NE(s.lookup("1:p/a/b"), nullptr);
  EXPECT_NE(s.lookup("1:p/a?x"), nullptr);
  EXPECT_EQ(s.invalidate_primary("1:p/a", Invalidation::kRemove, kNow), 0u);
}

TEST(RamStorePurge, SoftUrlPurgeMarksEveryVariantStaleAndKeepsThem) {
  RamStore s(1 << 20);
  store(s, vary_index("1:p/a"));
  store(s, response(variant("1:p/a", "v1")));
  store(s, response(variant("1:p/a", "v2")));
  EXPECT_EQ(s.invalidate_primary("1:p/a", Invalidation::kMarkStale, kNow), 2u);
  EXPECT_EQ(s.objects(), 3u);
  for (const char* secondary : {"v1", "v2"}) {
    const auto o = s.lookup(variant("1:p/a", secondary));
    ASSERT_TRUE(o);
    EXPECT_FALSE(is_fresh(o->freshness(), kNow));
  }
}

TEST(RamStorePurge, TagPurgeTakesOnlyThePropertysObjectsWithTheTag) {
  RamStore s(1 << 20);
  store(s, response("1:p/a", "Surrogate-Key: red blue\r\n"));
  store(s, response("1:p/b", "Cache-Tag: red\r\n"));
  store(s, response("1:p/c", "Cache-Tag: green\r\n"));
  store(s, response("1:q/a", "Surrogate-Key: red\r\n"));  // same tag, other property
  store(s, response("1:p/d"));
  EXPECT_EQ(s.invalidate_tags("p", tags({"red"}), Invalidation::kRemove, kNow), 2u);
  EXPECT_EQ(s.lookup("1:p/a"), nullptr);
  EXPECT_EQ(s.lookup("1:p/b"), nullptr);
  EXPECT_NE(s.lookup("1:p/c"), nullptr);
  EXPECT_NE(s.lookup("1:q/a"), nullptr);
  EXPECT_NE(s.lookup("1:p/d"), nullptr);
  EXPECT_EQ(s.invalidate_tags("p", tags({"blue"}), Invalidation::kRemove, kNow),
            0u);  // already gone
  EXPECT_EQ(s.invalidate_tags("p", tags({"RED"}), Invalidation::kRemove, kNow),
            0u);  // case matters
}

TEST(RamStorePurge, SoftTagPurgeMarksStaleAndCountsAnObjectOnce) {
  RamStore s(1 << 20);
  store(s, response("1:p/a", "Cache-Tag: t, u\r\n"));
  EXPECT_EQ(s.invalidate_tags("p", tags({"t", "u"}), Invalidation::kMarkStale, kNow), 1u);
  const auto o = s.lookup("1:p/a");
  ASSERT_TRUE(o);
  EXPECT_FALSE(is_fresh(o->freshness(), kNow));
}

TEST(RamStorePurge, TheTagIndexFollowsEvictionReplacementAndErase) {
  RamStore s(1 << 20, 1);
  store(s, response("1:p/a", "Cache-Tag: old\r\n"));
  store(s, response("1:p/b", "Cache-Tag: b\r\n"));
  EXPECT_EQ(s.tag_count(), 2u);
  store(s, response("1:p/a", "Cache-Tag: new\r\n"));  // replaced: "old" is gone
  EXPECT_EQ(s.tag_count(), 2u);
  EXPECT_EQ(s.invalidate_tags("p", tags({"old"}), Invalidation::kRemove, kNow), 0u);
  EXPECT_TRUE(s.erase("1:p/b"));
  EXPECT_EQ(s.tag_count(), 1u);

  RamStore small(3000, 1);  // room for a few objects: tagged ones get evicted
  for (int i = 0; i < 100; ++i)
    store(small, response("1:p/" + std::to_string(i), "Cache-Tag: all\r\n"));
  EXPECT_GT(small.evictions(), 0u);
  const std::size_t stored = small.objects();
  EXPECT_EQ(small.invalidate_tags("p", tags({"all"}), Invalidation::kRemove, kNow), stored);
  EXPECT_EQ(small.objects(), 0u);
  EXPECT_EQ(small.tag_count(), 0u);
}

TEST(RamStorePurge, PredicatePurgeCountsResponsesOnly) {
  RamStore s(1 << 20);
  store(s, vary_index("1:p/img/a"));
  store(s, response(variant("1:p/img/a", "v")));
  store(s, response("1:p/img/b"));
  store(s, response("1:p/css/c"));
  const auto in_img = [](const CacheObject& o) {
    return key_property_id(o.key()) == "p" && key_path(o.key()).starts_with("/img/");
  };
  EXPECT_EQ(s.invalidate_if(in_img, Invalidation::kRemove, kNow), 2u);
  EXPECT_EQ(s.objects(), 1u);
}

}  // namespace
}  // namespace candela::cache
