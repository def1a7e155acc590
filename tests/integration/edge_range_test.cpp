// Byte ranges end to end (RFC 9110 §14): single, suffix and multiple ranges from cache, 416,
// If-Range, and a range request that fills the whole object on a miss.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "edge_cache_helpers.hpp"

namespace candela::testing {
namespace {

constexpr std::size_t kLength = 1000;

struct Part {
  std::string content_type;
  std::string content_range;
  std::string data;
};

// Splits a multipart/byteranges body (RFC 9110 §14.6) into its parts; fails the test on any
// framing error.
std::vector<Part> parse_multipart(const std::string& content_type, const std::string& body) {
  std::vector<Part> parts;
  const auto at = content_type.find("boundary=");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no boundary in " << content_type;
    return parts;
  }
  std::string boundary = content_type.substr(at + 9);
  if (!boundary.empty() && boundary.front() == '"')
    boundary = boundary.substr(1, boundary.size() - 2);
  const std::string delimiter = "--" + boundary;
  std::size_t pos = body.find(delimiter);
  if (pos == std::string::npos) {
    ADD_FAILURE() << "no delimiter in body";
    return parts;
  }
  while (true) {
    pos += delimiter.size();
    if (body.compare(pos, 2, "--") == 0) break;  // close delimiter
    if (body.compare(pos, 2, "\r\n") != 0) {
      ADD_FAILURE() << "bad delimiter line at " << pos;
      return parts;
    }
    pos += 2;
    const auto head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string::npos) {
      ADD_FAILURE() << "unterminated part head";
      return parts;
    }
    Part part;
    std::size_t line = pos;
    while (line < head_end) {
      const auto eol = body.find("\r\n", line);
      const std::string field = body.substr(line, eol - line);
      const auto colon = field.find(':');
      const std::string name = field.substr(0, colon);
      std::string value = field.substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.erase(0, 1);
      if (name == "Content-Type") part.content_type = value;
      if (name == "Content-Range") part.content_range = value;
      line = eol + 2;
    }
    const std::size_t data_start = head_end + 4;
    const auto next = body.find("\r\n" + delimiter, data_start);
    if (next == std::string::npos) {
      ADD_FAILURE() << "part without a following delimiter";
      return parts;
    }
    part.data = body.substr(data_start, next - data_start);
    parts.push_back(part);
    pos = next + 2;
  }
  return parts;
}

struct RangeFixture {
  RangeFixture() {
    content = file_content(kLength, 'r');
    cdn.origin.put("/r.bin", content, {"Cache-Control: max-age=60"});
  }
  void prime() {
    auto r = cdn.get("/r.bin");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->body, content);
    etag = r->header("ETag");
  }
  OriginAndEdge cdn;
  std::string content;
  std::string etag;
};

TEST(EdgeRange, SingleRangeIsServedFromCache) {
  RangeFixture f;
  f.prime();
  auto r = f.cdn.get("/r.bin", {"Range: bytes=100-199"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->header("Content-Range"), "bytes 100-199/1000");
  EXPECT_EQ(r->header("Content-Length"), "100");
  EXPECT_EQ(r->body, f.content.substr(100, 100));
  EXPECT_EQ(r->header("Cache-Status"), "Candela; hit");
  EXPECT_EQ(f.cdn.origin.count("/r.bin"), 1);
}

TEST(EdgeRange, SuffixAndOpenEndedRangesAreServedFromCache) {
  RangeFixture f;
  f.prime();
  auto suffix = f.cdn.get("/r.bin", {"Range: bytes=-100"});
  ASSERT_TRUE(suffix);
  EXPECT_EQ(suffix->status, 206);
  EXPECT_EQ(suffix->header("Content-Range"), "bytes 900-999/1000");
  EXPECT_EQ(suffix->body, f.content.substr(900));

  auto open = f.cdn.get("/r.bin", {"Range: bytes=950-"});
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, 206);
  EXPECT_EQ(open->header("Content-Range"), "bytes 950-999/1000");
  EXPECT_EQ(open->body, f.content.substr(950));

  // A last position past the end is cut to the end.
  auto past = f.cdn.get("/r.bin", {"Range: bytes=990-5000"});
  ASSERT_TRUE(past);
  EXPECT_EQ(past->status, 206);
  EXPECT_EQ(past->header("Content-Range"), "bytes 990-999/1000");
  EXPECT_EQ(past->body, f.content.substr(990));
  EXPECT_EQ(f.cdn.origin.count("/r.bin"), 1);
}

TEST(EdgeRange, MultipleRangesAreServedAsMultipartByteranges) {
  RangeFixture f;
  f.prime();
  auto r = f.cdn.get("/r.bin", {"Range: bytes=0-9,500-509,-5"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  const std::string type = r->header("Content-Type");
  ASSERT_EQ(type.rfind("multipart/byteranges", 0), 0u) << type;
  EXPECT_FALSE(r->has_header("Content-Range"));
  EXPECT_EQ(r->header("Content-Length"), std::to_string(r->body.size()));

  auto parts = parse_multipart(type, r->body);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].content_range, "bytes 0-9/1000");
  EXPECT_EQ(parts[0].data, f.content.substr(0, 10));
  EXPECT_EQ(parts[1].content_range, "bytes 500-509/1000");
  EXPECT_EQ(parts[1].data, f.content.substr(500, 10));
  EXPECT_EQ(parts[2].content_range, "bytes 995-999/1000");
  EXPECT_EQ(parts[2].data, f.content.substr(995));
  for (const auto& p : parts)
    EXPECT_EQ(p.content_type, "application/octet-stream");
  EXPECT_EQ(f.cdn.origin.count("/r.bin"), 1);
}

TEST(EdgeRange, UnsatisfiableRangeGets416WithTheLength) {
  RangeFixture f;
  f.prime();
  auto r = f.cdn.get("/r.bin", {"Range: bytes=5000-6000"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 416);
  EXPECT_EQ(r->header("Content-Range"), "bytes */1000");
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(f.cdn.origin.count("/r.bin"), 1);
}

TEST(EdgeRange, IfRangeWithTheCurrentEtagGetsTheRangeAndOtherwiseTheWholeObject) {
  RangeFixture f;
  f.prime();
  ASSERT_FALSE(f.etag.empty());
  auto matching = f.cdn.get("/r.bin", {"Range: bytes=0-99", "If-Range: " + f.etag});
  ASSERT_TRUE(matching);
  EXPECT_EQ(matching->status, 206);
  EXPECT_EQ(matching->body, f.content.substr(0, 100));

  auto other = f.cdn.get("/r.bin", {"Range: bytes=0-99", "If-Range: \"an-older-version\""});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  EXPECT_FALSE(other->has_header("Content-Range"));
  EXPECT_EQ(other->body, f.content);
  EXPECT_EQ(f.cdn.origin.count("/r.bin"), 1);
}

TEST(EdgeRange, RangeRequestOnAMissFillsTheWholeObjectAndAnswersTheRange) {
  RangeFixture f;
  auto first = f.cdn.get("/r.bin", {"Range: bytes=10-19"});
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 206);
  EXPECT_EQ(first->header("Content-Range"), "bytes 10-19/1000");
  EXPECT_EQ(first->body, f.content.substr(10, 10));
  EXPECT_EQ(f.cdn.origin.count("/r.bin"), 1);

  // Had the origin been asked for the range, its 206 could not have been stored: these hits
  // prove the edge fetched (and stored) the whole object with that one request.
  auto later = f.cdn.get("/r.bin", {"Range: bytes=500-599"});
  ASSERT_TRUE(later);
  EXPECT_EQ(later->status, 206);
  EXPECT_EQ(later->body, f.content.substr(500, 100));
  EXPECT_EQ(later->header("Cache-Status"), "Candela; hit");
  auto whole = f.cdn.get("/r.bin");
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->body, f.content);
  EXPECT_EQ(f.cdn.origin.count("/r.bin"), 1);
}

TEST(EdgeRange, RangeNearTheEndOfAnObjectStillFillingIsAnswered) {
  OriginAndEdge cdn;
  // 600 kB paced at 1.2 MB/s: the range lies in bytes the origin sends last.
  const std::string path = "/_origin/bytes/600000/tail?throttle=1200000&cc=max-age%3D60";
  auto r = cdn.get(path, {"Range: bytes=599000-599999"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->header("Content-Range"), "bytes 599000-599999/600000");
  EXPECT_TRUE(r->body == origin_bytes(1000, 599000));
  auto hit = cdn.get(path, {"Range: bytes=0-9"});
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->status, 206);
  EXPECT_EQ(hit->body, origin_bytes(10));
  EXPECT_EQ(cdn.origin.count(path), 1);
}

}  // namespace
}  // namespace candela::testing
