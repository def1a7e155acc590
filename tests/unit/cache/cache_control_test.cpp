// Tests for Cache-Control / CDN-Cache-Control parsing (RFC 9111 §5.2, RFC 9213).
#include "cache/cache_control.hpp"

#include <gtest/gtest.h>

namespace candela::cache {
namespace {

TEST(CacheControl, ParsesEveryKnownDirective) {
  const auto cc = parse_cache_control(
      "max-age=10, s-maxage=20, min-fresh=5, max-stale=7, stale-while-revalidate=30, "
      "stale-if-error=40, no-store, no-cache, private, public, must-revalidate, "
      "proxy-revalidate, no-transform, only-if-cached, immutable, must-understand");
  EXPECT_EQ(cc.max_age, 10);
  EXPECT_EQ(cc.s_maxage, 20);
  EXPECT_EQ(cc.min_fresh, 5);
  EXPECT_TRUE(cc.max_stale);
  EXPECT_EQ(cc.max_stale_limit, 7);
  EXPECT_EQ(cc.stale_while_revalidate, 30);
  EXPECT_EQ(cc.stale_if_error, 40);
  EXPECT_TRUE(cc.no_store && cc.no_cache && cc.is_private && cc.is_public);
  EXPECT_TRUE(cc.must_revalidate && cc.proxy_revalidate && cc.no_transform);
  EXPECT_TRUE(cc.only_if_cached && cc.immutable && cc.must_understand);
  EXPECT_TRUE(cc.no_cache_unqualified());
  EXPECT_TRUE(cc.private_unqualified());
  EXPECT_TRUE(cc.any);
}

TEST(CacheControl, EmptyValueHasNoDirectives) {
  for (const char* v : {"", " ", ",", " , ,"}) {
    const auto cc = parse_cache_control(v);
    EXPECT_FALSE(cc.any) << v;
    EXPECT_FALSE(cc.max_age) << v;
  }
}

struct MaxAgeCase {
  const char* value;
  std::optional<std::int64_t> expected;
};

TEST(CacheControl, MaxAgeValuesAreParsedConservatively) {
  const MaxAgeCase cases[] = {
      {"max-age=3600", 3600},
      {"MAX-AGE=3600", 3600},
      {"max-age=\"3600\"", 3600},  // quoted form accepted (RFC 9111 §5.2)
      {"max-age=0003600", 3600},
      {"  max-age=5  ", 5},
      {"max-age = 5", 5},
      {"max-age=abc", 0},  // invalid ⇒ stale (RFC 9111 §4.2.1)
      {"max-age=-5", 0},
      {"max-age=1.5", 0},
      {"max-age=", 0},
      {"max-age", 0},
      {"max-age=\"12", 0},  // unterminated quote
      {"max-age=99999999999999999999999", kMaxDeltaSeconds},
      {"max-age=2147483649", kMaxDeltaSeconds},
      {"max-age=2147483647", 2147483647},
      {"max-age=60, max-age=30", 30},  // duplicates: the lowest wins
      {"max-age=30, max-age=abc", 0},
      {"no-cache", std::nullopt},
      {"xmax-age=5", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(parse_cache_control(c.value).max_age, c.expected) << c.value;
  }
}

TEST(CacheControl, InvalidSMaxAgeMakesResponseStale) {
  EXPECT_EQ(parse_cache_control("s-maxage=x").s_maxage, 0);
}

TEST(CacheControl, InvalidOptionalNumbersAreIgnored) {
  const auto cc =
      parse_cache_control("stale-while-revalidate=x, stale-if-error=-1, min-fresh=, max-stale=a");
  EXPECT_FALSE(cc.stale_while_revalidate);
  EXPECT_FALSE(cc.stale_if_error);
  EXPECT_FALSE(cc.min_fresh);
  EXPECT_FALSE(cc.max_stale);
}

TEST(CacheControl, MaxStaleWithoutValueMeansAnyStaleness) {
  const auto cc = parse_cache_control("max-stale");
  EXPECT_TRUE(cc.max_stale);
  EXPECT_FALSE(cc.max_stale_limit);
}

TEST(CacheControl, QualifiedNoCacheKeepsLowerCasedFieldNames) {
  const auto cc = parse_cache_control("no-cache=\"Set-Cookie, X-Foo\", max-age=5");
  EXPECT_TRUE(cc.no_cache);
  EXPECT_FALSE(cc.no_cache_unqualified());
  EXPECT_EQ(cc.no_cache_fields, (std::vector<std::string>{"set-cookie", "x-foo"}));
  EXPECT_EQ(cc.max_age, 5);  // the comma inside quotes did not split the list
}

TEST(CacheControl, QualifiedPrivateAcceptsTokenForm) {
  const auto cc = parse_cache_control("private=Set-Cookie");
  EXPECT_EQ(cc.private_fields, (std::vector<std::string>{"set-cookie"}));
}

TEST(CacheControl, UnqualifiedFormWinsOverQualifiedInEitherOrder) {
  EXPECT_TRUE(parse_cache_control("private=\"a\", private").private_unqualified());
  EXPECT_TRUE(parse_cache_control("private, private=\"a\"").private_unqualified());
  EXPECT_TRUE(parse_cache_control("no-cache=\"\"").no_cache_unqualified());
}

TEST(CacheControl, BrokenFieldListFallsBackToUnqualifiedForm) {
  EXPECT_TRUE(parse_cache_control("no-cache=\"Set-Cookie, X").no_cache_unqualified());
  EXPECT_TRUE(parse_cache_control("private=\"\\, ,\"").private_unqualified());
}

TEST(CacheControl, UnknownDirectivesAreIgnoredButCount) {
  const auto cc = parse_cache_control("foo=\"bar, baz\", community=\"UCI\"");
  EXPECT_TRUE(cc.any);
  EXPECT_FALSE(cc.no_cache);
  EXPECT_FALSE(cc.max_age);
}

TEST(CacheControl, MergesSeveralFieldLines) {
  http::HeaderList h;
  h.add("Cache-Control", "max-age=100");
  h.add("cache-control", "max-age=50, public");
  const auto cc = parse_cache_control_fields(h.view());
  EXPECT_EQ(cc.max_age, 50);
  EXPECT_TRUE(cc.is_public);
}

TEST(CacheControl, CdnCacheControlReplacesCacheControl) {
  http::HeaderList h;
  h.add("Cache-Control", "no-store");
  h.add("CDN-Cache-Control", "max-age=600");
  const auto d = select_response_directives(h.view());
  EXPECT_TRUE(d.targeted);
  EXPECT_EQ(d.cc.max_age, 600);
  EXPECT_FALSE(d.cc.no_store);
}

TEST(CacheControl, EmptyCdnCacheControlFallsBackToCacheControl) {
  http::HeaderList h;
  h.add("Cache-Control", "max-age=60");
  h.add("CDN-Cache-Control", " ");
  const auto d = select_response_directives(h.view());
  EXPECT_FALSE(d.targeted);
  EXPECT_EQ(d.cc.max_age, 60);
}

TEST(CacheControl, MostSpecificTargetedFieldWins) {
  http::HeaderList h;
  h.add("CDN-Cache-Control", "max-age=600");
  h.add("Candela-Cache-Control", "max-age=5");
  const std::string_view targets[] = {"Candela-Cache-Control", "CDN-Cache-Control"};
  const auto d = select_response_directives(h.view(), targets);
  EXPECT_TRUE(d.targeted);
  EXPECT_EQ(d.cc.max_age, 5);
}

// RFC 9213 §2.1: a targeted field that is not a valid Structured Field dictionary is ignored
// as a whole, and Cache-Control decides (cache-tests cdn-cc-invalid-sh-type-*).
TEST(CacheControl, InvalidCdnCacheControlFallsBackToCacheControl) {
  for (const char* value :
       {"max-age=10000, &&&&&", "max-age=\"10000\"", "max-age=10000,", "max-age =100",
        "max-age= 100", "max-age=1.5", "stale-if-error=\"60\", max-age=600"}) {
    http::HeaderList h;
    h.add("Cache-Control", "no-store");
    h.add("CDN-Cache-Control", value);
    const auto d = select_response_directives(h.view());
    EXPECT_FALSE(d.targeted) << value;
    EXPECT_TRUE(d.cc.no_store) << value;
  }
}

TEST(CacheControl, ValidCdnCacheControlWithExtensionsIsUsed) {
  for (const char* value : {"foobar, max-age=3600", "max-age=3600, private=\"Set-Cookie\"",
                            "max-age=3600;x=1, x-ext=?1, MaX-AgE=3600"}) {
    http::HeaderList h;
    h.add("Cache-Control", "no-store");
    h.add("CDN-Cache-Control", value);
    const auto d = select_response_directives(h.view());
    EXPECT_TRUE(d.targeted) << value;
    EXPECT_FALSE(d.cc.no_store) << value;
  }
}

TEST(CacheControl, OneInvalidCdnCacheControlLineInvalidatesTheField) {
  http::HeaderList h;
  h.add("Cache-Control", "max-age=5");
  h.add("CDN-Cache-Control", "max-age=600");
  h.add("CDN-Cache-Control", "s-maxage=\"600\"");
  const auto d = select_response_directives(h.view());
  EXPECT_FALSE(d.targeted);
  EXPECT_EQ(d.cc.max_age, 5);
}

}  // namespace
}  // namespace candela::cache
