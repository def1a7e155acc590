// Request and response head parsing: syntax, limits, Host and framing rules (RFC 9110/9112).
#include "http/parser.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <list>
#include <new>
#include <string>
#include <vector>

// Counts heap allocations while `g_counting` is set, to prove the hot path allocates nothing.
namespace {
std::atomic<bool> g_counting{false};
std::atomic<int> g_allocations{0};
}  // namespace

// The replacements below pair malloc with free on purpose; GCC 12 at -O3 inlines them and
// wrongly reports a new/free mismatch (GCC bug 100861).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return ::operator new(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace candela::http {
namespace {

using std::string;
using std::string_view;

ParseResult parse(string_view in, RequestHead& h, const ParseLimits& limits = {}) {
  return parse_request_head(in, limits, h);
}

// Parses a request that must be complete; fails the test otherwise. The input is copied into
// storage that outlives the test, since the head's views point into it.
RequestHead parse_ok(string_view in, const ParseLimits& limits = {}) {
  static std::list<string> buffers;  // a list never moves its strings
  const string& kept = buffers.emplace_back(in);
  RequestHead h;
  const ParseResult r = parse(kept, h, limits);
  EXPECT_EQ(r.status, ParseStatus::kComplete) << "detail: " << r.detail << "\ninput: " << in;
  return h;
}

struct ErrorCase {
  string input;
  ParseError error;
  string_view detail;  // substring expected in ParseResult::detail ("" = any)
};

void expect_errors(const std::vector<ErrorCase>& cases, const ParseLimits& limits = {}) {
  for (const auto& c : cases) {
    SCOPED_TRACE("input: " + c.input);
    RequestHead h;
    const ParseResult r = parse(c.input, h, limits);
    EXPECT_EQ(r.status, ParseStatus::kError);
    EXPECT_EQ(r.error, c.error) << "detail: " << r.detail;
    EXPECT_NE(r.detail.find(c.detail), string_view::npos) << "detail: " << r.detail;
  }
}

string with_host(string_view request_line, string_view fields = "") {
  return string(request_line) + "\r\nHost: example.com\r\n" + string(fields) + "\r\n";
}

// ---- request line -------------------------------------------------------------------------

TEST(RequestParser, ParsesSimpleGet) {
  const string in = "GET /index.html?lang=en HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
  const RequestHead h = parse_ok(in);
  EXPECT_EQ(h.method, "GET");
  EXPECT_EQ(h.target, "/index.html?lang=en");
  EXPECT_EQ(h.path, "/index.html");
  EXPECT_EQ(h.query, "lang=en");
  EXPECT_EQ(h.host, "example.com");
  EXPECT_EQ(h.version_minor, 1);
  EXPECT_EQ(h.headers.size(), 2u);
  EXPECT_EQ(h.headers.get("accept"), "*/*");
  EXPECT_EQ(h.framing, BodyFraming::kNone);
  EXPECT_TRUE(h.keep_alive);
  EXPECT_FALSE(h.expect_continue);
  EXPECT_EQ(h.head_size, in.size());
}

TEST(RequestParser, ViewsPointIntoTheCallersBuffer) {
  const string in = with_host("GET /a?b HTTP/1.1", "X: y\r\n");
  RequestHead h;
  ASSERT_EQ(parse(in, h).status, ParseStatus::kComplete);
  for (string_view v : {h.method, h.target, h.path, h.query, h.host}) {
    EXPECT_GE(v.data(), in.data());
    EXPECT_LE(v.data() + v.size(), in.data() + in.size());
  }
}

TEST(RequestParser, SplitsPathAndQuery) {
  struct Case {
    string target, path, query;
  };
  for (const auto& c : std::vector<Case>{{"/", "/", ""},
                                         {"/a/b", "/a/b", ""},
                                         {"/a?", "/a", ""},
                                         {"/?x=1", "/", "x=1"},
                                         {"/a?b?c", "/a", "b?c"},
                                         {"/%20x?q=%3F", "/%20x", "q=%3F"}}) {
    SCOPED_TRACE(c.target);
    const RequestHead h = parse_ok(with_host("GET " + c.target + " HTTP/1.1"));
    EXPECT_EQ(h.path, c.path);
    EXPECT_EQ(h.query, c.query);
  }
}

TEST(RequestParser, ReturnsIncompleteForEveryProperPrefix) {
  const string in = "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n";
  for (std::size_t n = 0; n < in.size(); ++n) {
    RequestHead h;
    EXPECT_EQ(parse(string_view(in).substr(0, n), h).status, ParseStatus::kIncomplete) << n;
  }
  EXPECT_EQ(parse_ok(in).head_size, in.size());
}

TEST(RequestParser, HeadSizeStopsAtTheEndOfTheHeadWhenRequestsArePipelined) {
  const string first = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n";
  const string second = "GET /b HTTP/1.1\r\nHost: h\r\n\r\n";
  const string in = first + "hello" + second;
  const RequestHead a = parse_ok(in);
  EXPECT_EQ(a.head_size, first.size());
  EXPECT_EQ(a.content_length, 5u);
  const RequestHead b = parse_ok(string_view(in).substr(a.head_size + a.content_length));
  EXPECT_EQ(b.path, "/b");
}

TEST(RequestParser, AcceptsBareLfLineEndings) {
  const string in = "GET / HTTP/1.1\nHost: h\nX: 1\r\n\n";
  const RequestHead h = parse_ok(in);
  EXPECT_EQ(h.headers.get("x"), "1");
  EXPECT_EQ(h.host, "h");
  EXPECT_EQ(h.head_size, in.size());
}

TEST(RequestParser, RejectsBareCr) {
  expect_errors({
      {"GET / HTTP/1.1\rHost: h\r\n\r\n", ParseError::kBadRequest, ""},
      {"GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", ParseError::kBadRequest, "control"},
      {"GET / HTTP/1.1\r\nHost: h\r\nX: a\r\r\n\r\n", ParseError::kBadRequest, "control"},
      {"GET / HTTP/1.1\r\nHost: h\r\n\r\r\n", ParseError::kBadRequest, ""},
      {"\rGET / HTTP/1.1\r\nHost: h\r\n\r\n", ParseError::kBadRequest, "bare CR"},
  });
}

TEST(RequestParser, SkipsEmptyLinesBeforeTheRequestLine) {
  const string in = "\r\n\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
  const RequestHead h = parse_ok(in);
  EXPECT_EQ(h.method, "GET");
  EXPECT_EQ(h.head_size, in.size());
  RequestHead p;
  EXPECT_EQ(parse("\r\n\r", p).status, ParseStatus::kIncomplete);
}

// Found by fuzzing: empty lines filling the head limit, then a bare CR. A reader that has seen the
// CR only (the next byte not yet arrived) must hear the same verdict as one that saw both.
TEST(RequestParser, EmptyLinesUpToTheLimitThenABareCrIsTooLargeHoweverTheBytesArrive) {
  ParseLimits limits;
  limits.max_header_bytes = 56;
  const string in = string(56, '\n') + "\r~PTIONS\n";
  RequestHead whole;
  const ParseResult all = parse_request_head(in, limits, whole);
  EXPECT_EQ(all.error, ParseError::kHeadersTooLarge);
  RequestHead part;
  const ParseResult prefix = parse_request_head(std::string_view(in).substr(0, 57), limits, part);
  EXPECT_EQ(prefix.error, ParseError::kHeadersTooLarge);
  // Within the limit a bare CR is still a bad request.
  limits.max_header_bytes = 64;
  EXPECT_EQ(parse_request_head(in, limits, whole).error, ParseError::kBadRequest);
}

TEST(RequestParser, RejectsMalformedRequestLines) {
  const auto B = ParseError::kBadRequest;
  expect_errors({
      {with_host("GET  / HTTP/1.1"), B, ""},
      {with_host("GET /  HTTP/1.1"), B, ""},
      {with_host(" GET / HTTP/1.1"), B, "method"},
      {with_host("GET / HTTP/1.1 "), B, "version"},
      {with_host("GET\t/ HTTP/1.1"), B, "method"},
      {with_host("G(T / HTTP/1.1"), B, "method"},
      {with_host("GET / http/1.1"), B, "version"},
      {with_host("GET / HTTP/1.1x"), B, "version"},
      {with_host("GET / HTTP/11"), B, "version"},
      {with_host("GET / HTTP/1."), B, "version"},
      {with_host("GET /a b HTTP/1.1"), B, "version"},
      {with_host("GET /\x01 HTTP/1.1"), B, "request-target"},
      {with_host("GET /\x7f HTTP/1.1"), B, "request-target"},
      {with_host("GET /page#frag HTTP/1.1"), B, "request-target"},
      {with_host("GET HTTP/1.1"), B, "request line"},
      {with_host("GET"), B, "request line"},
  });
}

TEST(RequestParser, AcceptsAnyTokenAsMethodAndObsTextInTarget) {
  EXPECT_EQ(parse_ok(with_host("PURGE /x HTTP/1.1")).method, "PURGE");
  EXPECT_EQ(parse_ok(with_host("M-SEARCH /x HTTP/1.1")).method, "M-SEARCH");
  EXPECT_EQ(parse_ok(with_host("GET /caf\xc3\xa9 HTTP/1.1")).path, "/caf\xc3\xa9");
}

TEST(RequestParser, RejectsBinaryJunkBeforeTheLineIsComplete) {
  RequestHead h;
  const string tls_hello = "\x16\x03\x01\x02\x00\x01";  // start of a TLS ClientHello
  EXPECT_EQ(parse(tls_hello, h).status, ParseStatus::kError);
  EXPECT_EQ(parse("GE(", h).status, ParseStatus::kError);
  EXPECT_EQ(parse("GET", h).status, ParseStatus::kIncomplete);
}

TEST(RequestParser, AcceptsHttp10AndHttp11Only) {
  EXPECT_EQ(parse_ok("GET / HTTP/1.0\r\n\r\n").version_minor, 0);
  EXPECT_EQ(parse_ok(with_host("GET / HTTP/1.1")).version_minor, 1);
  const auto V = ParseError::kVersionNotSupported;
  expect_errors({
      {with_host("GET / HTTP/2.0"), V, ""},
      {with_host("GET / HTTP/3.0"), V, ""},
      {with_host("GET / HTTP/1.2"), V, ""},
      {with_host("GET / HTTP/0.9"), V, ""},
      {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", V, ""},
  });
}

TEST(RequestParser, TakesHostFromAbsoluteFormTarget) {
  const RequestHead h =
      parse_ok("GET http://Origin.example:8080/p/q?x=1 HTTP/1.1\r\nHost: other.example\r\n\r\n");
  EXPECT_EQ(h.host, "Origin.example:8080");
  EXPECT_EQ(h.path, "/p/q");
  EXPECT_EQ(h.query, "x=1");
  EXPECT_EQ(h.target, "http://Origin.example:8080/p/q?x=1");
}

TEST(RequestParser, AbsoluteFormWithoutPathHasPathSlash) {
  RequestHead h = parse_ok("GET https://a.example HTTP/1.1\r\nHost: a.example\r\n\r\n");
  EXPECT_EQ(h.host, "a.example");
  EXPECT_EQ(h.path, "/");
  h = parse_ok("GET HTTP://a.example?q HTTP/1.1\r\nHost: a.example\r\n\r\n");
  EXPECT_EQ(h.path, "/");
  EXPECT_EQ(h.query, "q");
}

TEST(RequestParser, RejectsBadAbsoluteFormTargets) {
  const auto B = ParseError::kBadRequest;
  expect_errors({
      {with_host("GET ftp://a.example/ HTTP/1.1"), B, "scheme"},
      {with_host("GET http://user:pw@a.example/ HTTP/1.1"), B, "userinfo"},
      {with_host("GET http:///path HTTP/1.1"), B, "authority"},
      {with_host("GET http://a.example:99999/ HTTP/1.1"), B, "authority"},
      {with_host("GET http:/a.example/ HTTP/1.1"), B, "request-target"},
      {with_host("GET a.example:443 HTTP/1.1"), B, "request-target"},
      {with_host("GET 1http://a/ HTTP/1.1"), B, "request-target"},
  });
}

TEST(RequestParser, AcceptsAsteriskFormOnlyForOptions) {
  const RequestHead h = parse_ok(with_host("OPTIONS * HTTP/1.1"));
  EXPECT_EQ(h.target, "*");
  EXPECT_EQ(h.path, "/");
  expect_errors({{with_host("GET * HTTP/1.1"), ParseError::kBadRequest, "OPTIONS"}});
}

TEST(RequestParser, AcceptsAuthorityFormOnlyForConnect) {
  const RequestHead h = parse_ok("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n");
  EXPECT_EQ(h.host, "a.example:443");
  EXPECT_EQ(h.path, "");
  const auto B = ParseError::kBadRequest;
  expect_errors({
      {with_host("CONNECT a.example HTTP/1.1"), B, "CONNECT"},
      {with_host("CONNECT / HTTP/1.1"), B, "CONNECT"},
      {with_host("CONNECT http://a.example:443/ HTTP/1.1"), B, "CONNECT"},
      {with_host("GET a.example:443 HTTP/1.1"), B, ""},
  });
}

TEST(RequestParser, RejectsRequestLineLongerThanLimitEvenBeforeItEnds) {
  ParseLimits limits;
  limits.max_request_line = 64;
  const string long_target = "/" + string(80, 'a');
  RequestHead h;
  // Incomplete: no line end yet, but already too long.
  ParseResult r = parse("GET " + long_target, h, limits);
  EXPECT_EQ(r.error, ParseError::kUriTooLong);
  EXPECT_EQ(status_for(r.error), 414);
  // Complete.
  r = parse(with_host("GET " + long_target + " HTTP/1.1"), h, limits);
  EXPECT_EQ(r.error, ParseError::kUriTooLong);
  // A line of exactly the limit is fine; its CRLF does not count.
  const string exact = "GET /" + string(64 - 14, 'b') + " HTTP/1.1";
  ASSERT_EQ(exact.size(), 64u);
  parse_ok(with_host(exact), limits);
  EXPECT_EQ(parse(exact + "\r", h, limits).status, ParseStatus::kIncomplete);
}

TEST(RequestParser, GivesTheSameVerdictWhereverTheInputIsSplit) {
  // Found by the fuzzer: a method running past the line limit, then a bad byte. The earliest
  // violation (the line limit) must win, whether or not the bad byte has arrived yet.
  ParseLimits limits;
  limits.max_request_line = 17;
  const string in = string(30, 'Q') + string(1, '\0') + " / HTTP/1.1\r\nHost: h\r\n\r\n";
  RequestHead h;
  for (std::size_t n = 18; n <= in.size(); ++n) {
    EXPECT_EQ(parse(string_view(in).substr(0, n), h, limits).error, ParseError::kUriTooLong) << n;
  }
  // A bad method byte before the limit is a 400 as soon as it arrives.
  const string early = "GE\x01" + string(40, 'x');
  for (std::size_t n = 3; n <= early.size(); ++n) {
    EXPECT_EQ(parse(string_view(early).substr(0, n), h, limits).error, ParseError::kBadRequest);
  }
}

// ---- fields -------------------------------------------------------------------------------

TEST(RequestParser, TrimsOptionalWhitespaceAroundFieldValues) {
  const RequestHead h = parse_ok(with_host(
      "GET / HTTP/1.1", "A:  x y \t\r\nB:\tz\r\nEmpty:\r\nSpaces:   \r\nHi: \xff\x80\r\n"));
  EXPECT_EQ(h.headers.get("a"), "x y");
  EXPECT_EQ(h.headers.get("b"), "z");
  EXPECT_EQ(h.headers.get("empty"), "");
  EXPECT_EQ(h.headers.get("spaces"), "");
  EXPECT_EQ(h.headers.get("hi"), "\xff\x80");
  EXPECT_EQ(h.headers.size(), 6u);
}

TEST(RequestParser, KeepsFieldOrderAndDuplicates) {
  const RequestHead h =
      parse_ok(with_host("GET / HTTP/1.1", "Cookie: a=1\r\nX: 1\r\nCookie: b=2\r\n"));
  std::vector<string> names;
  for (const auto& f : h.headers)
    names.emplace_back(f.name);
  EXPECT_EQ(names, (std::vector<string>{"Host", "Cookie", "X", "Cookie"}));
  EXPECT_EQ(h.headers.count("cookie"), 2u);
}

TEST(RequestParser, RejectsWhitespaceBetweenFieldNameAndColon) {
  expect_errors({
      {with_host("GET / HTTP/1.1", "X-Foo : bar\r\n"), ParseError::kBadRequest, "colon"},
      {with_host("GET / HTTP/1.1", "X-Foo\t: bar\r\n"), ParseError::kBadRequest, "colon"},
  });
}

TEST(RequestParser, RejectsObsFold) {
  expect_errors({
      {with_host("GET / HTTP/1.1", "X: a\r\n b\r\n"), ParseError::kBadRequest, "obs-fold"},
      {with_host("GET / HTTP/1.1", "X: a\r\n\tb\r\n"), ParseError::kBadRequest, "obs-fold"},
      // Whitespace between the request line and the first field (RFC 9112 §2.2).
      {"GET / HTTP/1.1\r\n Host: h\r\n\r\n", ParseError::kBadRequest, "obs-fold"},
  });
}

TEST(RequestParser, RejectsControlCharactersInFieldValues) {
  for (const char c : {'\0', '\x01', '\x0b', '\x0c', '\x1f', '\x7f', '\r'}) {
    string in = with_host("GET / HTTP/1.1", "X: a_b\r\n");
    in[in.find("a_b") + 1] = c;
    SCOPED_TRACE(static_cast<int>(c));
    RequestHead h;
    const ParseResult r = parse(in, h);
    EXPECT_EQ(r.error, ParseError::kBadRequest);
  }
}

TEST(RequestParser, RejectsMalformedFieldNames) {
  const auto B = ParseError::kBadRequest;
  expect_errors({
      {with_host("GET / HTTP/1.1", "X Y: z\r\n"), B, ""},
      {with_host("GET / HTTP/1.1", ": z\r\n"), B, "empty field name"},
      {with_host("GET / HTTP/1.1", "X(: z\r\n"), B, "field name"},
      {with_host("GET / HTTP/1.1", "NoColon\r\n"), B, "field name"},
      {with_host("GET / HTTP/1.1", "X\x80: z\r\n"), B, "field name"},
  });
}

TEST(RequestParser, RejectsMoreFieldsThanTheLimit) {
  ParseLimits limits;
  limits.max_header_count = 4;
  string fields;
  for (int i = 0; i < 3; ++i)
    fields += "X-" + std::to_string(i) + ": v\r\n";
  parse_ok(with_host("GET / HTTP/1.1", fields), limits);  // Host + 3 = 4 fields
  fields += "X-9: v\r\n";
  expect_errors({{with_host("GET / HTTP/1.1", fields), ParseError::kHeadersTooLarge, "many"}},
                limits);
  // Refused as soon as the fifth field line is complete, before the head ends.
  RequestHead h;
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: h\r\n" + fields, h, limits).error,
            ParseError::kHeadersTooLarge);
}

TEST(RequestParser, RejectsHeadLargerThanTheLimit) {
  ParseLimits limits;
  limits.max_header_bytes = 100;
  const string line = "GET / HTTP/1.1\r\nHost: h\r\n";  // 25 bytes
  const string exact = line + "X: " + string(100 - 25 - 3 - 4, 'v') + "\r\n\r\n";
  ASSERT_EQ(exact.size(), 100u);
  EXPECT_EQ(parse_ok(exact, limits).head_size, 100u);
  const string over = line + "X: " + string(100 - 25 - 3 - 3, 'v') + "\r\n\r\n";
  expect_errors({{over, ParseError::kHeadersTooLarge, "too large"}}, limits);
  EXPECT_EQ(status_for(ParseError::kHeadersTooLarge), 431);
}

TEST(RequestParser, RefusesAnEndlessHeadAsSoonAsItPassesTheLimit) {
  ParseLimits limits;
  limits.max_header_bytes = 1024;
  string in = "GET / HTTP/1.1\r\nHost: h\r\n";
  RequestHead h;
  // One field line that never ends, and many short field lines: both refused at the limit.
  string one_line = in + "X: ";
  while (one_line.size() <= limits.max_header_bytes) {
    EXPECT_EQ(parse(one_line, h, limits).status, ParseStatus::kIncomplete);
    one_line += "aaaaaaa";
  }
  EXPECT_EQ(parse(one_line, h, limits).error, ParseError::kHeadersTooLarge);
  limits.max_header_count = 100000;
  while (in.size() <= limits.max_header_bytes) {
    EXPECT_EQ(parse(in, h, limits).status, ParseStatus::kIncomplete);
    in += "A: b\r\n";
  }
  EXPECT_EQ(parse(in, h, limits).error, ParseError::kHeadersTooLarge);
  // Endless empty lines before the request line count too.
  EXPECT_EQ(parse(string(2000, '\n'), h, limits).error, ParseError::kHeadersTooLarge);
}

// ---- Host -----------------------------------------------------------------------------------

TEST(RequestParser, AcceptsValidHosts) {
  for (const string host : {"example.com", "EXAMPLE.com:8080", "a_b-c.d", "127.0.0.1:80", "[::1]",
                            "[2001:db8::1]:443", "x:65535", "localhost"}) {
    SCOPED_TRACE(host);
    EXPECT_EQ(parse_ok("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").host, host);
  }
}

TEST(RequestParser, RejectsInvalidHosts) {
  for (const string host :
       {"", "exa mple.com", "user@example.com", "example.com:", "example.com:x",
        "example.com:65536", "example.com:123456", "a/b", "a?b", "[::1", "[]", "[zz::1]",
        "a.com,b.com", "a%2ecom", "example.com:80:80", ":80", "a\\b"}) {
    SCOPED_TRACE(host);
    RequestHead h;
    const ParseResult r = parse("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n", h);
    EXPECT_EQ(r.error, ParseError::kBadRequest);
    EXPECT_NE(r.detail.find("Host"), string_view::npos) << r.detail;
  }
}

TEST(RequestParser, RequiresExactlyOneHostInHttp11) {
  const auto B = ParseError::kBadRequest;
  expect_errors({
      {"GET / HTTP/1.1\r\n\r\n", B, "without Host"},
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", B, "more than one Host"},
      {"GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", B, "more than one Host"},
      {"GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", B, "more than one Host"},
      // The absolute-form authority wins, but the Host field must still be there and valid.
      {"GET http://a/ HTTP/1.1\r\n\r\n", B, "without Host"},
      {"GET http://a/ HTTP/1.1\r\nHost: b c\r\n\r\n", B, "invalid Host"},
  });
}

TEST(RequestParser, AllowsHttp10WithoutHost) {
  const RequestHead h = parse_ok("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(h.host, "");
  EXPECT_EQ(parse_ok("GET / HTTP/1.0\r\nHost: a.b\r\n\r\n").host, "a.b");
}

// ---- framing and smuggling ------------------------------------------------------------------

TEST(RequestParser, ReadsContentLength) {
  for (const auto& [field, length] :
       std::vector<std::pair<string, std::uint64_t>>{{"Content-Length: 0", 0},
                                                     {"Content-Length: 42", 42},
                                                     {"content-length:  007 ", 7},
                                                     {"Content-Length: 5, 5", 5},
                                                     {"Content-Length: 5\r\nContent-Length: 5", 5},
                                                     {"Content-Length: 67108864", 64ull << 20}}) {
    SCOPED_TRACE(field);
    const RequestHead h = parse_ok(with_host("POST / HTTP/1.1", field + "\r\n"));
    EXPECT_EQ(h.framing, BodyFraming::kContentLength);
    EXPECT_EQ(h.content_length, length);
  }
}

TEST(RequestParser, RejectsInvalidOrConflictingContentLength) {
  for (const string field :
       {"Content-Length: +5", "Content-Length: -1", "Content-Length: 0x5", "Content-Length: 5a",
        "Content-Length: 5 5", "Content-Length: ", "Content-Length: 5,6", "Content-Length: 5,",
        "Content-Length: ,5", "Content-Length: 5, 5, 6", "Content-Length: 1e3",
        "Content-Length: 5.0", "Content-Length: 5\r\nContent-Length: 6",
        "Content-Length: 5\r\nContent-Length: +5", "Content-Length: 18446744073709551616",
        "Content-Length: 99999999999999999999999"}) {
    SCOPED_TRACE(field);
    RequestHead h;
    const ParseResult r = parse(with_host("POST / HTTP/1.1", field + "\r\n"), h);
    EXPECT_EQ(r.error, ParseError::kBadRequest);
    EXPECT_NE(r.detail.find("Content-Length"), string_view::npos) << r.detail;
  }
}

TEST(RequestParser, RejectsDeclaredBodyOverTheLimitWith413) {
  ParseLimits limits;
  limits.max_body_bytes = 1000;
  parse_ok(with_host("POST / HTTP/1.1", "Content-Length: 1000\r\n"), limits);
  expect_errors({{with_host("POST / HTTP/1.1", "Content-Length: 1001\r\n"),
                  ParseError::kBodyTooLarge, "limit"},
                 {with_host("POST / HTTP/1.1", "Content-Length: 18446744073709551615\r\n"),
                  ParseError::kBodyTooLarge, "limit"}},
                limits);
  EXPECT_EQ(status_for(ParseError::kBodyTooLarge), 413);
}

TEST(RequestParser, AcceptsChunkedTransferEncoding) {
  for (const string field :
       {"Transfer-Encoding: chunked", "transfer-encoding: CHUNKED", "Transfer-Encoding:  chunked  ",
        "Transfer-Encoding: chunked,", "Transfer-Encoding: ,chunked"}) {
    SCOPED_TRACE(field);
    const RequestHead h = parse_ok(with_host("POST / HTTP/1.1", field + "\r\n"));
    EXPECT_EQ(h.framing, BodyFraming::kChunked);
  }
}

TEST(RequestParser, RejectsContentLengthWithTransferEncoding) {
  // CL.TE and TE.CL desync: the front end and the origin would disagree on where the body ends.
  expect_errors({
      {with_host("POST / HTTP/1.1", "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n"),
       ParseError::kBadRequest, "Content-Length together with Transfer-Encoding"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n"),
       ParseError::kBadRequest, "Content-Length together with Transfer-Encoding"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n"),
       ParseError::kBadRequest, "Content-Length together with Transfer-Encoding"},
  });
}

TEST(RequestParser, RejectsObfuscatedTransferEncoding) {
  // TE.TE: variants that one server reads as chunked and another does not.
  const auto B = ParseError::kBadRequest;
  expect_errors({
      {with_host("POST / HTTP/1.1", "Transfer-Encoding: xchunked\r\n"), B, "final coding"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding: chunkedx\r\n"), B, "final coding"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding : chunked\r\n"), B, "colon"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n"), B,
       "final coding"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding: chunked, identity\r\n"), B, "final coding"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding: identity\r\n"), B, "final coding"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding: \"chunked\"\r\n"), B, "final coding"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding: chunked;q=1\r\n"), B, "final coding"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding: chu nked\r\n"), B, "final coding"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding:\r\n"), B, "final coding"},
      {with_host("POST / HTTP/1.1",
                 "Transfer-Encoding: \x0b"
                 "chunked\r\n"),
       B, "control"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding: chunked, chunked\r\n"), B,
       "more than once"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"),
       B, "more than once"},
      {with_host("POST / HTTP/1.1", "Transfer-Encoding:\r\n chunked\r\n"), B, "obs-fold"},
      {with_host("POST / HTTP/1.1", " Transfer-Encoding: chunked\r\n"), B, "obs-fold"},
      {with_host("POST / HTTP/1.1", "X: y\nTransfer-Encoding\r\n : chunked\r\n"), B, ""},
  });
}

TEST(RequestParser, RejectsUnknownCodingBeforeChunkedWith501) {
  expect_errors({{with_host("POST / HTTP/1.1", "Transfer-Encoding: gzip, chunked\r\n"),
                  ParseError::kUnsupportedCoding, "other than chunked"},
                 {with_host("POST / HTTP/1.1",
                            "Transfer-Encoding: gzip\r\nTransfer-Encoding: "
                            "chunked\r\n"),
                  ParseError::kUnsupportedCoding, "other than chunked"}});
  EXPECT_EQ(status_for(ParseError::kUnsupportedCoding), 501);
}

TEST(RequestParser, RejectsTransferEncodingInHttp10) {
  expect_errors({{"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", ParseError::kBadRequest,
                  "HTTP/1.0"}});
}

// ---- connection handling ------------------------------------------------------------------

TEST(RequestParser, DecidesKeepAliveFromVersionAndConnection) {
  struct Case {
    string version, fields;
    bool keep_alive;
  };
  for (const auto& c : std::vector<Case>{
           {"1.1", "", true},
           {"1.1", "Connection: close\r\n", false},
           {"1.1", "Connection: Close\r\n", false},
           {"1.1", "Connection: upgrade, CLOSE\r\n", false},
           {"1.1", "Connection: keep-alive\r\n", true},
           {"1.1", "Connection: te\r\nConnection: close\r\n", false},
           {"1.1", "Connection: closed\r\n", true},
           {"1.0", "", false},
           {"1.0", "Connection: keep-alive\r\n", true},
           {"1.0", "Connection: Keep-Alive\r\n", true},
           {"1.0", "Connection: keep-alive, close\r\n", false},
           {"1.0", "Connection: x\r\n", false},
       }) {
    SCOPED_TRACE(c.version + " " + c.fields);
    EXPECT_EQ(parse_ok(with_host("GET / HTTP/" + c.version, c.fields)).keep_alive, c.keep_alive);
  }
}

TEST(RequestParser, DetectsExpectContinueInHttp11Only) {
  EXPECT_TRUE(parse_ok(with_host("PUT / HTTP/1.1", "Expect: 100-continue\r\nContent-Length: 1\r\n"))
                  .expect_continue);
  EXPECT_TRUE(parse_ok(with_host("PUT / HTTP/1.1", "expect: 100-Continue\r\n")).expect_continue);
  EXPECT_FALSE(parse_ok(with_host("PUT / HTTP/1.1", "Expect: 200-ok\r\n")).expect_continue);
  EXPECT_FALSE(parse_ok(with_host("PUT / HTTP/1.0", "Expect: 100-continue\r\n")).expect_continue);
}

TEST(RequestParser, ResetsTheHeadBetweenMessages) {
  RequestHead h;
  ASSERT_EQ(
      parse(with_host("POST /a?q HTTP/1.0", "A: 1\r\nB: 2\r\nContent-Length: 3\r\n"), h).status,
      ParseStatus::kComplete);
  const string second = with_host("GET /b HTTP/1.1");
  ASSERT_EQ(parse(second, h).status, ParseStatus::kComplete);
  EXPECT_EQ(h.headers.size(), 1u);
  EXPECT_EQ(h.query, "");
  EXPECT_EQ(h.framing, BodyFraming::kNone);
  EXPECT_EQ(h.content_length, 0u);
  EXPECT_EQ(h.version_minor, 1);
  EXPECT_TRUE(h.keep_alive);
}

TEST(RequestParser, DoesNotAllocateWhenTheHeadIsReused) {
  const string in = with_host("GET /a/b?c=d HTTP/1.1",
                              "User-Agent: x\r\nAccept: */*\r\nAccept-Encoding: gzip\r\n"
                              "Cookie: a=b\r\nConnection: keep-alive\r\nX-1: 1\r\nX-2: 2\r\n");
  RequestHead h;
  ASSERT_EQ(parse(in, h).status, ParseStatus::kComplete);  // warms up the field vector
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 100; ++i) {
    h.clear();
    (void)parse(in, h);
  }
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_EQ(h.headers.size(), 8u);
}

// ---- responses ----------------------------------------------------------------------------

ParseResult parse_response(string_view in, ResponseHead& h, string_view method = "GET",
                           const ParseLimits& limits = {}) {
  return parse_response_head(in, method, limits, h);
}

TEST(ResponseParser, ParsesStatusLineFieldsAndContentLength) {
  const string in =
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nCache-Control: max-age=60\r\n\r\nhello";
  ResponseHead h;
  ASSERT_EQ(parse_response(in, h).status, ParseStatus::kComplete);
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.reason, "OK");
  EXPECT_EQ(h.version_minor, 1);
  EXPECT_EQ(h.headers.get("cache-control"), "max-age=60");
  EXPECT_EQ(h.framing, BodyFraming::kContentLength);
  EXPECT_EQ(h.content_length, 5u);
  EXPECT_TRUE(h.keep_alive);
  EXPECT_EQ(in.substr(h.head_size), "hello");
}

TEST(ResponseParser, AcceptsReasonPhraseVariants) {
  for (const auto& [line, status, reason] : std::vector<std::tuple<string, int, string>>{
           {"HTTP/1.1 404 Not Found", 404, "Not Found"},
           {"HTTP/1.1 200 ", 200, ""},
           {"HTTP/1.1 200", 200, ""},
           {"HTTP/1.0 599 Custom\tthing \xe2\x9c\x93", 599, "Custom\tthing \xe2\x9c\x93"},
           {"HTTP/1.1 999 x", 999, "x"}}) {
    SCOPED_TRACE(line);
    const string in = line + "\r\nContent-Length: 0\r\n\r\n";
    ResponseHead h;
    ASSERT_EQ(parse_response(in, h).status, ParseStatus::kComplete);
    EXPECT_EQ(h.status, status);
    EXPECT_EQ(h.reason, reason);
  }
}

TEST(ResponseParser, RejectsMalformedStatusLines) {
  for (const string line :
       {"HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 099 x", "HTTP/1.1 abc OK",
        "HTTP/1.1  200 OK", "HTTP/2 200 OK", "HTTP/2.0 200 OK", "HTTP/1.2 200 OK",
        "http/1.1 200 OK", "ICY 200 OK", "HTTP/1.1 200 O\x01K", "HTTP/1.1 200\tOK", ""}) {
    SCOPED_TRACE(line);
    ResponseHead h;
    const ParseResult r = parse_response(line + "\r\n\r\n", h);
    EXPECT_EQ(r.error, ParseError::kBadResponse) << r.detail;
  }
}

TEST(ResponseParser, RejectsNonHttpBytesBeforeTheLineIsComplete) {
  ResponseHead h;
  EXPECT_EQ(parse_response("<html>", h).error, ParseError::kBadResponse);
  EXPECT_EQ(parse_response("HTT", h).status, ParseStatus::kIncomplete);
}

TEST(ResponseParser, ChoosesFramingPerRfc9112Section63) {
  struct Case {
    string method, status_line, fields;
    BodyFraming framing;
  };
  for (const auto& c : std::vector<Case>{
           {"HEAD", "HTTP/1.1 200 OK", "Content-Length: 100\r\n", BodyFraming::kNone},
           {"HEAD", "HTTP/1.1 200 OK", "Transfer-Encoding: chunked\r\n", BodyFraming::kNone},
           {"GET", "HTTP/1.1 100 Continue", "", BodyFraming::kNone},
           {"GET", "HTTP/1.1 103 Early Hints", "Link: </a>\r\n", BodyFraming::kNone},
           {"GET", "HTTP/1.1 204 No Content", "Content-Length: 10\r\n", BodyFraming::kNone},
           {"GET", "HTTP/1.1 304 Not Modified", "Content-Length: 10\r\n", BodyFraming::kNone},
           {"CONNECT", "HTTP/1.1 200 OK", "", BodyFraming::kNone},
           {"GET", "HTTP/1.1 200 OK", "Transfer-Encoding: chunked\r\n", BodyFraming::kChunked},
           {"GET", "HTTP/1.1 200 OK", "Transfer-Encoding: gzip, chunked\r\n",
            BodyFraming::kChunked},
           {"GET", "HTTP/1.1 200 OK", "Transfer-Encoding: gzip\r\n", BodyFraming::kUntilClose},
           {"GET", "HTTP/1.1 200 OK", "Transfer-Encoding: chunked, gzip\r\n",
            BodyFraming::kUntilClose},
           {"GET", "HTTP/1.1 200 OK", "Content-Length: 7\r\n", BodyFraming::kContentLength},
           {"GET", "HTTP/1.1 200 OK", "Content-Length: 7, 7\r\n", BodyFraming::kContentLength},
           {"GET", "HTTP/1.1 200 OK", "", BodyFraming::kUntilClose},
           {"POST", "HTTP/1.0 200 OK", "", BodyFraming::kUntilClose},
           {"CONNECT", "HTTP/1.1 407 Auth", "Content-Length: 0\r\n", BodyFraming::kContentLength},
       }) {
    SCOPED_TRACE(c.method + " " + c.status_line + " " + c.fields);
    ResponseHead h;
    ASSERT_EQ(parse_response(c.status_line + "\r\n" + c.fields + "\r\n", h, c.method).status,
              ParseStatus::kComplete);
    EXPECT_EQ(h.framing, c.framing);
    if (c.framing == BodyFraming::kUntilClose) {
      EXPECT_FALSE(h.keep_alive);
    }
  }
}

TEST(ResponseParser, KeepsContentLengthOfHeadResponses) {
  ResponseHead h;
  ASSERT_EQ(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", h, "HEAD").status,
            ParseStatus::kComplete);
  EXPECT_EQ(h.framing, BodyFraming::kNone);
  EXPECT_EQ(h.content_length, 1234u);
}

TEST(ResponseParser, RejectsAmbiguousFramingAsBadResponse) {
  for (const string& fields : std::vector<string>{
           "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
           "Content-Length: 5\r\nContent-Length: 6\r\n", "Content-Length: 5, 6\r\n",
           "Content-Length: +5\r\n", "Content-Length: 0x5\r\n", "Content-Length: \r\n",
           "Transfer-Encoding: chunked, chunked\r\n", "Transfer-Encoding : chunked\r\n",
           "X: a\r\n b\r\n", string("X: a\0b\r\n", 8)}) {
    SCOPED_TRACE(fields);
    ResponseHead h;
    const ParseResult r = parse_response("HTTP/1.1 200 OK\r\n" + fields + "\r\n", h);
    EXPECT_EQ(r.error, ParseError::kBadResponse) << r.detail;
  }
  ResponseHead h;
  EXPECT_EQ(parse_response("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", h).error,
            ParseError::kBadResponse);
  EXPECT_EQ(status_for(ParseError::kBadResponse), 502);
}

TEST(ResponseParser, DecidesKeepAlive) {
  struct Case {
    string head;
    bool keep_alive;
  };
  for (const auto& c : std::vector<Case>{
           {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n", true},
           {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n", false},
           {"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n", false},
           {"HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n", true},
           {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n", true},
           {"HTTP/1.1 200 OK\r\n", false},
           {"HTTP/1.1 304 Not Modified\r\n", true},
       }) {
    SCOPED_TRACE(c.head);
    ResponseHead h;
    ASSERT_EQ(parse_response(c.head + "\r\n", h).status, ParseStatus::kComplete);
    EXPECT_EQ(h.keep_alive, c.keep_alive);
  }
}

TEST(ResponseParser, ReportsOversizedHeadsAsBadResponse) {
  ParseLimits limits;
  limits.max_header_bytes = 64;
  ResponseHead h;
  const string big = "HTTP/1.1 200 OK\r\nX: " + string(60, 'a') + "\r\n\r\n";
  EXPECT_EQ(parse_response(big, h, "GET", limits).error, ParseError::kBadResponse);
  EXPECT_EQ(parse_response(big.substr(0, 70), h, "GET", limits).error, ParseError::kBadResponse);
  limits.max_header_count = 1;
  limits.max_header_bytes = 1000;
  EXPECT_EQ(parse_response("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n", h, "GET", limits).error,
            ParseError::kBadResponse);
}

TEST(ResponseParser, ReturnsIncompleteForEveryProperPrefix) {
  const string in = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n";
  for (std::size_t n = 0; n < in.size(); ++n) {
    ResponseHead h;
    EXPECT_EQ(parse_response(string_view(in).substr(0, n), h).status, ParseStatus::kIncomplete)
        << n;
  }
}

// ---- error descriptions ------------------------------------------------------------------

TEST(ParseErrors, MapToStatusCodesAndDescriptions) {
  const std::vector<std::pair<ParseError, int>> table = {
      {ParseError::kBadRequest, 400},        {ParseError::kUriTooLong, 414},
      {ParseError::kHeadersTooLarge, 431},   {ParseError::kBodyTooLarge, 413},
      {ParseError::kUnsupportedCoding, 501}, {ParseError::kVersionNotSupported, 505},
      {ParseError::kBadResponse, 502}};
  for (const auto& [error, status] : table) {
    EXPECT_EQ(status_for(error), status);
    EXPECT_FALSE(describe(error).empty());
    EXPECT_EQ(describe(error).find('\n'), string_view::npos);
  }
  EXPECT_EQ(status_for(ParseError::kNone), 0);
  EXPECT_NE(describe(ParseError::kHeadersTooLarge).find("too large"), string_view::npos);
}

}  // namespace
}  // namespace candela::http
