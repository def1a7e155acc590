// Request targets map to paths under the root; every traversal form is refused.
#include "origin/path_safety.hpp"

#include <gtest/gtest.h>

#include "origin/url_codec.hpp"

namespace candela::origin {
namespace {

TEST(PathSafety, SplitsPathAndQuery) {
  const auto p = split_target("/a/b?x=1&y=2");
  EXPECT_EQ(p.path, "/a/b");
  EXPECT_EQ(p.query, "x=1&y=2");
  EXPECT_EQ(split_target("/a").query, "");
}

TEST(PathSafety, AbsoluteFormKeepsOnlyPathAndQuery) {
  EXPECT_EQ(split_target("http://example.com/a?q").path, "/a");
  EXPECT_EQ(split_target("http://example.com/a?q").query, "q");
  EXPECT_EQ(split_target("http://example.com").path, "/");
}

TEST(PathSafety, DecodesAndNormalisesHarmlessSegments) {
  const auto p = to_safe_path("/a/./b//c%20d.txt");
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->relative, "a/b/c d.txt");
  EXPECT_FALSE(p->trailing_slash);
}

TEST(PathSafety, RootAndDirectoriesKeepTheirTrailingSlash) {
  const auto root = to_safe_path("/");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->relative, "");
  EXPECT_TRUE(root->trailing_slash);
  const auto dir = to_safe_path("/docs/");
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(dir->relative, "docs");
  EXPECT_TRUE(dir->trailing_slash);
}

TEST(PathSafety, RejectsEveryFormOfDotDot) {
  for (const auto* path : {"/..", "/../etc/passwd", "/a/../../b", "/a/..", "/%2e%2e/x", "/%2E%2E/x",
                           "/.%2e/x", "/a/..%2f..%2fetc", "/a%2f..%2f..%2fetc", "/..%5c../x/.."}) {
    EXPECT_FALSE(to_safe_path(path).ok()) << path;
  }
}

TEST(PathSafety, DoubleEncodingStaysALiteralName) {
  const auto p = to_safe_path("/%252e%252e/x");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->relative, "%2e%2e/x");
}

TEST(PathSafety, RejectsNulMalformedEscapesAndRelativePaths) {
  EXPECT_FALSE(to_safe_path("/a%00b").ok());
  EXPECT_FALSE(to_safe_path("/a%zz").ok());
  EXPECT_FALSE(to_safe_path("/a%2").ok());
  EXPECT_FALSE(to_safe_path("a/b").ok());
  EXPECT_FALSE(to_safe_path("").ok());
}

TEST(UrlCodec, PercentDecodes) {
  EXPECT_EQ(percent_decode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("%4g"));
}

TEST(UrlCodec, ParsesQueryParameters) {
  const auto q = parse_query("cc=public%2C%20max-age%3D60&delay_ms=5&flag&&bad=%zz");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(query_param(q, "cc"), "public, max-age=60");
  EXPECT_EQ(query_param(q, "delay_ms"), "5");
  EXPECT_EQ(query_param(q, "flag"), "");
  EXPECT_FALSE(query_param(q, "bad"));
  EXPECT_FALSE(query_param(q, "absent"));
}

}  // namespace
}  // namespace candela::origin
