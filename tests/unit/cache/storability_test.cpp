// Tests for the shared-cache storage decision (RFC 9111 §3).
#include "cache/storability.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

namespace candela::cache {
namespace {

using Fields = std::initializer_list<std::pair<const char*, const char*>>;

http::HeaderList headers(Fields fields) {
  http::HeaderList h;
  for (const auto& [n, v] : fields)
    h.add(n, v);
  return h;
}

StoreDecision decide(std::string_view method, Fields req, int status, Fields resp,
                     const StorabilityConfig& config = {}) {
  const auto rq = headers(req);
  const auto rs = headers(resp);
  const auto rsv = rs.view();
  return decide_storability(method, rq.view(), status, rsv, select_response_directives(rsv),
                            config);
}

struct Case {
  const char* name;
  const char* method;
  Fields request;
  int status;
  Fields response;
  bool store;
  const char* reason;
};

TEST(Storability, Matrix) {
  const Case cases[] = {
      {"plain max-age", "GET", {}, 200, {{"Cache-Control", "max-age=60"}}, true, "stored"},
      {"POST never stored", "POST", {}, 200, {{"Cache-Control", "max-age=60"}}, false, "method"},
      {"HEAD not stored", "HEAD", {}, 200, {{"Cache-Control", "max-age=60"}}, false, "method"},
      {"PUT", "PUT", {}, 200, {{"Cache-Control", "max-age=60"}}, false, "method"},
      {"1xx", "GET", {}, 100, {{"Cache-Control", "max-age=60"}}, false, "status"},
      {"304", "GET", {}, 304, {{"Cache-Control", "max-age=60"}}, false, "status"},
      {"206", "GET", {}, 206, {{"Cache-Control", "max-age=60"}}, false, "partial"},
      {"response no-store",
       "GET",
       {},
       200,
       {{"Cache-Control", "max-age=60, no-store"}},
       false,
       "no-store"},
      {"request no-store",
       "GET",
       {{"Cache-Control", "no-store"}},
       200,
       {{"Cache-Control", "max-age=60"}},
       false,
       "request-no-store"},
      {"private", "GET", {}, 200, {{"Cache-Control", "private, max-age=60"}}, false, "private"},
      {"qualified private stores",
       "GET",
       {},
       200,
       {{"Cache-Control", "private=\"X-User\", max-age=60"}},
       true,
       "stored"},
      {"authorization refused",
       "GET",
       {{"Authorization", "Bearer x"}},
       200,
       {{"Cache-Control", "max-age=60"}},
       false,
       "authorization"},
      {"authorization with public",
       "GET",
       {{"Authorization", "Bearer x"}},
       200,
       {{"Cache-Control", "public, max-age=60"}},
       true,
       "stored"},
      {"authorization with s-maxage",
       "GET",
       {{"Authorization", "Bearer x"}},
       200,
       {{"Cache-Control", "s-maxage=60"}},
       true,
       "stored"},
      {"authorization with must-revalidate",
       "GET",
       {{"Authorization", "Bearer x"}},
       200,
       {{"Cache-Control", "max-age=60, must-revalidate"}},
       true,
       "stored"},
      {"vary star",
       "GET",
       {},
       200,
       {{"Cache-Control", "max-age=60"}, {"Vary", "Accept, *"}},
       false,
       "vary-star"},
      {"vary star second line",
       "GET",
       {},
       200,
       {{"Cache-Control", "max-age=60"}, {"Vary", "Accept"}, {"Vary", "*"}},
       false,
       "vary-star"},
      {"vary normal",
       "GET",
       {},
       200,
       {{"Cache-Control", "max-age=60"}, {"Vary", "Accept"}},
       true,
       "stored"},
      {"heuristic 200 without directives", "GET", {}, 200, {}, true, "stored"},
      {"heuristic 404", "GET", {}, 404, {}, true, "stored"},
      {"302 without freshness", "GET", {}, 302, {}, false, "no-freshness"},
      {"302 with max-age", "GET", {}, 302, {{"Cache-Control", "max-age=60"}}, true, "stored"},
      {"500 with Expires",
       "GET",
       {},
       500,
       {{"Expires", "Thu, 01 Jan 2099 00:00:00 GMT"}},
       true,
       "stored"},
      {"503 without freshness", "GET", {}, 503, {}, false, "no-freshness"},
      {"307 public", "GET", {}, 307, {{"Cache-Control", "public"}}, true, "stored"},
      {"302 no-cache", "GET", {}, 302, {{"Cache-Control", "no-cache"}}, true, "stored"},
      {"set-cookie refused",
       "GET",
       {},
       200,
       {{"Cache-Control", "max-age=60"}, {"Set-Cookie", "a=b"}},
       false,
       "set-cookie"},
      {"set-cookie named private",
       "GET",
       {},
       200,
       {{"Cache-Control", "max-age=60, private=\"set-cookie\""}, {"Set-Cookie", "a=b"}},
       true,
       "stored"},
      {"must-understand overrides no-store",
       "GET",
       {},
       200,
       {{"Cache-Control", "max-age=60, no-store, must-understand"}},
       true,
       "stored"},
      {"must-understand unknown status",
       "GET",
       {},
       299,
       {{"Cache-Control", "max-age=60, no-store, must-understand"}},
       false,
       "must-understand"},
      {"targeted no-store wins",
       "GET",
       {},
       200,
       {{"Cache-Control", "max-age=60"}, {"CDN-Cache-Control", "no-store"}},
       false,
       "no-store"},
      {"targeted max-age overrides no-store",
       "GET",
       {},
       200,
       {{"Cache-Control", "no-store"}, {"CDN-Cache-Control", "max-age=60"}},
       true,
       "stored"},
      {"targeted ignores Expires",
       "GET",
       {},
       302,
       {{"Expires", "Thu, 01 Jan 2099 00:00:00 GMT"}, {"CDN-Cache-Control", "must-revalidate"}},
       false,
       "no-freshness"},
  };
  for (const auto& c : cases) {
    const auto d = decide(c.method, c.request, c.status, c.response);
    EXPECT_EQ(d.store, c.store) << c.name;
    EXPECT_EQ(d.reason, c.reason) << c.name;
  }
}

TEST(Storability, QualifiedPrivateFieldsAreStripped) {
  const auto d =
      decide("GET", {}, 200, {{"Cache-Control", "private=\"X-User, X-Session\", max-age=60"}});
  EXPECT_TRUE(d.store);
  EXPECT_EQ(d.strip_fields, (std::vector<std::string>{"x-user", "x-session"}));
}

TEST(Storability, QualifiedNoCacheFieldsAreStrippedToo) {
  const auto d =
      decide("GET", {}, 200,
             {{"Cache-Control", "no-cache=\"Set-Cookie\", max-age=60"}, {"Set-Cookie", "a=b"}});
  EXPECT_TRUE(d.store);
  EXPECT_EQ(d.strip_fields, (std::vector<std::string>{"set-cookie"}));
}

TEST(Storability, SetCookieStoredStrippedWhenConfigured) {
  StorabilityConfig config;
  config.set_cookie = SetCookiePolicy::kStoreStripped;
  const auto d =
      decide("GET", {}, 200, {{"Cache-Control", "max-age=60"}, {"Set-Cookie", "a=b"}}, config);
  EXPECT_TRUE(d.store);
  EXPECT_EQ(d.strip_fields, (std::vector<std::string>{"set-cookie"}));
}

TEST(Storability, UnderstoodStatusesCoverTheRegistry) {
  for (int s : {200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 410, 429, 451, 500, 503}) {
    EXPECT_TRUE(is_understood_status(s)) << s;
  }
  for (int s : {199, 299, 306, 418, 499, 599})
    EXPECT_FALSE(is_understood_status(s)) << s;
}

}  // namespace
}  // namespace candela::cache
