// Serving stale content end to end: stale-while-revalidate (from the response and from the
// configured default), stale-if-error on an unreachable or failing origin, the end of the
// window, and must-revalidate forbidding stale use.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "edge_cache_helpers.hpp"

namespace candela::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// GETs `path` until the response's Cache-Status satisfies `wanted` (or the deadline passes);
// returns the last response.
template <class Wanted>
std::optional<HttpResponse> get_until(const OriginAndEdge& cdn, const std::string& path,
                                      Wanted wanted, std::chrono::milliseconds timeout = 5000ms) {
  std::optional<HttpResponse> last;
  eventually(
      [&] {
        last = cdn.get(path);
        return last && wanted(last->header("Cache-Status"));
      },
      timeout);
  return last;
}

std::optional<HttpResponse> get_until_stale(const OriginAndEdge& cdn, const std::string& path) {
  return get_until(cdn, path, [](const std::string& s) { return contains(s, "stale"); });
}

std::optional<HttpResponse> get_until_fresh_hit(const OriginAndEdge& cdn, const std::string& path) {
  return get_until(cdn, path, [](const std::string& s) { return s == "Candela; hit"; });
}

TEST(EdgeStale, StaleWhileRevalidateServesStaleAtOnceAndRefreshesInTheBackground) {
  OriginAndEdge cdn;
  cdn.origin.put("/swr.txt", "stale is fine\n",
                 {"Cache-Control: max-age=1, stale-while-revalidate=30"});
  ASSERT_TRUE(cdn.get("/swr.txt"));
  // From now on the origin is slow, and its answers (304s) carry a long lifetime.
  put_sidecar(cdn.origin, "/swr.txt",
              {"Cache-Control: max-age=60, stale-while-revalidate=30", "@delay-ms: 1500"});

  std::optional<HttpResponse> stale;
  double stale_seconds = 0;
  ASSERT_TRUE(eventually([&] {
    const auto started = Clock::now();
    stale = cdn.get("/swr.txt");
    stale_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return stale && contains(stale->header("Cache-Status"), "stale");
  })) << "the object never became stale";
  EXPECT_EQ(stale->status, 200);
  EXPECT_EQ(stale->body, "stale is fine\n");
  EXPECT_TRUE(contains(stale->header("Cache-Status"), "hit")) << stale->header("Cache-Status");
  EXPECT_LT(stale_seconds, 1.0) << "the stale response waited for the revalidation";

  // The background revalidation reached the origin once, and afterwards the object is fresh.
  EXPECT_TRUE(eventually([&] { return cdn.origin.count("/swr.txt") == 2; }));
  auto fresh = get_until_fresh_hit(cdn, "/swr.txt");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->header("Cache-Status"), "Candela; hit");
  EXPECT_EQ(fresh->header("Cache-Control"), "max-age=60, stale-while-revalidate=30");
  EXPECT_EQ(fresh->body, "stale is fine\n");
  EXPECT_EQ(cdn.origin.count("/swr.txt"), 2);
}

TEST(EdgeStale, ConfiguredStaleWhileRevalidateDefaultApplies) {
  OriginAndEdge cdn({}, {{"stale_while_revalidate_seconds", 30}});
  cdn.origin.put("/swr-default.txt", "default window\n", {"Cache-Control: max-age=1"});
  ASSERT_TRUE(cdn.get("/swr-default.txt"));
  put_sidecar(cdn.origin, "/swr-default.txt", {"Cache-Control: max-age=60"});

  auto stale = get_until_stale(cdn, "/swr-default.txt");
  ASSERT_TRUE(stale);
  EXPECT_TRUE(contains(stale->header("Cache-Status"), "stale")) << stale->header("Cache-Status");
  EXPECT_EQ(stale->status, 200);
  EXPECT_EQ(stale->body, "default window\n");

  auto fresh = get_until_fresh_hit(cdn, "/swr-default.txt");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->header("Cache-Status"), "Candela; hit");
  EXPECT_EQ(cdn.origin.count("/swr-default.txt"), 2);
}

TEST(EdgeStale, StaleIfErrorServesStaleWhileTheOriginIsDown) {
  OriginAndEdge cdn;
  cdn.origin.put("/sie.txt", "still here\n", {"Cache-Control: max-age=1, stale-if-error=60"});
  ASSERT_TRUE(cdn.get("/sie.txt"));
  cdn.origin.stop();

  auto r = get_until_stale(cdn, "/sie.txt");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "still here\n");
  EXPECT_TRUE(contains(r->header("Cache-Status"), "stale-if-error")) << r->header("Cache-Status");
  // And it keeps being served while the origin stays down.
  auto again = cdn.get("/sie.txt");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, "still here\n");
}

TEST(EdgeStale, StaleIfErrorServesStaleWhenTheOriginAnswers5xx) {
  OriginAndEdge cdn;
  cdn.origin.put("/sie5.txt", "good copy\n", {"Cache-Control: max-age=1, stale-if-error=60"});
  ASSERT_TRUE(cdn.get("/sie5.txt"));
  put_sidecar(cdn.origin, "/sie5.txt",
              {"Cache-Control: max-age=1, stale-if-error=60", "@status: 503"});

  auto r = get_until_stale(cdn, "/sie5.txt");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "good copy\n");
  EXPECT_TRUE(contains(r->header("Cache-Status"), "stale-if-error")) << r->header("Cache-Status");
  EXPECT_GE(cdn.origin.count("/sie5.txt"), 2);
}

TEST(EdgeStale, ConfiguredStaleIfErrorDefaultApplies) {
  OriginAndEdge cdn({}, {{"stale_if_error_seconds", 60}});
  cdn.origin.put("/sie-default.txt", "default rescue\n", {"Cache-Control: max-age=1"});
  ASSERT_TRUE(cdn.get("/sie-default.txt"));
  cdn.origin.stop();
  auto r = get_until_stale(cdn, "/sie-default.txt");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "default rescue\n");
}

TEST(EdgeStale, BeyondTheStaleIfErrorWindowTheErrorReachesTheClient) {
  OriginAndEdge cdn;
  cdn.origin.put("/short-sie.txt", "briefly\n", {"Cache-Control: max-age=1, stale-if-error=1"});
  ASSERT_TRUE(cdn.get("/short-sie.txt"));
  cdn.origin.stop();

  std::optional<HttpResponse> r;
  ASSERT_TRUE(eventually([&] {
    r = cdn.get("/short-sie.txt");
    if (!r) return false;
    // Until the window closes only the stored copy may be served.
    if (r->status == 200) {
      EXPECT_EQ(r->body, "briefly\n");
      return false;
    }
    return true;
  })) << "the stale copy was still served after its window";
  EXPECT_TRUE(r->status == 502 || r->status == 504) << r->status;
}

TEST(EdgeStale, MustRevalidateForbidsServingStaleOnError) {
  OriginAndEdge cdn;
  cdn.origin.put("/mr.txt", "strict\n",
                 {"Cache-Control: max-age=1, must-revalidate, stale-if-error=60"});
  ASSERT_TRUE(cdn.get("/mr.txt"));
  cdn.origin.stop();

  std::optional<HttpResponse> r;
  ASSERT_TRUE(eventually([&] {
    r = cdn.get("/mr.txt");
    return r && r->header("Cache-Status") != "Candela; hit";
  }));
  // The first answer that is not a fresh hit is the error, never the stale copy.
  EXPECT_TRUE(r->status == 502 || r->status == 504)
      << r->status << " " << r->header("Cache-Status");
  EXPECT_FALSE(contains(r->header("Cache-Status"), "stale")) << r->header("Cache-Status");
}

}  // namespace
}  // namespace candela::testing
