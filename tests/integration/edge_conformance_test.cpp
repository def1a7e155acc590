// End-to-end checks of cases from the public HTTP caching test suite (github.com/http-tests/
// cache-tests) where Candela once differed from a required or optimal shared-cache expectation.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <string>

#include "edge_cache_helpers.hpp"
#include "edge_test_helpers.hpp"

namespace candela::testing {
namespace {

using namespace std::chrono_literals;

bool is_hit(const std::optional<HttpResponse>& r) {
  return r && r->header("Cache-Status") == "Candela; hit";
}

// cache-tests cdn-cc-invalid-sh-type-unknown / -wrong: a CDN-Cache-Control that is not a valid
// Structured Field dictionary is ignored, so Cache-Control: no-store decides.
TEST(EdgeConformance, InvalidCdnCacheControlIsIgnoredInFavourOfCacheControl) {
  OriginAndEdge cdn;
  cdn.origin.put("/unknown-type.txt", "a\n",
                 {"CDN-Cache-Control: max-age=10000, &&&&&", "Cache-Control: no-store"});
  cdn.origin.put("/wrong-type.txt", "b\n",
                 {"CDN-Cache-Control: max-age=\"10000\"", "Cache-Control: no-store"});
  cdn.origin.put("/valid.txt", "c\n",
                 {"CDN-Cache-Control: foobar, max-age=10000", "Cache-Control: no-store"});

  for (const std::string path : {"/unknown-type.txt", "/wrong-type.txt"}) {
    ASSERT_TRUE(cdn.get(path));
    auto again = cdn.get(path);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200);
    EXPECT_FALSE(is_hit(again)) << path << ": " << again->header("Cache-Status");
    EXPECT_EQ(cdn.origin.count(path), 2) << path;
  }

  ASSERT_TRUE(cdn.get("/valid.txt"));
  auto hit = cdn.get("/valid.txt");
  EXPECT_TRUE(is_hit(hit)) << (hit ? hit->header("Cache-Status") : "no response");
  EXPECT_EQ(cdn.origin.count("/valid.txt"), 1);
}

// cache-tests headers-store-Proxy-Authentication-Info: the field addresses the proxy and is
// never stored (RFC 9111 §3.1); other fields are.
TEST(EdgeConformance, ProxyAuthenticationInfoIsNotStored) {
  OriginAndEdge cdn;
  cdn.origin.put(
      "/pai.txt", "pai\n",
      {"Cache-Control: max-age=3600", "Proxy-Authentication-Info: nextnonce=\"abc\"", "X-Kept: 1"});

  ASSERT_TRUE(cdn.get("/pai.txt"));
  auto hit = cdn.get("/pai.txt");
  ASSERT_TRUE(hit);
  EXPECT_TRUE(is_hit(hit)) << hit->header("Cache-Status");
  EXPECT_EQ(hit->header("X-Kept"), "1");
  EXPECT_FALSE(hit->has_header("Proxy-Authentication-Info"));
}

// cache-tests freshness-expires-wrong-case-*: an Expires whose names have unusual case still
// gives the response its freshness.
TEST(EdgeConformance, ExpiresWithWrongCaseNamesIsHonoured) {
  OriginAndEdge cdn;
  const std::string expires = http_date(std::chrono::system_clock::now() + 3600s);
  std::string odd_case = expires;
  odd_case.replace(odd_case.size() - 3, 3, "gMT");
  for (std::size_t i : {0, 1, 2, 8, 9, 10}) {  // "THU, 18 AUG 2050 02:01:18 gMT"
    odd_case[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(odd_case[i])));
  }
  cdn.origin.put("/expires.txt", "e\n", {"Expires: " + odd_case});

  ASSERT_TRUE(cdn.get("/expires.txt"));
  auto hit = cdn.get("/expires.txt");
  EXPECT_TRUE(is_hit(hit)) << (hit ? hit->header("Cache-Status") : "no response");
  EXPECT_EQ(cdn.origin.count("/expires.txt"), 1);
}

// RFC 9111 §4.3.4: a 304 whose validators name another representation than the stored one must
// not refresh it; with nothing valid to serve, the client gets 502 rather than stale content.
TEST(EdgeConformance, NotModifiedForAnotherRepresentationDoesNotRefreshTheStoredOne) {
  OriginAndEdge cdn;
  cdn.origin.put("/etag.txt", "stored body\n", {"Cache-Control: max-age=1", "ETag: \"a\""});
  auto first = cdn.get("/etag.txt");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);

  // The property now fills from an origin that answers every request with a 304 for "b".
  FakeOrigin other("HTTP/1.1 304 Not Modified\r\nETag: \"b\"\r\nCache-Control: max-age=60\r\n\r\n");
  nlohmann::json config = cdn.edge.config();
  config["properties"][0]["origin"]["port"] = other.port();
  cdn.edge.reload(config);
  std::this_thread::sleep_for(2100ms);  // the reload applies and the stored object expires

  auto after = cdn.get("/etag.txt");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 502) << after->header("Cache-Status");
  ASSERT_FALSE(other.requests().empty());
  EXPECT_NE(other.requests().back().find("If-None-Match: \"a\""), std::string::npos);
}

}  // namespace
}  // namespace candela::testing
