// Purges end to end through the edge's admin listener (POST /purge): by URL with its Vary
// variants, by tag, by pattern; hard ones refetch, soft ones revalidate with the origin.
// Also the cache behaviours the purge work touched: variant keys of different URLs, and a body
// cut short by the origin never being served from cache.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "edge_cache_helpers.hpp"
#include "edge_test_helpers.hpp"

namespace candela::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// OriginAndEdge's property id.
constexpr const char* kProperty = "cache";

std::optional<HttpResponse> post_purge(const OriginAndEdge& cdn, const json& body) {
  return http_request(cdn.edge.admin_port(), "POST", "/purge", "admin",
                      {"Content-Type: application/json"}, body.dump());
}

// Purges and returns the number of objects the edge reports (-1 on any failure).
long purge(const OriginAndEdge& cdn, const std::string& kind, const std::string& mode,
           const std::vector<std::string>& values) {
  auto r = post_purge(
      cdn, {{"property_id", kProperty}, {"kind", kind}, {"mode", mode}, {"values", values}});
  if (!r || r->status != 200) {
    ADD_FAILURE() << "purge failed: " << (r ? std::to_string(r->status) + " " + r->body : "");
    return -1;
  }
  return json::parse(r->body).at("objects").get<long>();
}

std::string cache_status(const std::optional<HttpResponse>& r) {
  return r ? r->header("Cache-Status") : "(no response)";
}

bool is_hit(const std::optional<HttpResponse>& r) {
  return cache_status(r) == "Candela; hit";
}

TEST(EdgePurge, HardUrlPurgeMakesTheNextRequestAMissWithEveryVariantGone) {
  OriginAndEdge cdn;
  cdn.origin.put("/v.txt", "negotiated\n", {"Cache-Control: max-age=600", "Vary: Accept-Encoding"});
  cdn.origin.put("/other.txt", "other\n", {"Cache-Control: max-age=600"});
  for (const char* coding : {"gzip", "br"})
    ASSERT_TRUE(cdn.get("/v.txt", {std::string("Accept-Encoding: ") + coding}));
  ASSERT_TRUE(cdn.get("/other.txt"));
  ASSERT_TRUE(is_hit(cdn.get("/v.txt", {"Accept-Encoding: gzip"})));

  EXPECT_EQ(purge(cdn, "url", "hard", {"/v.txt"}), 2);
  for (const char* coding : {"gzip", "br"}) {
    auto r = cdn.get("/v.txt", {std::string("Accept-Encoding: ") + coding});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "negotiated\n");
    EXPECT_FALSE(is_hit(r)) << coding << ": " << cache_status(r);
  }
  EXPECT_EQ(cdn.origin.count("/v.txt"), 4);
  EXPECT_TRUE(is_hit(cdn.get("/other.txt")));
}

TEST(EdgePurge, SoftPurgeRevalidatesWithAConditionalRequest) {
  OriginAndEdge cdn;
  cdn.origin.put("/soft.txt", "unchanged\n", {"Cache-Control: max-age=600"});
  ASSERT_TRUE(cdn.get("/soft.txt"));
  ASSERT_TRUE(is_hit(cdn.get("/soft.txt")));

  EXPECT_EQ(purge(cdn, "url", "soft", {"/soft.txt"}), 1);
  // The origin's 304 proves the request carried the stored validators.
  auto revalidated = cdn.get("/soft.txt");
  ASSERT_TRUE(revalidated);
  EXPECT_EQ(revalidated->status, 200);
  EXPECT_EQ(revalidated->body, "unchanged\n");
  EXPECT_EQ(cache_status(revalidated), "Candela; fwd=stale; fwd-status=304");
  EXPECT_EQ(cdn.origin.count("/soft.txt"), 2);
  // Refreshed by the 304: fresh again.
  EXPECT_TRUE(is_hit(cdn.get("/soft.txt")));
  EXPECT_EQ(cdn.origin.count("/soft.txt"), 2);
}

TEST(EdgePurge, SoftPurgeServesStaleOnlyWithinStaleWhileRevalidate) {
  OriginAndEdge cdn;
  cdn.origin.put("/swr.txt", "stale allowed\n",
                 {"Cache-Control: max-age=600, stale-while-revalidate=60"});
  ASSERT_TRUE(cdn.get("/swr.txt"));
  EXPECT_EQ(purge(cdn, "url", "soft", {"/swr.txt"}), 1);
  auto stale = cdn.get("/swr.txt");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->body, "stale allowed\n");
  EXPECT_EQ(cache_status(stale), "Candela; hit; detail=stale-while-revalidate");
  // The background revalidation reaches the origin and refreshes the object.
  EXPECT_TRUE(eventually([&] { return cdn.origin.count("/swr.txt") == 2; }));
  EXPECT_TRUE(eventually([&] { return is_hit(cdn.get("/swr.txt")); }));
}

TEST(EdgePurge, TagPurgeRemovesTheObjectsCarryingTheTag) {
  OriginAndEdge cdn;
  cdn.origin.put("/p1.html", "one\n", {"Cache-Control: max-age=600", "Surrogate-Key: p1 list"});
  cdn.origin.put("/p2.html", "two\n", {"Cache-Control: max-age=600", "Cache-Tag: p2, list"});
  cdn.origin.put("/home.html", "home\n", {"Cache-Control: max-age=600"});
  for (const char* path : {"/p1.html", "/p2.html", "/home.html"})
    ASSERT_TRUE(cdn.get(path));

  EXPECT_EQ(purge(cdn, "tag", "hard", {"list"}), 2);
  EXPECT_FALSE(is_hit(cdn.get("/p1.html")));
  EXPECT_FALSE(is_hit(cdn.get("/p2.html")));
  EXPECT_TRUE(is_hit(cdn.get("/home.html")));
  // The refetched objects are indexed again.
  EXPECT_EQ(purge(cdn, "tag", "hard", {"p1", "p2"}), 2);
}

TEST(EdgePurge, PatternPurgeRemovesMatchingPathsOnly) {
  OriginAndEdge cdn;
  for (const char* path : {"/img/a.png", "/img/sub/b.png", "/img/c.jpg", "/css/site.css"}) {
    cdn.origin.put(path, "content\n", {"Cache-Control: max-age=600"});
    ASSERT_TRUE(cdn.get(path));
  }
  EXPECT_EQ(purge(cdn, "pattern", "hard", {"/img/*.png"}), 2);
  EXPECT_FALSE(is_hit(cdn.get("/img/a.png")));
  EXPECT_FALSE(is_hit(cdn.get("/img/sub/b.png")));
  EXPECT_TRUE(is_hit(cdn.get("/img/c.jpg")));
  EXPECT_TRUE(is_hit(cdn.get("/css/site.css")));
}

TEST(EdgePurge, BadRequestsGetAProblemDocument) {
  OriginAndEdge cdn;
  const json good = {
      {"property_id", kProperty}, {"kind", "url"}, {"mode", "hard"}, {"values", {"/a"}}};
  auto r = post_purge(cdn, good);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body), json({{"objects", 0}}));

  json bad = good;
  bad["kind"] = "everything";
  r = post_purge(cdn, bad);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->header("Content-Type"), "application/problem+json");
  EXPECT_NE(json::parse(r->body).at("detail").get<std::string>().find("kind"), std::string::npos);

  bad = good;
  bad["kind"] = "pattern";
  bad["values"] = {"/a{2,1}"};
  r = post_purge(cdn, bad);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("lower bound"), std::string::npos) << r->body;

  bad = good;
  bad["property_id"] = "not-here";
  r = post_purge(cdn, bad);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);

  r = http_request(cdn.edge.admin_port(), "GET", "/purge", "admin");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  r = http_request(cdn.edge.admin_port(), "POST", "/purge", "admin", {}, "{not json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

// Two URLs varying on the same field used to share variant keys: the second could overwrite
// the first's variant, and the first URL then served the second's body.
TEST(EdgePurge, VariantsOfDifferentUrlsNeverMix) {
  OriginAndEdge cdn;
  cdn.origin.put("/a.css", "body of a\n", {"Cache-Control: max-age=600", "Vary: Accept-Encoding"});
  cdn.origin.put("/b.css", "body of b\n", {"Cache-Control: max-age=600", "Vary: Accept-Encoding"});
  ASSERT_TRUE(cdn.get("/a.css", {"Accept-Encoding: gzip"}));
  ASSERT_TRUE(cdn.get("/b.css", {"Accept-Encoding: gzip"}));
  auto a = cdn.get("/a.css", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->body, "body of a\n");
  EXPECT_TRUE(is_hit(a)) << cache_status(a);
  auto b = cdn.get("/b.css", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->body, "body of b\n");
  EXPECT_TRUE(is_hit(b)) << cache_status(b);
}

// An origin that announces 100 bytes, sends 10 and stalls: the fill fails, and the next client
// must be served by a new fill, never the truncated copy.
TEST(EdgePurge, BodyCutShortByTheOriginIsNotServedFromCache) {
  FakeOrigin origin(
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nCache-Control: max-age=600\r\n\r\n0123456789");
  auto property = property_json(kProperty, kCacheHost, origin.port());
  property["origin"]["read_timeout_ms"] = 300;
  EdgeServer edge(edge_config({property}));
  auto first = http_get(edge.port(), "/cut", kCacheHost);
  EXPECT_FALSE(first && first->body.size() == 100) << "a truncated body was completed";
  ASSERT_TRUE(wait_until([&] { return origin.requests().size() == 1; }));
  std::this_thread::sleep_for(500ms);  // the fill has timed out and failed
  http_get(edge.port(), "/cut", kCacheHost);
  EXPECT_EQ(origin.requests().size(), 2u) << "the truncated object was served from cache";
}

}  // namespace
}  // namespace candela::testing
