// Tests of a cache object's identity, head, freshness packing, copies and soft purge.
#include "cache/cache_object.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "cache/ram_store.hpp"

namespace candela::cache {
namespace {

using std::chrono::seconds;

const SysTime kT0 = SysTime{} + seconds(1'800'000'000);

FreshnessInfo sample_freshness() {
  FreshnessInfo f;
  f.response_time = 1'800'000'000;
  f.corrected_initial_age = 5;
  f.freshness_lifetime = 60;
  f.stale_while_revalidate = 30;
  f.stale_if_error = 300;
  f.no_stale = false;
  f.heuristic = true;
  f.targeted = true;
  return f;
}

ObjectRef complete_response(std::string_view key, std::string_view head, std::string_view body,
                            bool declare_length = true) {
  ObjectSpec spec;
  spec.key = key;
  spec.status = 203;
  spec.header_block = head;
  spec.freshness = sample_freshness();
  if (declare_length) spec.declared_length = body.size();
  ObjectRef object = CacheObject::create(spec);
  EXPECT_TRUE(object->append(body.data(), body.size()));
  EXPECT_TRUE(object->finish());
  return object;
}

std::string body_of(const CacheObject& o) {
  std::string out;
  for (auto run = o.readable(0); !run.empty(); run = o.readable(out.size()))
    out.append(run.data(), run.size());
  return out;
}

TEST(CacheObject, KeepsKeyHeadAndStatusAndFindsValidatorsInTheHead) {
  const auto o = complete_response("4:site/a.css", "ETag: \"v1\"\r\nLast-Modified: x\r\n", "body");
  EXPECT_EQ(o->key(), "4:site/a.css");
  EXPECT_EQ(o->property_id(), "site");
  EXPECT_EQ(o->status(), 203);
  EXPECT_EQ(o->header_block(), "ETag: \"v1\"\r\nLast-Modified: x\r\n");
  EXPECT_EQ(o->etag(), "\"v1\"");
  EXPECT_EQ(o->last_modified(), "x");
  EXPECT_EQ(o->fields().get("etag"), "\"v1\"");
  EXPECT_EQ(o->length(), 4u);
  EXPECT_EQ(body_of(*o), "body");
  EXPECT_FALSE(o->has_tags());
  EXPECT_EQ(o->kind(), ObjectKind::kResponse);
}

TEST(CacheObject, FreshnessSurvivesThePackingIntoIntegers) {
  const auto o = complete_response("1:p/a", "", "");
  const FreshnessInfo f = o->freshness();
  const FreshnessInfo want = sample_freshness();
  EXPECT_EQ(f.response_time, want.response_time);
  EXPECT_EQ(f.corrected_initial_age, want.corrected_initial_age);
  EXPECT_EQ(f.freshness_lifetime, want.freshness_lifetime);
  EXPECT_EQ(f.stale_while_revalidate, want.stale_while_revalidate);
  EXPECT_EQ(f.stale_if_error, want.stale_if_error);
  EXPECT_EQ(f.heuristic, true);
  EXPECT_EQ(f.targeted, true);
  EXPECT_EQ(f.no_cache, false);
  EXPECT_EQ(f.no_stale, false);
}

TEST(CacheObject, HugeLifetimesAreClampedWithoutChangingTheDecision) {
  ObjectSpec spec;
  spec.key = "1:p/a";
  spec.freshness.response_time = 1'800'000'000;
  spec.freshness.freshness_lifetime = 250'000'000'000;  // Expires in the year 9900
  spec.freshness.stale_if_error = -1;
  const auto o = CacheObject::create(spec);
  EXPECT_GT(o->freshness().freshness_lifetime, kMaxDeltaSeconds);
  EXPECT_EQ(o->freshness().stale_if_error, 0);
  EXPECT_TRUE(is_fresh(o->freshness(), kT0 + seconds(1'000'000'000)));
}

TEST(CacheObject, MarkStaleEndsFreshnessNowAndKeepsTheStaleWindows) {
  const auto o = complete_response("1:p/a", "", "x");
  const SysTime purge_time = kT0 + seconds(10);  // age 15 of 60: fresh
  ASSERT_EQ(evaluate(o->freshness(), purge_time, {}), Freshness::kFresh);
  o->mark_stale(purge_time);
  EXPECT_EQ(evaluate(o->freshness(), purge_time, {}), Freshness::kStaleWhileRevalidate);
  EXPECT_EQ(evaluate(o->freshness(), purge_time + seconds(30), {}),
            Freshness::kRevalidateOrServeOnError);
  o->mark_stale(purge_time + seconds(100));  // never extends freshness
  EXPECT_EQ(o->freshness().freshness_lifetime, 15);
}

TEST(CacheObject, RefreshedCopyHasTheNewHeadAndTheSameBody) {
  const std::string body(100'000, 'z');  // external: shared
  const auto big = complete_response("1:p/big", "ETag: \"1\"\r\n", body);
  FreshnessInfo later = sample_freshness();
  later.freshness_lifetime = 999;
  const auto refreshed = CacheObject::refreshed(*big, "ETag: \"1\"\r\nX-New: yes\r\n", later);
  EXPECT_EQ(refreshed->key(), big->key());
  EXPECT_EQ(refreshed->status(), 203);
  EXPECT_EQ(refreshed->header_block(), "ETag: \"1\"\r\nX-New: yes\r\n");
  EXPECT_EQ(refreshed->freshness().freshness_lifetime, 999);
  EXPECT_TRUE(refreshed->complete());
  EXPECT_EQ(refreshed->readable(0).data(), big->readable(0).data());
  EXPECT_EQ(body_of(*refreshed), body);

  const auto small = complete_response("1:p/small", "", "tiny");  // inline: copied
  const auto small_refreshed = CacheObject::refreshed(*small, "A: b\r\n", later);
  EXPECT_EQ(body_of(*small_refreshed), "tiny");
  EXPECT_NE(small_refreshed->readable(0).data(), small->readable(0).data());
}

TEST(CacheObject, ASmallBodyOfUnknownLengthIsCompactedIntoOneExactAllocation) {
  const auto chunked = complete_response("1:p/c", "Cache-Tag: t\r\n", "chunked body", false);
  EXPECT_EQ(chunked->body_memory_bytes(), 4096u);
  const auto compact = CacheObject::compacted(*chunked);
  ASSERT_TRUE(compact);
  EXPECT_EQ(compact->body_memory_bytes(), 12u);
  EXPECT_EQ(body_of(*compact), "chunked body");
  EXPECT_EQ(compact->header_block(), chunked->header_block());
  EXPECT_TRUE(compact->has_tags());
  EXPECT_LT(compact->charge(), chunked->charge());
  EXPECT_FALSE(CacheObject::compacted(*compact));  // already inline
}

TEST(CacheObject, ChargeIsItsBytesPlusTheFixedMetadata) {
  const auto o = complete_response("1:p/a", "A: b\r\n", std::string(1000, 'x'));
  EXPECT_EQ(o->charge(), 5 + 6 + 1000 + RamStore::metadata_bytes_per_object());
}

TEST(CacheObject, IndexAndMarkerObjectsAreCompleteAndBodiless) {
  ObjectSpec index;
  index.kind = ObjectKind::kVaryIndex;
  index.key = "1:p/a";
  index.vary = "accept-encoding";
  const auto i = CacheObject::create(index);
  EXPECT_TRUE(i->is_vary_index());
  EXPECT_TRUE(i->complete());
  EXPECT_EQ(i->vary(), "accept-encoding");
  EXPECT_EQ(i->body_memory_bytes(), 0u);

  ObjectSpec marker;
  marker.kind = ObjectKind::kUncacheable;
  marker.key = "1:p/b";
  marker.uncacheable_until = kT0;
  const auto m = CacheObject::create(marker);
  EXPECT_TRUE(m->is_uncacheable());
  EXPECT_EQ(m->uncacheable_until(), kT0);
}

}  // namespace
}  // namespace candela::cache
