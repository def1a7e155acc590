// Sidecar files: header lines, directives, and the lines that are refused.
#include "origin/sidecar.hpp"

#include <gtest/gtest.h>

namespace candela::origin {
namespace {

TEST(Sidecar, ReadsHeaderLinesInOrderIncludingRepeats) {
  const auto p = parse_sidecar(
      "Cache-Control: public, max-age=60\r\n"
      "Surrogate-Key: a b\n"
      "Vary:Accept-Encoding\n"
      "Surrogate-Key: c\n");
  EXPECT_TRUE(p.problems.empty());
  ASSERT_EQ(p.sidecar.headers.size(), 4u);
  EXPECT_EQ(p.sidecar.headers[0].first, "Cache-Control");
  EXPECT_EQ(p.sidecar.headers[0].second, "public, max-age=60");
  EXPECT_EQ(p.sidecar.headers[2].second, "Accept-Encoding");
  EXPECT_EQ(p.sidecar.headers[3].second, "c");
}

TEST(Sidecar, DirectivesSetStatusDelayAndChunking) {
  const auto p = parse_sidecar("@status: 404\n@delay-ms: 500\n@chunked: 1\n");
  EXPECT_TRUE(p.problems.empty());
  EXPECT_EQ(p.sidecar.status, 404);
  EXPECT_EQ(p.sidecar.delay, std::chrono::milliseconds(500));
  EXPECT_TRUE(p.sidecar.chunked);
  EXPECT_TRUE(p.sidecar.headers.empty());
}

TEST(Sidecar, BlankLinesAndCommentsAreSkipped) {
  const auto p = parse_sidecar("\n# a comment: not a header\n   \nExpires: 0\n");
  EXPECT_TRUE(p.problems.empty());
  ASSERT_EQ(p.sidecar.headers.size(), 1u);
  EXPECT_EQ(p.sidecar.headers[0].first, "Expires");
}

TEST(Sidecar, ValuesMayBeEmptyAndContainColons) {
  const auto p = parse_sidecar("X-Empty:\nLink: <http://a/b>; rel=preload\n");
  EXPECT_TRUE(p.problems.empty());
  ASSERT_EQ(p.sidecar.headers.size(), 2u);
  EXPECT_EQ(p.sidecar.headers[0].second, "");
  EXPECT_EQ(p.sidecar.headers[1].second, "<http://a/b>; rel=preload");
}

TEST(Sidecar, BadLinesAreReportedWithTheirNumberAndSkipped) {
  const auto p = parse_sidecar(
      "no colon here\n"
      "Bad Name: x\n"
      "@status: 101\n"
      "@delay-ms: soon\n"
      "@chunked: yes\n"
      "@bogus: 1\n"
      "Good: yes\n");
  ASSERT_EQ(p.problems.size(), 6u);
  EXPECT_EQ(p.problems[0].rfind("line 1:", 0), 0u);
  EXPECT_EQ(p.problems[5].rfind("line 6:", 0), 0u);
  EXPECT_FALSE(p.sidecar.status);
  EXPECT_FALSE(p.sidecar.delay);
  EXPECT_FALSE(p.sidecar.chunked);
  ASSERT_EQ(p.sidecar.headers.size(), 1u);
  EXPECT_EQ(p.sidecar.headers[0].first, "Good");
}

TEST(Sidecar, FramingFieldsAreRefused) {
  const auto p =
      parse_sidecar("Content-Length: 5\nTransfer-Encoding: chunked\nconnection: close\nX-Ok: 1\n");
  EXPECT_EQ(p.problems.size(), 3u);
  ASSERT_EQ(p.sidecar.headers.size(), 1u);
  EXPECT_EQ(p.sidecar.headers[0].first, "X-Ok");
}

TEST(Sidecar, ControlCharactersInValuesAreRefused) {
  const auto p = parse_sidecar(std::string_view("X-A: a\x01z\n", 9));
  EXPECT_EQ(p.problems.size(), 1u);
  EXPECT_TRUE(p.sidecar.headers.empty());
}

}  // namespace
}  // namespace candela::origin
