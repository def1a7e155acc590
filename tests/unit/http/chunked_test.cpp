// Chunked transfer coding decoder: framing, limits, and exact stopping at the message end.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/parser.hpp"

namespace candela::http {
namespace {

using std::string;
using std::string_view;
using Result = ChunkedDecoder::Result;

struct Decoded {
  Result result;
  string body;
  std::size_t consumed;
};

// Feeds `in` in pieces of `piece` bytes (0 = all at once) until done or error.
Decoded decode(string_view in, std::size_t piece = 0, std::size_t max_trailer = 8 * 1024) {
  ChunkedDecoder d(max_trailer);
  Decoded out{Result::kNeedMore, {}, 0};
  const auto sink = [&](const char* p, std::size_t n) { out.body.append(p, n); };
  if (piece == 0) piece = in.size() == 0 ? 1 : in.size();
  std::size_t pos = 0;
  do {
    const string_view part = in.substr(pos, piece);
    std::size_t used = 0;
    out.result = d.decode(part, used, sink);
    EXPECT_LE(used, part.size());
    pos += used;
    if (out.result != Result::kNeedMore) break;
    EXPECT_EQ(used, part.size()) << "kNeedMore must consume everything it was given";
  } while (pos < in.size());
  out.consumed = pos;
  EXPECT_EQ(d.body_bytes(), out.body.size());
  return out;
}

TEST(ChunkedDecoder, DecodesChunksUntilTheLastChunk) {
  const string in = "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n";
  const Decoded d = decode(in);
  EXPECT_EQ(d.result, Result::kDone);
  EXPECT_EQ(d.body, "hello, world");
  EXPECT_EQ(d.consumed, in.size());
}

TEST(ChunkedDecoder, DecodesAnEmptyBody) {
  const Decoded d = decode("0\r\n\r\n");
  EXPECT_EQ(d.result, Result::kDone);
  EXPECT_EQ(d.body, "");
}

TEST(ChunkedDecoder, AcceptsHexInEitherCaseAndLeadingZeros) {
  const string sixteen(16, 'x');
  const string big(0x1a, 'y');
  for (const string& in :
       {"10\r\n" + sixteen + "\r\n0\r\n\r\n", "1A\r\n" + big + "\r\n0\r\n\r\n",
        "1a\r\n" + big + "\r\n000\r\n\r\n", "000000000000001a\r\n" + big + "\r\n0\r\n\r\n"}) {
    SCOPED_TRACE(in);
    const Decoded d = decode(in);
    EXPECT_EQ(d.result, Result::kDone);
    EXPECT_EQ(d.consumed, in.size());
  }
}

TEST(ChunkedDecoder, IgnoresBoundedChunkExtensions) {
  const string in = "5;name=value\r\nhello\r\n3 ; a=\"q s\";b\r\nabc\r\n0;last\r\n\r\n";
  const Decoded d = decode(in);
  EXPECT_EQ(d.result, Result::kDone);
  EXPECT_EQ(d.body, "helloabc");
  EXPECT_EQ(
      decode("1;" + string(ChunkedDecoder::kMaxExtensionBytes - 1, 'e') + "\r\nx\r\n0\r\n\r\n")
          .result,
      Result::kDone);
  EXPECT_EQ(
      decode("1;" + string(ChunkedDecoder::kMaxExtensionBytes, 'e') + "\r\nx\r\n0\r\n\r\n").result,
      Result::kError);
}

TEST(ChunkedDecoder, ReadsAndDiscardsTrailers) {
  const string in = "3\r\nabc\r\n0\r\nChecksum: xyz\r\nX-Other:\t1 2\r\n\r\n";
  const Decoded d = decode(in);
  EXPECT_EQ(d.result, Result::kDone);
  EXPECT_EQ(d.body, "abc");
  EXPECT_EQ(d.consumed, in.size());
}

TEST(ChunkedDecoder, RefusesTrailersOverTheLimit) {
  const string trailer = "X: " + string(90, 'a') + "\r\n";  // 95 bytes
  EXPECT_EQ(decode("0\r\n" + trailer + "\r\n", 0, 95).result, Result::kDone);
  EXPECT_EQ(decode("0\r\n" + trailer + "\r\n", 0, 94).result, Result::kError);
  // An endless trailer section is refused once it passes the limit, before it ends.
  ChunkedDecoder d(100);
  std::size_t used = 0;
  const string endless = "0\r\n" + string(200, 'a');
  EXPECT_EQ(d.decode(endless, used, [](const char*, std::size_t) {}), Result::kError);
  EXPECT_LE(used, 3u + 100u);
}

TEST(ChunkedDecoder, StopsExactlyAtTheEndWhenTheNextMessageFollows) {
  const string body = "4\r\nwiki\r\n0\r\n\r\n";
  const string next = "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
  for (std::size_t piece : {0u, 1u, 2u, 3u, 7u}) {
    SCOPED_TRACE(piece);
    const Decoded d = decode(body + next, piece);
    EXPECT_EQ(d.result, Result::kDone);
    EXPECT_EQ(d.body, "wiki");
    EXPECT_EQ(d.consumed, body.size());
  }
}

TEST(ChunkedDecoder, GivesTheSameResultFedOneByteAtATime) {
  const string in = "3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n";
  const Decoded whole = decode(in);
  const Decoded bytes = decode(in, 1);
  EXPECT_EQ(whole.result, Result::kDone);
  EXPECT_EQ(bytes.result, Result::kDone);
  EXPECT_EQ(bytes.body, whole.body);
  EXPECT_EQ(bytes.consumed, whole.consumed);
}

TEST(ChunkedDecoder, KeepsReportingDoneOrErrorUntilReset) {
  ChunkedDecoder d;
  std::size_t used = 99;
  const auto sink = [](const char*, std::size_t) {};
  EXPECT_EQ(d.decode("0\r\n\r\n", used, sink), Result::kDone);
  EXPECT_EQ(used, 5u);
  EXPECT_EQ(d.decode("1\r\nx\r\n", used, sink), Result::kDone);
  EXPECT_EQ(used, 0u);
  d.reset();
  EXPECT_EQ(d.decode("zz", used, sink), Result::kError);
  EXPECT_EQ(used, 0u);
  EXPECT_EQ(d.decode("0\r\n\r\n", used, sink), Result::kError);
  d.reset();
  EXPECT_EQ(d.decode("0\r\n\r\n", used, sink), Result::kDone);
  EXPECT_EQ(d.body_bytes(), 0u);
}

TEST(ChunkedDecoder, HandlesTheLargestChunkSizeWithoutOverflow) {
  ChunkedDecoder d;
  std::size_t used = 0;
  std::uint64_t seen = 0;
  const auto sink = [&](const char*, std::size_t n) { seen += n; };
  EXPECT_EQ(d.decode("ffffffffffffffff\r\nabc", used, sink), Result::kNeedMore);
  EXPECT_EQ(seen, 3u);
  EXPECT_EQ(d.body_bytes(), 3u);
}

TEST(ChunkedDecoder, RejectsMalformedFraming) {
  struct Case {
    string name, input;
  };
  for (const auto& c : std::vector<Case>{
           {"empty size", "\r\nabc\r\n0\r\n\r\n"},
           {"extension without size", ";x\r\n0\r\n\r\n"},
           {"non-hex size", "g\r\n"},
           {"0x prefix", "0x5\r\nhello\r\n0\r\n\r\n"},
           {"plus sign", "+5\r\nhello\r\n0\r\n\r\n"},
           {"minus sign", "-5\r\nhello\r\n0\r\n\r\n"},
           {"leading space", " 5\r\nhello\r\n0\r\n\r\n"},
           {"space before CRLF", "5 \r\nhello\r\n0\r\n\r\n"},
           {"17 hex digits", "00000000000000005\r\nhello\r\n0\r\n\r\n"},
           {"overflowing size", "10000000000000000\r\n"},
           {"LF-only size line", "5\nhello\r\n0\r\n\r\n"},
           {"LF-only after data", "5\r\nhello\n0\r\n\r\n"},
           {"LF-only last chunk", "5\r\nhello\r\n0\n\r\n"},
           {"LF-only final line", "5\r\nhello\r\n0\r\n\n"},
           {"data longer than size", "5\r\nhello!\r\n0\r\n\r\n"},
           {"data shorter than size", "5\r\nhell\r\n0\r\n\r\n"},
           {"bare CR in size line", "5\rX\nhello\r\n0\r\n\r\n"},
           {"LF inside extension", "5;a\nb\r\nhello\r\n0\r\n\r\n"},
           {"control in extension", "5;a\x01\r\nhello\r\n0\r\n\r\n"},
           {"trailer obs-fold", "0\r\nA: b\r\n c\r\n\r\n"},
           {"trailer without colon", "0\r\nAb\r\n\r\n"},
           {"trailer space before colon", "0\r\nA : b\r\n\r\n"},
           {"trailer LF-only", "0\r\nA: b\n\r\n"},
           {"trailer NUL", string("0\r\nA: \0\r\n\r\n", 11)},
       }) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(decode(c.input).result, Result::kError);
    EXPECT_EQ(decode(c.input, 1).result, Result::kError);
  }
}

TEST(ChunkedDecoder, NeedsMoreUntilTheLastChunkArrives) {
  const string in = "5\r\nhello\r\n0\r\nT: 1\r\n\r\n";
  for (std::size_t n = 0; n < in.size(); ++n) {
    ChunkedDecoder d;
    std::size_t used = 0;
    EXPECT_EQ(d.decode(string_view(in).substr(0, n), used, [](const char*, std::size_t) {}),
              Result::kNeedMore)
        << n;
    EXPECT_EQ(used, n);
  }
}

}  // namespace
}  // namespace candela::http
