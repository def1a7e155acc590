// `candela edge` against hostile clients: oversized and malformed heads, ambiguous framing and
// request smuggling, slow and idle clients, too many connections, and binary junk. Every test
// ends by checking that the edge is still alive and serving.
#include <gtest/gtest.h>

#include <random>

#include "edge_test_helpers.hpp"

namespace candela::testing {
namespace {

constexpr const char* kAlias = "demo.test";
const std::string kBody = "still here\n";

// An origin with one file and an edge with small limits, so tests stay quick.
struct Fixture {
  explicit Fixture(nlohmann::json limits = nlohmann::json::object()) {
    origin.put("/ok.txt", kBody, {"Cache-Control: no-store"});
    nlohmann::json config = edge_config({property_json("demo", kAlias, origin.port())});
    nlohmann::json l = {{"max_request_line", 1024},
                        {"max_header_bytes", 4096},
                        {"max_header_count", 20},
                        {"max_body_bytes", 1000},
                        {"header_timeout_ms", 1000}};
    l.merge_patch(limits);
    config["limits"] = l;
    edge = std::make_unique<EdgeServer>(config);
  }
  // The edge is still running and serves a normal request.
  void expect_serving() { expect_still_serving(*edge, kAlias, "/ok.txt", kBody); }

  OriginServer origin;
  std::unique_ptr<EdgeServer> edge;
};

// Sends `bytes` on a fresh connection and reads one response.
std::optional<HttpResponse> send_raw(int port, const std::string& bytes) {
  RawConnection c(port);
  c.send(bytes);
  return c.read_response(false, 5000ms);
}

// The edge answers `bytes` with `status` and then closes the connection.
void expect_refused_and_closed(int port, const std::string& bytes, int status,
                               const std::string& what) {
  RawConnection c(port);
  c.send(bytes);
  auto r = c.read_response(false, 5000ms);
  ASSERT_TRUE(r) << what << ": no response";
  EXPECT_EQ(r->status, status) << what << ": " << r->body;
  EXPECT_TRUE(c.wait_closed()) << what << ": connection left open after a framing error";
}

TEST(EdgeHostile, RequestLineOverTheLimitGets414) {
  Fixture f;
  auto r = send_raw(f.edge->port(),
                    "GET /" + std::string(2000, 'a') + " HTTP/1.1\r\nHost: demo.test\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 414);
  // Refused before the line even ends.
  RawConnection c(f.edge->port());
  c.send("GET /" + std::string(1500, 'b'));
  auto early = c.read_response(false, 3000ms);
  ASSERT_TRUE(early);
  EXPECT_EQ(early->status, 414);
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, HeaderSectionOverTheLimitGets431) {
  Fixture f;
  std::string head = "GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\n";
  for (int i = 0; i < 6; ++i)
    head += "X-Big-" + std::to_string(i) + ": " + std::string(900, 'v') + "\r\n";
  auto r = send_raw(f.edge->port(), head + "\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, TooManyHeaderFieldsGets431) {
  Fixture f;
  std::string head = "GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\n";
  for (int i = 0; i < 40; ++i)
    head += "X-F" + std::to_string(i) + ": 1\r\n";
  auto r = send_raw(f.edge->port(), head + "\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, DeclaredBodyOverTheLimitGets413WithoutReadingIt) {
  Fixture f;
  expect_refused_and_closed(f.edge->port(),
                            "POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\n"
                            "Content-Length: 5000\r\n\r\n",
                            413, "Content-Length over max_body_bytes");
  // Also when the client sends the body right behind the head without waiting: the answer
  // must not be lost to a connection reset caused by the unread body.
  for (int i = 0; i < 5; ++i) {
    expect_refused_and_closed(f.edge->port(),
                              "POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\n"
                              "Content-Length: 200000\r\n\r\n" +
                                  std::string(200000, 'b'),
                              413, "Content-Length over max_body_bytes, body sent");
  }
  // A chunked body cannot declare its size: it is refused once it passes the limit.
  std::string chunked =
      "POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i)
    chunked += "190\r\n" + std::string(400, 'x') + "\r\n";
  expect_refused_and_closed(f.edge->port(), chunked, 413, "chunked body over max_body_bytes");
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, ContentLengthTogetherWithTransferEncodingGets400AndClose) {
  Fixture f;
  expect_refused_and_closed(
      f.edge->port(),
      "POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nContent-Length: 5\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      400, "CL + TE");
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, TwoDifferentContentLengthsGet400) {
  Fixture f;
  expect_refused_and_closed(
      f.edge->port(),
      "POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nContent-Length: 3\r\n"
      "Content-Length: 4\r\n\r\nabcd",
      400, "two Content-Length fields");
  expect_refused_and_closed(f.edge->port(),
                            "POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\n"
                            "Content-Length: 3, 4\r\n\r\nabcd",
                            400, "a Content-Length list");
  for (const std::string value : {"-1", "+3", "0x3", "3 3", "", "99999999999999999999999"}) {
    expect_refused_and_closed(f.edge->port(),
                              "POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nContent-Length: " +
                                  value + "\r\n\r\nabc",
                              400, "Content-Length: " + value);
  }
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, BadChunkSizeGets400) {
  Fixture f;
  for (const std::string& body : std::vector<std::string>{
           "zz\r\nabc\r\n0\r\n\r\n", "-1\r\nabc\r\n0\r\n\r\n", "0x3\r\nabc\r\n0\r\n\r\n",
           "3\nabc\n0\n\n", "3\r\nabcdef\r\n0\r\n\r\n", "ffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
           " 3\r\nabc\r\n0\r\n\r\n", "3;" + std::string(2000, 'e') + "\r\nabc\r\n0\r\n\r\n",
           "3\r\nabc\r\n0\r\nX-T: " + std::string(9000, 't') + "\r\n\r\n",
           "3\r\nabc\r\n0\r\nbad trailer\r\n\r\n"}) {
    expect_refused_and_closed(f.edge->port(),
                              "POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n" +
                                  body,
                              400, "chunked body " + body);
  }
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, ObfuscatedTransferEncodingIsRefusedAndNeverForwarded) {
  Fixture f;
  for (const std::string te :
       {"Transfer-Encoding: xchunked", "Transfer-Encoding: chunkedx",
        "Transfer-Encoding: chunked, identity", "Transfer-Encoding: identity",
        "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: chunked;q=1",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: x", "Transfer-Encoding: chunked, chunked",
        "Transfer-Encoding : chunked", " Transfer-Encoding: chunked",
        "Transfer-Encoding:\x0b"
        "chunked",
        "Transfer-Encoding: \"chunked\"", "Transfer_Encoding: chunked\r\nContent-Length: 5x"}) {
    RawConnection c(f.edge->port());
    c.send("POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\n" + te +
           "\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    auto r = c.read_response(false, 5000ms);
    ASSERT_TRUE(r) << te;
    EXPECT_TRUE(r->status == 400 || r->status == 501) << te << " got " << r->status;
    EXPECT_TRUE(c.wait_closed()) << te;
  }
  EXPECT_EQ(f.origin.total(), 0) << "an obfuscated Transfer-Encoding reached the origin";
  f.expect_serving();
}

TEST(EdgeHostile, MalformedHeadsGet400) {
  Fixture f;
  using namespace std::string_literals;
  for (const std::string& head :
       {"GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\nX-Nul: a\0b\r\n\r\n"s,
        std::string("GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\nX-Bare: a\rb\r\n\r\n"),
        std::string("GET /ok.txt#frag HTTP/1.1\r\nHost: demo.test\r\n\r\n"),
        std::string("GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\nX-Fold: a\r\n  b\r\n\r\n"),
        std::string("GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\nBad Name: x\r\n\r\n"),
        std::string("GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\n: empty\r\n\r\n"),
        std::string("GET /ok.txt  HTTP/1.1\r\nHost: demo.test\r\n\r\n"),
        std::string("GET /ok.txt HTTP/1.1 \r\nHost: demo.test\r\n\r\n"),
        std::string("POST /_origin/echo HTTP/1.0\r\nHost: demo.test\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        std::string("GET ftp://demo.test/ok.txt HTTP/1.1\r\nHost: demo.test\r\n\r\n"),
        std::string("GET http://user@demo.test/ok.txt HTTP/1.1\r\nHost: demo.test\r\n\r\n")}) {
    expect_refused_and_closed(f.edge->port(), head, 400, head);
  }
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, MissingHostInHttp11Gets400) {
  Fixture f;
  auto r = send_raw(f.edge->port(), "GET /ok.txt HTTP/1.1\r\nUser-Agent: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, InvalidHostGets400) {
  Fixture f;
  for (const std::string host :
       {"Host: demo test", "Host: user@demo.test", "Host: demo.test@evil.example",
        "Host: demo.test\r\nHost: demo.test", "Host: demo.test:99999", "Host: demo.test:80:80",
        "Host: demo.test/evil", "Host: "}) {
    auto r = send_raw(f.edge->port(), "GET /ok.txt HTTP/1.1\r\n" + host + "\r\n\r\n");
    ASSERT_TRUE(r) << host;
    EXPECT_EQ(r->status, 400) << host;
  }
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, ClTeSmugglingNeverReachesTheOrigin) {
  Fixture f;
  // A front end trusting Content-Length would forward the whole thing as one request; one
  // trusting Transfer-Encoding would see the body end at "0" and run the hidden GET.
  const std::string hidden = "GET /smuggled-clte HTTP/1.1\r\nHost: demo.test\r\n\r\n";
  const std::string body = "0\r\n\r\n" + hidden;
  RawConnection c(f.edge->port());
  c.send("POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
  auto r = c.read_response(false, 5000ms);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.wait_closed());
  // The hidden request is neither answered on this connection nor sent to the origin.
  EXPECT_EQ(f.origin.count("/smuggled-clte"), 0);
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, TeClSmugglingNeverReachesTheOrigin) {
  Fixture f;
  const std::string hidden = "GET /smuggled-tecl HTTP/1.1\r\nHost: demo.test\r\n\r\n";
  // Chunk size covers the hidden request; Content-Length says only "4\r\n" is the body.
  char size[16];
  std::snprintf(size, sizeof size, "%zx", hidden.size());
  RawConnection c(f.edge->port());
  c.send(
      "POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nContent-Length: 4\r\n"
      "Transfer-Encoding: chunked\r\n\r\n" +
      std::string(size) + "\r\n" + hidden + "\r\n0\r\n\r\n");
  auto r = c.read_response(false, 5000ms);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.wait_closed());
  // Variants that hide Transfer-Encoding from one parser or the other.
  for (const std::string te :
       {"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity", "Transfer-Encoding:\tchunked",
        "transfer-encoding: CHUNKED", "Transfer-Encoding: chunked\r\nContent-Length: 4"}) {
    RawConnection v(f.edge->port());
    v.send("POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nContent-Length: 4\r\n" + te +
           "\r\n\r\n" + std::string(size) + "\r\n" + hidden + "\r\n0\r\n\r\n");
    auto rv = v.read_response(false, 5000ms);
    ASSERT_TRUE(rv) << te;
    EXPECT_EQ(rv->status, 400) << te;
    EXPECT_TRUE(v.wait_closed()) << te;
  }
  EXPECT_EQ(f.origin.count("/smuggled-tecl"), 0);
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, RequestInsideAWellFramedBodyStaysBody) {
  Fixture f;
  const std::string hidden = "GET /smuggled-body HTTP/1.1\r\nHost: demo.test\r\n\r\n";
  for (bool chunked : {false, true}) {
    RawConnection c(f.edge->port());
    char size[16];
    std::snprintf(size, sizeof size, "%zx", hidden.size());
    const std::string framing =
        chunked ? "Transfer-Encoding: chunked\r\n\r\n" + std::string(size) + "\r\n" + hidden +
                      "\r\n0\r\n\r\n"
                : "Content-Length: " + std::to_string(hidden.size()) + "\r\n\r\n" + hidden;
    c.send("POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\n" + framing);
    auto r = c.read_response(false, 5000ms);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    auto echo = nlohmann::json::parse(r->body, nullptr, false);
    ASSERT_FALSE(echo.is_discarded()) << r->body;
    EXPECT_EQ(echo["body_bytes"], hidden.size());
    // Nothing further arrives on the connection: the body was not parsed as a request.
    EXPECT_EQ(c.read_available(300ms), "");
  }
  EXPECT_EQ(f.origin.count("/smuggled-body"), 0);
  EXPECT_EQ(f.origin.count("/_origin/echo"), 2);
  f.expect_serving();
}

TEST(EdgeHostile, GetWithABodyDoesNotSmuggleARequest) {
  Fixture f;
  const std::string hidden = "GET /smuggled-get HTTP/1.1\r\nHost: demo.test\r\n\r\n";
  RawConnection c(f.edge->port());
  c.send("GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\nContent-Length: " +
         std::to_string(hidden.size()) + "\r\n\r\n" + hidden +
         "GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\n\r\n");
  // Exactly two responses: the GET with a body and the request after it.
  for (int i = 0; i < 2; ++i) {
    auto r = c.read_response(false, 5000ms);
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200) << i;
    EXPECT_EQ(r->body, kBody) << i;
  }
  EXPECT_EQ(c.read_available(300ms), "");
  EXPECT_EQ(f.origin.count("/smuggled-get"), 0);
  f.expect_serving();
}

TEST(EdgeHostile, ExpectContinueWithABodyOverTheLimitGets413Without100) {
  Fixture f;
  RawConnection c(f.edge->port());
  c.send(
      "POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nContent-Length: 5000\r\n"
      "Expect: 100-continue\r\n\r\n");
  auto r = c.read_response(false, 5000ms);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(c.wait_closed());
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, SlowlorisHeadIsCutOffAtTheHeaderTimeout) {
  Fixture f;  // header_timeout_ms = 1000
  RawConnection c(f.edge->port());
  const std::string head = "GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\nX-Slow: ";
  const auto start = std::chrono::steady_clock::now();
  std::string got;
  // One byte at a time (every 250 ms, well inside any per-read timeout) for up to 6 s.
  for (std::size_t i = 0; std::chrono::steady_clock::now() - start < 6s; ++i) {
    if (!c.send(std::string(1, i < head.size() ? head[i] : 'x'))) break;
    got += c.read_available(250ms);
    if (got.find("HTTP/1.1 ") != std::string::npos || c.wait_closed(0ms)) break;
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  got += c.read_available(200ms);
  EXPECT_TRUE(got.empty() || got.rfind("HTTP/1.1 408", 0) == 0) << got;
  EXPECT_TRUE(c.wait_closed(2000ms)) << "the slow client was not cut off";
  EXPECT_LT(elapsed, 3500ms) << "the header timeout (1 s) was extended by trickled bytes";
  f.expect_serving();
}

TEST(EdgeHostile, StalledRequestBodyIsCutOff) {
  Fixture f;
  RawConnection c(f.edge->port());
  const auto start = std::chrono::steady_clock::now();
  // The head is complete and promises 100 bytes, but only 3 ever come.
  c.send("POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nContent-Length: 100\r\n\r\nabc");
  auto r = c.read_response(false, 6000ms);
  EXPECT_TRUE(c.wait_closed(1000ms))
      << "a client that never finishes its body holds the connection";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5000ms);
  if (r) {
    EXPECT_EQ(r->status, 408);
  }
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

TEST(EdgeHostile, ClientThatStopsReadingIsDisconnectedAfterTheSendTimeout) {
  Fixture f(nlohmann::json{{"send_timeout_ms", 1000}});
  const std::size_t size = 32u << 20;  // far more than the socket buffers hold
  RawConnection c(f.edge->port());
  c.send("GET /_origin/bytes/" + std::to_string(size) +
         "?cc=no-store HTTP/1.1\r\nHost: demo.test\r\n\r\n");
  std::this_thread::sleep_for(3s);  // not reading
  std::size_t received = 0;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  bool closed = false;
  while (std::chrono::steady_clock::now() < deadline) {
    received += c.read_available(100ms).size();
    if (c.wait_closed(0ms)) {
      closed = true;
      break;
    }
  }
  EXPECT_TRUE(closed) << "a client that stopped reading kept its connection";
  EXPECT_LT(received, size);
  f.expect_serving();
}

TEST(EdgeHostile, IdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  Fixture f(nlohmann::json{{"idle_timeout_ms", 1000}});
  RawConnection c(f.edge->port());
  c.send("GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.wait_closed(4000ms)) << "idle keep-alive connection was not closed";
  EXPECT_GE(std::chrono::steady_clock::now() - start, 500ms) << "closed too early";
  // A connection that never sends anything is idle too.
  RawConnection silent(f.edge->port());
  EXPECT_TRUE(silent.wait_closed(4000ms));
  f.expect_serving();
}

TEST(EdgeHostile, ConnectionsOverTheCapGet503AndServiceResumesWhenOthersClose) {
  Fixture f(nlohmann::json{{"max_connections", 2}});
  // Two connections that are served (so both are counted) and stay open. The start-up probe
  // of the test harness may still be counted for a moment, so a 503 here is retried.
  auto open_served = [&]() -> std::unique_ptr<RawConnection> {
    std::unique_ptr<RawConnection> c;
    wait_until([&] {
      c = std::make_unique<RawConnection>(f.edge->port());
      c->send("GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\n\r\n");
      auto r = c->read_response();
      return r && r->status == 200;
    });
    return c;
  };
  auto a = open_served();
  auto b = open_served();
  // Both still open and served.
  for (auto* c : {a.get(), b.get()}) {
    c->send("GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\n\r\n");
    auto r = c->read_response();
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
  }
  for (int i = 0; i < 3; ++i) {
    RawConnection over(f.edge->port());
    over.send("GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\n\r\n");
    auto r = over.read_response(false, 3000ms);
    ASSERT_TRUE(r) << "connection over the cap: no 503";
    EXPECT_EQ(r->status, 503);
    EXPECT_TRUE(over.wait_closed());
  }
  a.reset();
  b.reset();
  std::optional<HttpResponse> r;
  EXPECT_TRUE(wait_until([&] {
    r = http_get(f.edge->port(), "/ok.txt", kAlias);
    return r && r->status == 200;
  })) << "service did not resume after connections closed";
  f.expect_serving();
}

TEST(EdgeHostile, GarbageAndBinaryJunkNeverCrashTheEdge) {
  Fixture f;
  std::mt19937 rng(20240611);
  std::vector<std::string> payloads = {
      std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),  // TLS ClientHello
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",                               // HTTP/2 preface
      std::string(64, '\0'),
      "\r\n\r\n\r\n\r\n",
      "\r\r\r\r",
      "GET\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: demo.test\r\n\x01\x02\x03: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: demo.test\r\nX: a\rb\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: demo.test\r\n folded: x\r\n\r\n",
      "GET /\x7f HTTP/1.1\r\nHost: demo.test\r\n\r\n",
      "GET / HTTP/9.9\r\nHost: demo.test\r\n\r\n",
      "G\xc3\xa9T / HTTP/1.1\r\nHost: demo.test\r\n\r\n",
      "GET  / HTTP/1.1\r\nHost: demo.test\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: demo.test\r\nContent-Length: 1\r\n\r\n",  // then the peer goes away
      std::string(20000, 'A'),
  };
  for (int i = 0; i < 20; ++i) {
    std::string junk(static_cast<std::size_t>(rng() % 4000 + 1), '\0');
    for (auto& ch : junk)
      ch = static_cast<char>(rng());
    payloads.push_back(junk);
    // Junk in a field value after a valid request line, too (a control byte first, so it can
    // never complete into a valid request).
    junk[0] = '\x01';
    payloads.push_back("GET /ok.txt HTTP/1.1\r\nHost: demo.test\r\nX-Junk: " + junk);
  }
  for (const auto& p : payloads) {
    RawConnection c(f.edge->port());
    c.send(p);
    auto got = c.read_available(50ms);
    if (!got.empty()) {
      EXPECT_EQ(got.rfind("HTTP/1.1 ", 0), 0u) << "not an HTTP response: " << got.substr(0, 80);
      EXPECT_EQ(got.find("HTTP/1.1 200"), std::string::npos) << "junk was answered with 200";
    }
    ASSERT_TRUE(f.edge->process().running()) << "the edge died on junk:\n" << f.edge->process_log();
  }
  EXPECT_EQ(f.origin.total(), 0);
  f.expect_serving();
}

}  // namespace
}  // namespace candela::testing
