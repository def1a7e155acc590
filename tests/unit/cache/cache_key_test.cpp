// Tests for primary cache keys: unambiguity, normalisation and query policies.
#include "cache/cache_key.hpp"

#include <gtest/gtest.h>

namespace candela::cache {
namespace {

std::string key(std::string_view property, std::string_view path, std::string_view query,
                const KeyPolicy& policy = {}) {
  std::string out;
  build_cache_key(property, path, query, policy, out);
  return out;
}

TEST(CacheKey, HasLengthPrefixedPropertyPathAndQuery) {
  EXPECT_EQ(key("p1", "/a/b", "x=1"), "2:p1/a/b?x=1");
  EXPECT_EQ(key("p1", "/a", ""), "2:p1/a");
}

TEST(CacheKey, PropertyAndPathBoundariesCannotCollide) {
  EXPECT_NE(key("a", "b/c", ""), key("a/b", "c", ""));
  EXPECT_NE(key("a", "/b/c", ""), key("a/b", "/c", ""));
  EXPECT_NE(key("1", "2:x", ""), key("1:2", "x", ""));   // digits and ':' in ids
  EXPECT_NE(key("p", "/a", "b"), key("p", "/a?b", ""));  // stray '?' in the path
}

TEST(CacheKey, PercentEncodingCaseIsNormalised) {
  EXPECT_EQ(key("p", "/a%2fb", ""), key("p", "/a%2Fb", ""));
  EXPECT_EQ(key("p", "/a%2fb", ""), "1:p/a%2Fb");
  EXPECT_NE(key("p", "/a%2Fb", ""), key("p", "/a/b", ""));            // reserved stays encoded
  EXPECT_EQ(key("p", "/%7Euser/%41", ""), key("p", "/~user/A", ""));  // unreserved decoded
  EXPECT_EQ(key("p", "/x", "q=%e2%82%ac"), "1:p/x?q=%E2%82%AC");
}

TEST(CacheKey, StrayPercentIsEncodedSoNormalisingIsIdempotent) {
  EXPECT_EQ(key("p", "/a%zz%", ""), "1:p/a%25zz%25");
  EXPECT_EQ(key("p", "/a%4", ""), "1:p/a%254");
  // "%%41" decodes to "%A", which must not then read as the triplet "%A?".
  EXPECT_EQ(key("p", "/%%41", ""), key("p", "/%25A", ""));
  EXPECT_EQ(key("p", "/%%44d", ""), "1:p/%25Dd");
}

TEST(CacheKey, KeepAllKeepsQueryOrder) {
  EXPECT_NE(key("p", "/", "a=1&b=2"), key("p", "/", "b=2&a=1"));
}

TEST(CacheKey, IgnoreAllDropsQuery) {
  KeyPolicy policy{QueryPolicy::kIgnoreAll, {}};
  EXPECT_EQ(key("p", "/x", "a=1", policy), "1:p/x");
  EXPECT_EQ(key("p", "/x", "a=1", policy), key("p", "/x", "b=2", policy));
}

TEST(CacheKey, AllowlistKeepsListedParametersSortedByName) {
  KeyPolicy policy{QueryPolicy::kAllowlist, {"w", "h", "w"}};
  policy.normalize();
  EXPECT_EQ(policy.allowlist, (std::vector<std::string>{"h", "w"}));
  EXPECT_EQ(key("p", "/img", "w=10&utm=x&h=20", policy), "1:p/img?h=20&w=10");
  EXPECT_EQ(key("p", "/img", "h=20&w=10", policy), key("p", "/img", "w=10&h=20&utm=y", policy));
  EXPECT_EQ(key("p", "/img", "w=1&w=2", policy), "1:p/img?w=1&w=2");
  EXPECT_EQ(key("p", "/img", "utm=x", policy), "1:p/img");
  EXPECT_EQ(key("p", "/img", "wx=1&w", policy), "1:p/img?w");
}

TEST(CacheKey, ReusesOutputCapacity) {
  std::string out;
  out.reserve(256);
  const auto* data = out.data();
  build_cache_key("property", "/some/path", "a=1", {}, out);
  EXPECT_EQ(out.data(), data);
  EXPECT_EQ(out, "8:property/some/path?a=1");
}

TEST(CacheKey, AnatomyOfAPrimaryAndAVariantKey) {
  const std::string primary = key("media:1", "/a/b.jpg", "x=1");
  ASSERT_EQ(primary, "7:media:1/a/b.jpg?x=1");
  const std::string variant = primary + kVariantSeparator + "accept-encoding:gzip\n";
  for (const std::string& k : {primary, variant}) {
    EXPECT_EQ(key_property_prefix(k), "7:media:1");
    EXPECT_EQ(key_property_id(k), "media:1");
    EXPECT_EQ(key_primary(k), primary);
    EXPECT_EQ(key_path(k), "/a/b.jpg");
    EXPECT_EQ(key_query(k), "x=1");
  }
  EXPECT_EQ(key_query(key("p", "/x", "")), "");
  std::string prefix;
  build_property_prefix("media:1", prefix);
  EXPECT_EQ(prefix, "7:media:1");
}

TEST(CacheKey, AnatomyOfAMalformedKeyIsEmpty) {
  for (const char* k : {"", "p/a", ":p/a", "9:p/a", "x:p/a", "99999999999999999999:p"}) {
    EXPECT_EQ(key_property_prefix(k), "") << k;
    EXPECT_EQ(key_property_id(k), "") << k;
  }
}

}  // namespace
}  // namespace candela::cache
