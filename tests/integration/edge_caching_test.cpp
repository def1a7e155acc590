// End-to-end RFC 9111 caching through a real edge and origin: storability, freshness, Age,
// Cache-Status, validation, conditional and HEAD requests from cache, Vary, invalidation, and
// the RAM bound and maximum object size.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "edge_cache_helpers.hpp"

namespace candela::testing {
namespace {

using namespace std::chrono_literals;

bool is_hit(const std::optional<HttpResponse>& r) {
  return r && r->header("Cache-Status") == "Candela; hit";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---- storability and freshness ----------------------------------------------------------

TEST(EdgeCaching, MaxAgeResponseIsServedFromCacheUntilItExpires) {
  OriginAndEdge cdn;
  cdn.origin.put("/a.txt", "version one\n", {"Cache-Control: max-age=2"});

  auto miss = cdn.get("/a.txt");
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->status, 200);
  EXPECT_EQ(miss->body, "version one\n");
  auto hit = cdn.get("/a.txt");
  ASSERT_TRUE(hit);
  EXPECT_TRUE(is_hit(hit)) << hit->header("Cache-Status");
  EXPECT_EQ(hit->body, "version one\n");
  EXPECT_EQ(cdn.origin.count("/a.txt"), 1);

  std::this_thread::sleep_for(2200ms);
  auto expired = cdn.get("/a.txt");
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->body, "version one\n");
  EXPECT_FALSE(is_hit(expired));
  EXPECT_EQ(cdn.origin.count("/a.txt"), 2);
}

TEST(EdgeCaching, SMaxageTakesPrecedenceOverMaxAge) {
  OriginAndEdge cdn;
  cdn.origin.put("/long.txt", "shared long\n", {"Cache-Control: max-age=0, s-maxage=60"});
  cdn.origin.put("/short.txt", "shared short\n", {"Cache-Control: max-age=60, s-maxage=0"});

  cdn.get("/long.txt");
  auto long_hit = cdn.get("/long.txt");
  ASSERT_TRUE(long_hit);
  EXPECT_TRUE(is_hit(long_hit)) << long_hit->header("Cache-Status");
  EXPECT_EQ(cdn.origin.count("/long.txt"), 1);

  cdn.get("/short.txt");
  auto short_again = cdn.get("/short.txt");
  ASSERT_TRUE(short_again);
  EXPECT_EQ(short_again->body, "shared short\n");
  EXPECT_FALSE(is_hit(short_again));
  EXPECT_EQ(cdn.origin.count("/short.txt"), 2);
}

TEST(EdgeCaching, ExpiresInTheFutureMakesTheResponseFresh) {
  OriginAndEdge cdn;
  const auto now = std::chrono::system_clock::now();
  cdn.origin.put("/e.txt", "expires later\n",
                 {"Date: " + http_date(now), "Expires: " + http_date(now + 120s)});
  cdn.get("/e.txt");
  auto hit = cdn.get("/e.txt");
  ASSERT_TRUE(hit);
  EXPECT_TRUE(is_hit(hit)) << hit->header("Cache-Status");
  EXPECT_EQ(hit->body, "expires later\n");
  EXPECT_EQ(cdn.origin.count("/e.txt"), 1);
}

TEST(EdgeCaching, InvalidExpiresMeansAlreadyStale) {
  OriginAndEdge cdn;
  cdn.origin.put("/bad-expires.txt", "expired\n", {"Expires: 0"});
  cdn.get("/bad-expires.txt");
  auto again = cdn.get("/bad-expires.txt");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, "expired\n");
  EXPECT_FALSE(is_hit(again));
  EXPECT_EQ(cdn.origin.count("/bad-expires.txt"), 2);
}

TEST(EdgeCaching, NoStoreResponseIsNeverStored) {
  OriginAndEdge cdn;
  cdn.origin.put("/ns.txt", "secret\n", {"Cache-Control: no-store, max-age=60"});
  for (int i = 0; i < 3; ++i) {
    auto r = cdn.get("/ns.txt");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "secret\n");
    EXPECT_FALSE(is_hit(r));
  }
  EXPECT_EQ(cdn.origin.count("/ns.txt"), 3);
}

TEST(EdgeCaching, PrivateResponseIsNotStoredByTheSharedCache) {
  OriginAndEdge cdn;
  cdn.origin.put("/p.txt", "mine\n", {"Cache-Control: private, max-age=60"});
  for (int i = 0; i < 3; ++i) {
    auto r = cdn.get("/p.txt");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "mine\n");
    EXPECT_EQ(r->header("Cache-Control"), "private, max-age=60");
  }
  EXPECT_EQ(cdn.origin.count("/p.txt"), 3);
}

TEST(EdgeCaching, NoCacheResponseIsStoredButRevalidatedOnEveryReuse) {
  OriginAndEdge cdn;
  cdn.origin.put("/nc.txt", "validate me\n", {"Cache-Control: no-cache, max-age=60"});
  cdn.get("/nc.txt");
  for (int i = 0; i < 2; ++i) {
    auto r = cdn.get("/nc.txt");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "validate me\n");
    // The stored copy was validated (the origin answered 304) rather than fetched again.
    EXPECT_TRUE(contains(r->header("Cache-Status"), "fwd-status=304")) << r->header("Cache-Status");
  }
  EXPECT_EQ(cdn.origin.count("/nc.txt"), 3);
}

TEST(EdgeCaching, AuthorizedRequestIsStoredOnlyWithPublicOrSMaxage) {
  OriginAndEdge cdn;
  cdn.origin.put("/auth-plain.txt", "plain\n", {"Cache-Control: max-age=60"});
  cdn.origin.put("/auth-public.txt", "public\n", {"Cache-Control: public, max-age=60"});
  cdn.origin.put("/auth-shared.txt", "shared\n", {"Cache-Control: s-maxage=60"});
  const std::vector<std::string> auth = {"Authorization: Bearer abc"};

  for (int i = 0; i < 2; ++i) {
    auto r = cdn.get("/auth-plain.txt", auth);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "plain\n");
  }
  EXPECT_EQ(cdn.origin.count("/auth-plain.txt"), 2);

  for (const std::string path : {"/auth-public.txt", "/auth-shared.txt"}) {
    cdn.get(path, auth);
    auto hit = cdn.get(path, auth);
    ASSERT_TRUE(hit);
    EXPECT_TRUE(is_hit(hit)) << path << ": " << hit->header("Cache-Status");
    EXPECT_EQ(cdn.origin.count(path), 1) << path;
  }
}

TEST(EdgeCaching, LastModifiedGivesHeuristicFreshnessWithoutExplicitLifetime) {
  OriginAndEdge cdn;
  const auto now = std::chrono::system_clock::now();
  cdn.origin.put("/old.txt", "old news\n",
                 {"Last-Modified: " + http_date(now - std::chrono::hours(24 * 10))});
  auto miss = cdn.get("/old.txt");
  ASSERT_TRUE(miss);
  EXPECT_FALSE(miss->has_header("Cache-Control"));
  auto hit = cdn.get("/old.txt");
  ASSERT_TRUE(hit);
  EXPECT_TRUE(is_hit(hit)) << hit->header("Cache-Status");
  EXPECT_EQ(hit->body, "old news\n");
  EXPECT_EQ(cdn.origin.count("/old.txt"), 1);
}

TEST(EdgeCaching, CdnCacheControlGovernsTheEdgeAndCacheControlIsPassedUnchanged) {
  OriginAndEdge cdn;
  cdn.origin.put("/cdn-long.txt", "edge keeps it\n",
                 {"Cache-Control: max-age=0, must-revalidate", "CDN-Cache-Control: max-age=60"});
  cdn.origin.put("/cdn-none.txt", "edge must not keep it\n",
                 {"Cache-Control: public, max-age=60", "CDN-Cache-Control: no-store"});

  cdn.get("/cdn-long.txt");
  auto hit = cdn.get("/cdn-long.txt");
  ASSERT_TRUE(hit);
  EXPECT_TRUE(is_hit(hit)) << hit->header("Cache-Status");
  EXPECT_EQ(hit->header("Cache-Control"), "max-age=0, must-revalidate");
  EXPECT_EQ(cdn.origin.count("/cdn-long.txt"), 1);

  for (int i = 0; i < 2; ++i) {
    auto r = cdn.get("/cdn-none.txt");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "edge must not keep it\n");
    EXPECT_EQ(r->header("Cache-Control"), "public, max-age=60");
  }
  EXPECT_EQ(cdn.origin.count("/cdn-none.txt"), 2);
}

TEST(EdgeCaching, RequestNoCacheForcesRevalidationOfAFreshObject) {
  OriginAndEdge cdn;
  cdn.origin.put("/fresh.txt", "fresh\n", {"Cache-Control: max-age=60"});
  cdn.get("/fresh.txt");
  for (const std::string field : {"Cache-Control: no-cache", "Pragma: no-cache"}) {
    auto r = cdn.get("/fresh.txt", {field});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "fresh\n");
    EXPECT_TRUE(contains(r->header("Cache-Status"), "fwd-status=304"))
        << field << ": " << r->header("Cache-Status");
  }
  EXPECT_EQ(cdn.origin.count("/fresh.txt"), 3);
  EXPECT_TRUE(is_hit(cdn.get("/fresh.txt")));
  EXPECT_EQ(cdn.origin.count("/fresh.txt"), 3);
}

TEST(EdgeCaching, RequestMaxAgeZeroForcesRevalidation) {
  OriginAndEdge cdn;
  cdn.origin.put("/ma0.txt", "young\n", {"Cache-Control: max-age=60"});
  cdn.get("/ma0.txt");
  auto r = cdn.get("/ma0.txt", {"Cache-Control: max-age=0"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "young\n");
  EXPECT_FALSE(is_hit(r)) << r->header("Cache-Status");
  EXPECT_EQ(cdn.origin.count("/ma0.txt"), 2);
}

TEST(EdgeCaching, OnlyIfCachedAnswers504OnAMissWithoutContactingTheOrigin) {
  OriginAndEdge cdn;
  cdn.origin.put("/oic.txt", "cached later\n", {"Cache-Control: max-age=60"});
  auto miss = cdn.get("/oic.txt", {"Cache-Control: only-if-cached"});
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->status, 504);
  EXPECT_EQ(cdn.origin.count("/oic.txt"), 0);

  cdn.get("/oic.txt");
  auto hit = cdn.get("/oic.txt", {"Cache-Control: only-if-cached"});
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->status, 200);
  EXPECT_EQ(hit->body, "cached later\n");
  EXPECT_EQ(cdn.origin.count("/oic.txt"), 1);
}

TEST(EdgeCaching, AgeIsSentOnHitsAndGrowsWithResidentTime) {
  OriginAndEdge cdn;
  cdn.origin.put("/age.txt", "aging\n", {"Cache-Control: max-age=60"});
  cdn.get("/age.txt");
  auto first = cdn.get("/age.txt");
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->has_header("Age"));
  const int first_age = std::stoi(first->header("Age"));
  EXPECT_GE(first_age, 0);
  EXPECT_LE(first_age, 1);

  std::this_thread::sleep_for(2100ms);
  auto later = cdn.get("/age.txt");
  ASSERT_TRUE(later);
  ASSERT_TRUE(later->has_header("Age"));
  const int later_age = std::stoi(later->header("Age"));
  EXPECT_GE(later_age, first_age + 2);
  EXPECT_LE(later_age, first_age + 4);
}

TEST(EdgeCaching, AgeIncludesTheAgeSentByTheOrigin) {
  OriginAndEdge cdn;
  cdn.origin.put("/aged.txt", "from a parent\n", {"Cache-Control: max-age=600", "Age: 30"});
  cdn.get("/aged.txt");
  auto hit = cdn.get("/aged.txt");
  ASSERT_TRUE(hit);
  EXPECT_TRUE(is_hit(hit));
  ASSERT_EQ(hit->header_count("Age"), 1u);
  const int age = std::stoi(hit->header("Age"));
  EXPECT_GE(age, 30);
  EXPECT_LE(age, 33);
}

TEST(EdgeCaching, CacheStatusReportsMissThenHit) {
  OriginAndEdge cdn;
  cdn.origin.put("/cs.txt", "status\n", {"Cache-Control: max-age=60"});
  auto miss = cdn.get("/cs.txt");
  ASSERT_TRUE(miss);
  const std::string miss_status = miss->header("Cache-Status");
  EXPECT_TRUE(contains(miss_status, "fwd=uri-miss")) << miss_status;
  EXPECT_TRUE(contains(miss_status, "stored")) << miss_status;
  EXPECT_FALSE(contains(miss_status, "; hit")) << miss_status;
  auto hit = cdn.get("/cs.txt");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->header("Cache-Status"), "Candela; hit");
}

// ---- validation --------------------------------------------------------------------------

TEST(EdgeCaching, ExpiredObjectIsRevalidatedAndThe304RefreshesStoredHeaders) {
  OriginAndEdge cdn;
  cdn.origin.put("/rv.txt", "same body\n", {"Cache-Control: max-age=0"});
  auto first = cdn.get("/rv.txt");
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->has_header("ETag"));
  EXPECT_FALSE(first->has_header("X-Refreshed"));

  // The origin's 304 (the ETag is unchanged) now carries a longer lifetime and a new field.
  put_sidecar(cdn.origin, "/rv.txt", {"Cache-Control: max-age=60", "X-Refreshed: yes"});
  auto revalidated = cdn.get("/rv.txt");
  ASSERT_TRUE(revalidated);
  EXPECT_EQ(revalidated->status, 200);
  EXPECT_EQ(revalidated->body, "same body\n");
  EXPECT_TRUE(contains(revalidated->header("Cache-Status"), "fwd-status=304"))
      << revalidated->header("Cache-Status");
  EXPECT_EQ(revalidated->header("X-Refreshed"), "yes");

  auto hit = cdn.get("/rv.txt");
  ASSERT_TRUE(hit);
  EXPECT_TRUE(is_hit(hit)) << hit->header("Cache-Status");
  EXPECT_EQ(hit->header("Cache-Control"), "max-age=60");
  EXPECT_EQ(hit->header("X-Refreshed"), "yes");
  EXPECT_EQ(hit->header_count("Cache-Control"), 1u);
  EXPECT_EQ(hit->header("Content-Length"), "10");
  EXPECT_EQ(hit->body, "same body\n");
  EXPECT_EQ(cdn.origin.count("/rv.txt"), 2);
}

TEST(EdgeCaching, ObjectWithOnlyLastModifiedIsRevalidatedWithIfModifiedSince) {
  OriginAndEdge cdn({"--no-etag"});
  cdn.origin.put("/lm.txt", "dated\n", {"Cache-Control: max-age=0"});
  auto first = cdn.get("/lm.txt");
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->has_header("ETag"));
  ASSERT_TRUE(first->has_header("Last-Modified"));
  auto again = cdn.get("/lm.txt");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, "dated\n");
  // The origin only answers 304 to If-Modified-Since here (it sends no ETag).
  EXPECT_TRUE(contains(again->header("Cache-Status"), "fwd-status=304"))
      << again->header("Cache-Status");
  EXPECT_EQ(cdn.origin.count("/lm.txt"), 2);
}

TEST(EdgeCaching, ClientIfNoneMatchIsAnsweredFromCache) {
  OriginAndEdge cdn;
  cdn.origin.put("/inm.txt", "tagged\n", {"Cache-Control: max-age=60"});
  auto first = cdn.get("/inm.txt");
  ASSERT_TRUE(first);
  const std::string etag = first->header("ETag");
  ASSERT_FALSE(etag.empty());

  auto not_modified = cdn.get("/inm.txt", {"If-None-Match: " + etag});
  ASSERT_TRUE(not_modified);
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_TRUE(not_modified->body.empty());
  EXPECT_EQ(not_modified->header("ETag"), etag);

  auto other = cdn.get("/inm.txt", {"If-None-Match: \"something-else\""});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  EXPECT_EQ(other->body, "tagged\n");
  EXPECT_EQ(cdn.origin.count("/inm.txt"), 1);
}

TEST(EdgeCaching, ClientIfModifiedSinceIsAnsweredFromCache) {
  OriginAndEdge cdn;
  cdn.origin.put("/ims.txt", "dated\n", {"Cache-Control: max-age=60"});
  auto first = cdn.get("/ims.txt");
  ASSERT_TRUE(first);
  const std::string last_modified = first->header("Last-Modified");
  ASSERT_FALSE(last_modified.empty());

  auto not_modified = cdn.get("/ims.txt", {"If-Modified-Since: " + last_modified});
  ASSERT_TRUE(not_modified);
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_TRUE(not_modified->body.empty());

  auto modified = cdn.get("/ims.txt", {"If-Modified-Since: Thu, 01 Jan 1998 00:00:00 GMT"});
  ASSERT_TRUE(modified);
  EXPECT_EQ(modified->status, 200);
  EXPECT_EQ(modified->body, "dated\n");
  EXPECT_EQ(cdn.origin.count("/ims.txt"), 1);
}

TEST(EdgeCaching, HeadIsServedFromACachedGet) {
  OriginAndEdge cdn;
  const std::string body = file_content(1234);
  cdn.origin.put("/h.bin", body, {"Cache-Control: max-age=60"});
  cdn.get("/h.bin");

  RawConnection conn(cdn.edge.port());
  ASSERT_TRUE(conn.send("HEAD /h.bin HTTP/1.1\r\nHost: cache.test\r\n\r\n"));
  auto head = conn.read_response(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Length"), "1234");
  EXPECT_TRUE(head->body.empty());
  EXPECT_TRUE(is_hit(head)) << head->header("Cache-Status");
  // Nothing but the next response may follow the HEAD response on the connection.
  ASSERT_TRUE(conn.send(get_request("/h.bin", kCacheHost)));
  auto get = conn.read_response();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, body);
  EXPECT_EQ(cdn.origin.count("/h.bin"), 1);
}

TEST(EdgeCaching, UnsafeMethodsInvalidateTheCachedUrl) {
  OriginAndEdge cdn;
  // /_origin/status/200 answers every method with 200, so the unsafe requests succeed.
  const std::string path = "/_origin/status/200?cc=max-age%3D600";
  cdn.get(path);
  int expected = 1;
  for (const std::string method : {"POST", "PUT", "DELETE"}) {
    EXPECT_TRUE(is_hit(cdn.get(path))) << method;
    auto unsafe = cdn.request(method, path);
    ASSERT_TRUE(unsafe);
    EXPECT_EQ(unsafe->status, 200) << method;
    EXPECT_EQ(cdn.origin.count(path), ++expected) << method;
    // The GET after the unsafe request goes to the origin (and stores the object again).
    auto after = cdn.get(path);
    ASSERT_TRUE(after);
    EXPECT_FALSE(is_hit(after)) << method << " did not invalidate the cached GET";
    EXPECT_EQ(cdn.origin.count(path), ++expected) << method;
  }
}

// ---- Vary --------------------------------------------------------------------------------

TEST(EdgeCaching, VaryAcceptEncodingStoresOneVariantPerValue) {
  OriginAndEdge cdn;
  cdn.origin.put("/v.txt", "negotiated\n", {"Cache-Control: max-age=60", "Vary: Accept-Encoding"});
  cdn.get("/v.txt", {"Accept-Encoding: gzip"});
  cdn.get("/v.txt", {"Accept-Encoding: br"});
  EXPECT_EQ(cdn.origin.count("/v.txt"), 2);
  for (const std::string coding : {"gzip", "br"}) {
    auto r = cdn.get("/v.txt", {"Accept-Encoding: " + coding});
    ASSERT_TRUE(r);
    EXPECT_TRUE(is_hit(r)) << coding << ": " << r->header("Cache-Status");
    EXPECT_EQ(r->body, "negotiated\n");
    EXPECT_EQ(r->header("Vary"), "Accept-Encoding");
  }
  EXPECT_EQ(cdn.origin.count("/v.txt"), 2);
  // A third value is a third variant.
  auto identity = cdn.get("/v.txt", {"Accept-Encoding: identity"});
  ASSERT_TRUE(identity);
  EXPECT_FALSE(is_hit(identity));
  EXPECT_EQ(cdn.origin.count("/v.txt"), 3);
}

TEST(EdgeCaching, VaryStarIsNeverStored) {
  OriginAndEdge cdn;
  cdn.origin.put("/vs.txt", "unique\n", {"Cache-Control: max-age=60", "Vary: *"});
  for (int i = 0; i < 3; ++i) {
    auto r = cdn.get("/vs.txt");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "unique\n");
  }
  EXPECT_EQ(cdn.origin.count("/vs.txt"), 3);
}

// ---- memory bound and object size limit ---------------------------------------------------

TEST(EdgeCacheMemory, CacheBytesStayWithinTheRamBudgetWhileEvictionsGrow) {
  constexpr std::uint64_t kBudget = 2u << 20;
  OriginAndEdge cdn({}, {{"ram_bytes", kBudget}, {"max_object_bytes", 64 * 1024}});
  const int port = cdn.edge.admin_port();
  ASSERT_EQ(metric(port, "candela_edge_cache_evictions_total"), 0);
  constexpr int kObjects = 240;  // 240 × 32 KiB = 7.5 MiB, well over the budget
  double peak = 0;
  for (int i = 0; i < kObjects; ++i) {
    const std::string path = "/_origin/bytes/32768/obj" + std::to_string(i) + "?cc=max-age%3D600";
    auto r = cdn.get(path);
    ASSERT_TRUE(r) << i;
    ASSERT_EQ(r->status, 200) << i;
    ASSERT_EQ(r->body.size(), 32768u) << i;
    if (i % 10 == 9) {
      const double bytes = metric(port, "candela_edge_cache_bytes");
      ASSERT_GE(bytes, 0);
      EXPECT_LE(bytes, static_cast<double>(kBudget)) << "after " << i + 1 << " objects";
      peak = std::max(peak, bytes);
    }
  }
  EXPECT_GT(peak, kBudget / 4.0);  // the cache was actually used
  const double evictions = metric(port, "candela_edge_cache_evictions_total");
  EXPECT_GT(evictions, 0);
  // Evictions keep growing with more distinct objects.
  for (int i = kObjects; i < kObjects + 40; ++i) {
    cdn.get("/_origin/bytes/32768/obj" + std::to_string(i) + "?cc=max-age%3D600");
  }
  EXPECT_GT(metric(port, "candela_edge_cache_evictions_total"), evictions);
  EXPECT_LE(metric(port, "candela_edge_cache_bytes"), static_cast<double>(kBudget));
  EXPECT_LE(metric(port, "candela_edge_cache_objects"), kObjects);
}

TEST(EdgeCacheMemory, ObjectOverMaxObjectBytesStreamsCompletelyButIsNotStored) {
  OriginAndEdge cdn({}, {{"ram_bytes", 16u << 20}, {"max_object_bytes", 100000}});
  // One with a Content-Length, one chunked (its size is only known once it has arrived).
  for (const std::string query : {"?cc=max-age%3D600", "?cc=max-age%3D600&chunked=1"}) {
    const std::string path = "/_origin/bytes/300000/big" + query;
    for (int i = 0; i < 3; ++i) {
      auto r = cdn.get(path);
      ASSERT_TRUE(r) << path;
      EXPECT_EQ(r->status, 200) << path;
      EXPECT_EQ(r->body.size(), 300000u) << path;
      EXPECT_TRUE(r->body == origin_bytes(300000)) << path;
      EXPECT_FALSE(is_hit(r)) << path;
    }
    EXPECT_EQ(cdn.origin.count(path), 3) << path;
  }
  // A small object next to them is still cached.
  cdn.get("/_origin/bytes/1000/small?cc=max-age%3D600");
  EXPECT_TRUE(is_hit(cdn.get("/_origin/bytes/1000/small?cc=max-age%3D600")));
}

}  // namespace
}  // namespace candela::testing
