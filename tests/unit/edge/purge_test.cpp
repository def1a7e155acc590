// Tests of purging a running edge's cache: request validation, URL (with variants), pattern and
// tag purges, hard and soft, and the admin endpoint's JSON.
#include "edge/purge.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cache/cache_key.hpp"
#include "cache/cache_object.hpp"
#include "cache/freshness.hpp"
#include "common/http_date.hpp"
#include "edge/edge_runtime.hpp"
#include "edge/property_keys.hpp"
#include "edge/property_table.hpp"
#include "edge/purge_http.hpp"

namespace candela::edge {
namespace {

using std::chrono::seconds;

const SysTime kStart = SysTime{} + seconds(1'800'000'000);

class PurgeTest : public ::testing::Test {
 protected:
  PurgeTest() : clock_(kStart), runtime_(EdgeConfig{}, clock_), properties_(make_properties()) {}

  static PropertyTable make_properties() {
    auto www = std::make_shared<Property>();
    www->id = "SCID1.www";
    www->aliases = {"www.example.com"};
    auto img = std::make_shared<Property>();
    img->id = "SCID1.img";
    img->aliases = {"img.example.com"};
    return PropertyTable({www, img});
  }

  const Property& property(std::string_view id) {
    for (const auto& p : properties_.properties()) {
      if (p->id == id) return *p;
    }
    throw std::logic_error("no such property");
  }

  std::string key(std::string_view property_id, std::string_view path,
                  std::string_view query = {}) {
    std::string out;
    build_primary_key(property(property_id), path, query, out);
    return out;
  }

  // A complete, fresh (one hour) response stored under `stored_key`.
  void store(const std::string& stored_key, std::string_view head = {}) {
    cache::ObjectSpec spec;
    spec.key = stored_key;
    spec.header_block = head;
    spec.declared_length = 1;
    spec.freshness.response_time = to_unix_seconds(kStart);
    spec.freshness.freshness_lifetime = 3600;
    auto object = cache::CacheObject::create(spec);
    object->append("x", 1);
    object->finish();
    const auto charge = object->charge();
    runtime_.store().insert(std::move(object), charge);
  }

  void store_variants(const std::string& primary, std::initializer_list<const char*> secondaries) {
    cache::ObjectSpec index;
    index.kind = cache::ObjectKind::kVaryIndex;
    index.key = primary;
    index.vary = "accept-encoding";
    auto object = cache::CacheObject::create(index);
    const auto charge = object->charge();
    runtime_.store().insert(std::move(object), charge);
    for (const char* secondary : secondaries)
      store(primary + cache::kVariantSeparator + secondary);
  }

  bool stored(const std::string& k) { return runtime_.store().lookup(k) != nullptr; }
  bool fresh(const std::string& k) {
    auto o = runtime_.store().lookup(k);
    return o && cache::is_fresh(o->freshness(), clock_.now());
  }

  Result<PurgeResult> purge(PurgeRequest::Kind kind, PurgeMode mode, std::string property_id,
                            std::vector<std::string> values) {
    PurgeRequest r{kind, mode, std::move(property_id), std::move(values)};
    return apply_purge(runtime_, properties_, r);
  }

  ManualClock clock_;
  EdgeRuntime runtime_;
  PropertyTable properties_;
};

TEST_F(PurgeTest, HardUrlPurgeRemovesEveryVariantOfThatUrlOnly) {
  store_variants(key("SCID1.www", "/a.css"), {"accept-encoding:gzip\n", "accept-encoding:br\n"});
  store(key("SCID1.www", "/a.css", "v=2"));
  store(key("SCID1.img", "/a.css"));
  auto r = purge(PurgeRequest::Kind::kUrl, PurgeMode::kHard, "SCID1.www", {"/a.css"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->objects, 2u);
  EXPECT_FALSE(stored(key("SCID1.www", "/a.css")));
  EXPECT_TRUE(stored(key("SCID1.www", "/a.css", "v=2")));
  EXPECT_TRUE(stored(key("SCID1.img", "/a.css")));
}

TEST_F(PurgeTest, UrlsAreNormalisedLikeCacheKeys) {
  store(key("SCID1.www", "/~user/a b", "x=%7e"));
  auto r = purge(PurgeRequest::Kind::kUrl, PurgeMode::kHard, "SCID1.www",
                 {"/%7Euser/a b?x=~", "/%7euser/a b?x=%7E"});  // the same URL twice
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->objects, 1u);
}

TEST_F(PurgeTest, SoftUrlPurgeKeepsTheObjectsButMakesThemStale) {
  store(key("SCID1.www", "/page"));
  auto r = purge(PurgeRequest::Kind::kUrl, PurgeMode::kSoft, "SCID1.www", {"/page"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->objects, 1u);
  EXPECT_TRUE(stored(key("SCID1.www", "/page")));
  EXPECT_FALSE(fresh(key("SCID1.www", "/page")));
}

TEST_F(PurgeTest, PatternPurgeMatchesThePropertysPathsAndQueriesWhenAsked) {
  store(key("SCID1.www", "/img/a.png"));
  store(key("SCID1.www", "/img/sub/b.png"));
  store(key("SCID1.www", "/img/c.jpg"));
  store(key("SCID1.www", "/search", "q=x"));
  store(key("SCID1.img", "/img/a.png"));
  auto r = purge(PurgeRequest::Kind::kPattern, PurgeMode::kHard, "SCID1.www",
                 {"/img/*.png", "/search?q=*"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->objects, 3u);
  EXPECT_TRUE(stored(key("SCID1.www", "/img/c.jpg")));
  EXPECT_TRUE(stored(key("SCID1.img", "/img/a.png")));
  // Without '?' a pattern looks at the path only, so /search?q=x matches "/search".
  store(key("SCID1.www", "/search", "q=y"));
  r = purge(PurgeRequest::Kind::kPattern, PurgeMode::kSoft, "SCID1.www", {"/search"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->objects, 1u);
}

TEST_F(PurgeTest, TagPurgeTakesTheTaggedObjectsOfTheProperty) {
  store(key("SCID1.www", "/p/1"), "Surrogate-Key: product-1 catalog\r\n");
  store(key("SCID1.www", "/p/2"), "Cache-Tag: product-2, catalog\r\n");
  store(key("SCID1.www", "/home"));
  store(key("SCID1.img", "/p/1.jpg"), "Surrogate-Key: product-1\r\n");
  auto r = purge(PurgeRequest::Kind::kTag, PurgeMode::kHard, "SCID1.www", {"product-1"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->objects, 1u);
  r = purge(PurgeRequest::Kind::kTag, PurgeMode::kSoft, "SCID1.www", {"catalog", "product-2"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->objects, 1u);
  EXPECT_FALSE(fresh(key("SCID1.www", "/p/2")));
  EXPECT_TRUE(fresh(key("SCID1.www", "/home")));
  EXPECT_TRUE(stored(key("SCID1.img", "/p/1.jpg")));
}

TEST_F(PurgeTest, BadRequestsAreRefusedWholeWithAMessage) {
  store(key("SCID1.www", "/a"));
  auto r = purge(PurgeRequest::Kind::kUrl, PurgeMode::kHard, "SCID1.www", {"/a", "b"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error_kind(), ErrorKind::kInvalid);
  EXPECT_NE(r.error().find("values[1]"), std::string::npos) << r.error();
  EXPECT_TRUE(stored(key("SCID1.www", "/a")));  // nothing purged

  r = purge(PurgeRequest::Kind::kPattern, PurgeMode::kHard, "SCID1.www", {"/a", "/[x"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "values[1]: position 2: '[' is never closed with ']'");

  r = purge(PurgeRequest::Kind::kTag, PurgeMode::kHard, "SCID1.www", {""});
  ASSERT_FALSE(r.ok());
  r = purge(PurgeRequest::Kind::kUrl, PurgeMode::kHard, "SCID1.www", {});
  ASSERT_FALSE(r.ok());

  r = purge(PurgeRequest::Kind::kUrl, PurgeMode::kHard, "nobody", {"/a"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error_kind(), ErrorKind::kNotFound);
}

TEST_F(PurgeTest, AdminJsonEndpointAnswersObjectsOrAProblem) {
  store(key("SCID1.www", "/a"));
  auto reply = handle_purge(
      runtime_, properties_,
      R"({"property_id":"SCID1.www","kind":"url","mode":"hard","values":["/a","/b"]})");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "application/json");
  EXPECT_EQ(nlohmann::json::parse(reply.body), nlohmann::json({{"objects", 1}}));

  for (const char* body :
       {"not json", "[]", R"({"property_id":"SCID1.www","kind":"url","mode":"hard"})",
        R"({"property_id":"SCID1.www","kind":"url","mode":"medium","values":["/a"]})",
        R"({"property_id":"SCID1.www","kind":"glob","mode":"hard","values":["/a"]})",
        R"({"property_id":"SCID1.www","kind":"url","mode":"hard","values":[1]})",
        R"({"property_id":"SCID1.www","kind":"url","mdoe":"hard","values":["/a"]})",
        R"({"property_id":"SCID1.www","kind":"pattern","mode":"hard","values":["a{"]})"}) {
    reply = handle_purge(runtime_, properties_, body);
    EXPECT_EQ(reply.status, 400) << body;
    EXPECT_EQ(reply.content_type, "application/problem+json");
    const auto problem = nlohmann::json::parse(reply.body);
    EXPECT_EQ(problem["status"], 400);
    EXPECT_FALSE(problem["detail"].get<std::string>().empty()) << body;
  }
  reply = handle_purge(runtime_, properties_,
                       R"({"property_id":"x","kind":"tag","mode":"soft","values":["t"]})");
  EXPECT_EQ(reply.status, 404);
  EXPECT_NE(reply.body.find("not served by this edge"), std::string::npos);
}

}  // namespace
}  // namespace candela::edge
