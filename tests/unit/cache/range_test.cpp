// Tests for Range parsing, If-Range, Content-Range and multipart layout (RFC 9110 §14).
#include "cache/range.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "common/http_date.hpp"

namespace candela::cache {
namespace {

std::vector<ByteRange> ranges_of(const RangeRequest& r) {
  return {r.view().begin(), r.view().end()};
}

struct Case {
  const char* value;
  std::uint64_t length;
  RangeStatus status;
  std::vector<ByteRange> ranges;
};

TEST(Range, Matrix) {
  using S = RangeStatus;
  const Case cases[] = {
      {"bytes=0-499", 10000, S::kSatisfiable, {{0, 499}}},
      {"bytes=500-999", 10000, S::kSatisfiable, {{500, 999}}},
      {"bytes=-500", 10000, S::kSatisfiable, {{9500, 9999}}},
      {"bytes=9500-", 10000, S::kSatisfiable, {{9500, 9999}}},
      {"bytes=0-0,-1", 10000, S::kSatisfiable, {{0, 0}, {9999, 9999}}},
      {"BYTES=0-1", 10, S::kSatisfiable, {{0, 1}}},
      {"bytes= 0-1 , 4-5 ", 10, S::kSatisfiable, {{0, 1}, {4, 5}}},
      {"bytes=0-1,,4-5", 10, S::kSatisfiable, {{0, 1}, {4, 5}}},
      {"bytes=5-6,0-1", 10, S::kSatisfiable, {{5, 6}, {0, 1}}},  // order kept
      {"bytes=0-999999", 10, S::kSatisfiable, {{0, 9}}},         // last-pos cut to the end
      {"bytes=-20", 10, S::kSatisfiable, {{0, 9}}},              // suffix longer than the object
      {"bytes=0-99999999999999999999999", 10, S::kSatisfiable, {{0, 9}}},
      {"bytes=0-4,3-7", 10, S::kSatisfiable, {{0, 7}}},  // overlap coalesced
      {"bytes=5-6,0-4", 10, S::kSatisfiable, {{0, 6}}},  // adjacent coalesced
      {"bytes=10-,0-1", 10, S::kSatisfiable, {{0, 1}}},  // unsatisfiable one dropped
      {"bytes=10-20", 10, S::kUnsatisfiable, {}},
      {"bytes=10-", 10, S::kUnsatisfiable, {}},
      {"bytes=-0", 10, S::kUnsatisfiable, {}},
      {"bytes=99999999999999999999-", 10, S::kUnsatisfiable, {}},
      {"bytes=5-4", 10, S::kIgnore, {}},  // last < first: invalid, ignore the field
      {"bytes=0-1,5-4", 10, S::kIgnore, {}},
      {"bytes=", 10, S::kIgnore, {}},
      {"bytes=a-b", 10, S::kIgnore, {}},
      {"bytes=1", 10, S::kIgnore, {}},
      {"bytes=--1", 10, S::kIgnore, {}},
      {"bytes=+1-2", 10, S::kIgnore, {}},
      {"bytes 0-1", 10, S::kIgnore, {}},
      {"items=0-1", 10, S::kIgnore, {}},
      {"", 10, S::kIgnore, {}},
      {"bytes=0-1", 0, S::kIgnore, {}},  // zero-length object: send it whole
  };
  for (const auto& c : cases) {
    const auto r = parse_range(c.value, c.length);
    EXPECT_EQ(r.status, c.status) << c.value;
    EXPECT_EQ(ranges_of(r), c.ranges) << c.value;
  }
}

TEST(Range, MoreThanSixteenRangesAreIgnored) {
  std::string sixteen = "bytes=0-0";
  for (int i = 1; i < 16; ++i)
    sixteen += "," + std::to_string(i * 2) + "-" + std::to_string(i * 2);
  EXPECT_EQ(parse_range(sixteen, 100).status, RangeStatus::kSatisfiable);
  EXPECT_EQ(parse_range(sixteen + ",40-40", 100).status, RangeStatus::kIgnore);
}

TEST(Range, ManyOverlappingRangesCollapseToOne) {
  const auto r = parse_range("bytes=0-5,1-6,2-7,3-8,-5", 10);
  ASSERT_EQ(r.status, RangeStatus::kSatisfiable);
  EXPECT_EQ(ranges_of(r), (std::vector<ByteRange>{{0, 9}}));
}

TEST(Range, ContentRangeValues) {
  EXPECT_EQ(content_range({0, 499}, 1234), "bytes 0-499/1234");
  EXPECT_EQ(unsatisfied_content_range(1234), "bytes */1234");
  char buf[kMaxContentRangeLength];
  const std::uint64_t big = 18446744073709551615ULL;
  const auto n = format_content_range({big - 1, big - 1}, big, buf);
  EXPECT_EQ(std::string(buf, n),
            "bytes 18446744073709551614-18446744073709551614/18446744073709551615");
  EXPECT_EQ(n, kMaxContentRangeLength);
}

TEST(Range, IfRangeWithStrongEtag) {
  const std::string_view etag = "\"v1\"";
  EXPECT_TRUE(if_range_matches("\"v1\"", etag, std::nullopt, std::nullopt));
  EXPECT_FALSE(if_range_matches("\"v2\"", etag, std::nullopt, std::nullopt));
  EXPECT_FALSE(if_range_matches("W/\"v1\"", etag, std::nullopt, std::nullopt));
  EXPECT_FALSE(
      if_range_matches("\"v1\"", std::string_view("W/\"v1\""), std::nullopt, std::nullopt));
  EXPECT_FALSE(if_range_matches("\"v1\"", std::nullopt, std::nullopt, std::nullopt));
}

TEST(Range, IfRangeWithDateNeedsExactStrongLastModified) {
  const auto lm = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  const auto date_late = parse_http_date("Sun, 06 Nov 1994 09:49:37 GMT");
  const auto date_close = parse_http_date("Sun, 06 Nov 1994 08:50:00 GMT");
  EXPECT_TRUE(if_range_matches("Sun, 06 Nov 1994 08:49:37 GMT", std::nullopt, lm, date_late));
  EXPECT_FALSE(if_range_matches("Sun, 06 Nov 1994 08:49:38 GMT", std::nullopt, lm, date_late));
  EXPECT_FALSE(if_range_matches("Sun, 06 Nov 1994 08:49:37 GMT", std::nullopt, lm, date_close));
  EXPECT_FALSE(if_range_matches("Sun, 06 Nov 1994 08:49:37 GMT", std::nullopt, lm, std::nullopt));
  EXPECT_FALSE(if_range_matches("garbage", std::string_view("\"v1\""), lm, date_late));
}

TEST(Range, MultipartLayoutReferencesTheObjectWithoutCopying) {
  const std::vector<ByteRange> ranges = {{0, 9}, {20, 29}};
  const auto body = build_multipart_byteranges(ranges, 100, "text/plain", "BOUND");
  EXPECT_EQ(body.content_type, "multipart/byteranges; boundary=BOUND");
  ASSERT_EQ(body.pieces.size(), 5u);
  EXPECT_EQ(body.pieces[0].text,
            "--BOUND\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-9/100\r\n\r\n");
  EXPECT_EQ(body.pieces[1].kind, BodyPiece::Kind::kSlice);
  EXPECT_EQ(body.pieces[1].offset, 0u);
  EXPECT_EQ(body.pieces[1].length, 10u);
  EXPECT_EQ(body.pieces[2].text,
            "\r\n--BOUND\r\nContent-Type: text/plain\r\nContent-Range: bytes 20-29/100\r\n\r\n");
  EXPECT_EQ(body.pieces[3].offset, 20u);
  EXPECT_EQ(body.pieces[4].text, "\r\n--BOUND--\r\n");

  // Content-Length is the exact size of the assembled body.
  const std::string object(100, 'x');
  std::string assembled;
  for (const auto& p : body.pieces) {
    if (p.kind == BodyPiece::Kind::kText) {
      EXPECT_EQ(p.length, p.text.size());
      assembled += p.text;
    } else {
      assembled += object.substr(p.offset, p.length);
    }
  }
  EXPECT_EQ(assembled.size(), body.content_length);
}

TEST(Range, MultipartPartsOmitContentTypeWhenUnknown) {
  const std::vector<ByteRange> ranges = {{0, 0}, {5, 5}};
  const auto body = build_multipart_byteranges(ranges, 10, "", "B");
  EXPECT_EQ(body.pieces[0].text, "--B\r\nContent-Range: bytes 0-0/10\r\n\r\n");
}

TEST(Range, BoundariesDifferPerSeedAndUseSafeCharacters) {
  const auto a = make_boundary(1);
  const auto b = make_boundary(2);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 24u);
  EXPECT_EQ(a, make_boundary(1));
  for (char c : a)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << a;
}

}  // namespace
}  // namespace candela::cache
