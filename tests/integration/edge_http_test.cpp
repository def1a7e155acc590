// `candela edge` as an HTTP/1.1 server and reverse proxy, end to end: connection handling,
// body framing both ways, property matching, what is forwarded to the origin, origin failures,
// and the observability endpoints and access log.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "edge_test_helpers.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;

bool ieq(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Values of the fields named `name` in an /_origin/echo answer, in order.
std::vector<std::string> echoed(const json& echo, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& h : echo["headers"]) {
    if (ieq(h[0].get<std::string>(), name)) out.push_back(h[1].get<std::string>());
  }
  return out;
}

json parse_echo(const std::optional<HttpResponse>& r) {
  EXPECT_TRUE(r);
  if (!r) return json::object();
  EXPECT_EQ(r->status, 200) << r->body;
  return json::parse(r->body, nullptr, false);
}

std::string get_request(const std::string& path, const std::string& host,
                        const std::string& extra = {}) {
  return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra + "\r\n";
}

// An origin with three small files and an edge with one property "demo" for "demo.test".
struct Fixture {
  explicit Fixture(std::vector<std::string> origin_args = {"--cache-control", "public, max-age=60"},
                   json config_changes = json::object())
      : origin(std::move(origin_args)) {
    origin.put("/a.txt", "aaa\n");
    origin.put("/b.txt", "bbbb\n");
    origin.put("/c.txt", "ccccc\n");
    json config = edge_config({property_json("demo", "demo.test", origin.port())});
    config.merge_patch(config_changes);
    edge = std::make_unique<EdgeServer>(config);
  }
  OriginServer origin;
  std::unique_ptr<EdgeServer> edge;
};

// ---- HTTP/1.1 server ----------------------------------------------------------------------

TEST(EdgeHttp, KeepAliveServesSeveralRequestsOnOneConnection) {
  Fixture f;
  RawConnection c(f.edge->port());
  for (int i = 0; i < 4; ++i) {
    for (const auto& [path, body] : std::vector<std::pair<std::string, std::string>>{
             {"/a.txt", "aaa\n"}, {"/b.txt", "bbbb\n"}}) {
      ASSERT_TRUE(c.send(get_request(path, "demo.test")));
      auto r = c.read_response();
      ASSERT_TRUE(r) << "request " << i << " " << path << " got no answer on the kept connection";
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->body, body);
      EXPECT_FALSE(ieq(r->header("Connection"), "close"));
    }
  }
  EXPECT_EQ(f.origin.count("/a.txt"), 1);
  EXPECT_EQ(f.origin.count("/b.txt"), 1);
}

TEST(EdgeHttp, PipelinedRequestsAreAnsweredInOrder) {
  Fixture f;
  // A slow uncached first request must not let the quick ones overtake it.
  RawConnection c(f.edge->port());
  ASSERT_TRUE(c.send(get_request("/_origin/bytes/5/slow?delay_ms=400&cc=no-store", "demo.test") +
                     get_request("/a.txt", "demo.test") +
                     "POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nContent-Length: 7\r\n\r\n"
                     "1234567" +
                     get_request("/b.txt", "demo.test") + get_request("/c.txt", "demo.test")));
  auto r1 = c.read_response();
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->body, "01234");
  auto r2 = c.read_response();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->body, "aaa\n");
  auto r3 = c.read_response();
  ASSERT_TRUE(r3);
  auto echo = json::parse(r3->body, nullptr, false);
  ASSERT_FALSE(echo.is_discarded()) << r3->body;
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["body_bytes"], 7);
  auto r4 = c.read_response();
  ASSERT_TRUE(r4);
  EXPECT_EQ(r4->body, "bbbb\n");
  auto r5 = c.read_response();
  ASSERT_TRUE(r5);
  EXPECT_EQ(r5->body, "ccccc\n");
}

TEST(EdgeHttp, ManyPipelinedRequestsInOneWriteAreAllAnswered) {
  Fixture f;
  std::string burst;
  const int n = 300;  // far more than one read buffer holds
  for (int i = 0; i < n; ++i)
    burst += get_request(i % 2 ? "/a.txt" : "/b.txt", "demo.test");
  RawConnection c(f.edge->port());
  ASSERT_TRUE(c.send(burst));
  for (int i = 0; i < n; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r) << "response " << i;
    ASSERT_EQ(r->body, i % 2 ? "aaa\n" : "bbbb\n") << "response " << i;
  }
}

TEST(EdgeHttp, LargeRequestBodyIsForwardedWhole) {
  Fixture f;
  const std::string body(900 * 1024 + 17, 'q');  // `candela origin` takes bodies up to 1 MiB
  for (bool chunked : {false, true}) {
    RawConnection c(f.edge->port());
    std::string request = "PUT /_origin/echo HTTP/1.1\r\nHost: demo.test\r\n";
    if (chunked) {
      request += "Transfer-Encoding: chunked\r\n\r\n";
      for (std::size_t i = 0; i < body.size(); i += 70000) {
        const std::size_t n = std::min<std::size_t>(70000, body.size() - i);
        char size[20];
        std::snprintf(size, sizeof size, "%zx\r\n", n);
        request += size + body.substr(i, n) + "\r\n";
      }
      request += "0\r\n\r\n";
    } else {
      request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }
    ASSERT_TRUE(c.send(request));
    auto echo = parse_echo(c.read_response());
    EXPECT_EQ(echo["method"], "PUT");
    EXPECT_EQ(echo["body_bytes"], body.size()) << (chunked ? "chunked" : "sized");
  }
}

TEST(EdgeHttp, ResponseThatTakesLongerThanTheSendTimeoutIsNotCutOff) {
  // send_timeout is for a client that stops reading, not a limit on a whole download.
  Fixture f({"--cache-control", "public, max-age=60"},
            json{{"limits", {{"send_timeout_ms", 1000}}}});
  const std::size_t size = 1600000;  // 1.6 s at the throttled rate, past the 1 s timeout
  for (const std::string cc : {"no-store", "public%2C%20max-age%3D60"}) {
    auto r = http_get(f.edge->port(),
                      "/_origin/bytes/" + std::to_string(size) + "?throttle=1000000&cc=" + cc,
                      "demo.test");
    ASSERT_TRUE(r) << cc;
    EXPECT_EQ(r->status, 200) << cc;
    EXPECT_EQ(r->body.size(), size) << cc << ": the download was cut off";
  }
}

TEST(EdgeHttp, ClientThatDisconnectsMidResponseDoesNotDisturbTheEdge) {
  Fixture f;
  for (int i = 0; i < 5; ++i) {
    RawConnection c(f.edge->port());
    c.send(get_request("/_origin/bytes/2000000/gone" + std::to_string(i) + "?throttle=2000000",
                       "demo.test"));
    c.read_available(100ms);
  }  // each closes with the body still streaming
  for (int i = 0; i < 3; ++i) {
    RawConnection c(f.edge->port());
    c.send(get_request("/_origin/bytes/100/half?cc=no-store", "demo.test"));
  }  // closed before the answer
  ASSERT_TRUE(f.edge->process().running());
  auto r = http_get(f.edge->port(), "/a.txt", "demo.test");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "aaa\n");
  // The same object requested whole afterwards arrives whole.
  auto whole = http_get(f.edge->port(), "/_origin/bytes/2000000/gone0", "demo.test");
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->body.size(), 2000000u);
}

TEST(EdgeHttp, HeadOfAChunkedResponseHasNoBody) {
  Fixture f;
  f.origin.put("/stream.txt", "streamed\n", {"@chunked: 1", "Cache-Control: no-store"});
  RawConnection c(f.edge->port());
  ASSERT_TRUE(c.send("HEAD /stream.txt HTTP/1.1\r\nHost: demo.test\r\n\r\n"));
  auto head = c.read_response(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  // The next response on the connection must start right after the head.
  ASSERT_TRUE(c.send(get_request("/a.txt", "demo.test")));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "aaa\n");
}

TEST(EdgeHttp, ConnectAndTraceAreRefusedWith405) {
  Fixture f;
  for (const std::string line : {"CONNECT demo.test:443 HTTP/1.1", "TRACE /a.txt HTTP/1.1"}) {
    auto r = [&] {
      RawConnection c(f.edge->port());
      c.send(line + "\r\nHost: demo.test\r\n\r\n");
      return c.read_response();
    }();
    ASSERT_TRUE(r) << line;
    EXPECT_EQ(r->status, 405) << line;
    EXPECT_TRUE(r->has_header("Allow")) << line;
  }
  EXPECT_EQ(f.origin.total(), 0);
}

TEST(EdgeHttp, Http10ConnectionClosesAfterTheResponseByDefault) {
  Fixture f;
  RawConnection c(f.edge->port());
  ASSERT_TRUE(c.send("GET /a.txt HTTP/1.0\r\nHost: demo.test\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "aaa\n");
  EXPECT_TRUE(c.wait_closed());
}

TEST(EdgeHttp, Http10KeepsTheConnectionAliveWhenAsked) {
  Fixture f;
  RawConnection c(f.edge->port());
  for (const std::string path : {"/a.txt", "/b.txt", "/a.txt"}) {
    ASSERT_TRUE(
        c.send("GET " + path + " HTTP/1.0\r\nHost: demo.test\r\nConnection: keep-alive\r\n\r\n"));
    auto r = c.read_response();
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(ieq(r->header("Connection"), "keep-alive")) << r->header("Connection");
    EXPECT_TRUE(r->has_header("Content-Length"));
  }
  // An HTTP/1.0 request without the keep-alive option ends the connection again.
  ASSERT_TRUE(c.send("GET /c.txt HTTP/1.0\r\nHost: demo.test\r\n\r\n"));
  auto last = c.read_response();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->body, "ccccc\n");
  EXPECT_TRUE(c.wait_closed());
}

TEST(EdgeHttp, ConnectionCloseIsHonoured) {
  Fixture f;
  RawConnection c(f.edge->port());
  // A second request pipelined after the one that says close must not be answered.
  ASSERT_TRUE(c.send(get_request("/a.txt", "demo.test", "Connection: close\r\n") +
                     get_request("/b.txt", "demo.test")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "aaa\n");
  EXPECT_TRUE(ieq(r->header("Connection"), "close"));
  EXPECT_TRUE(c.wait_closed());
  EXPECT_EQ(f.origin.count("/b.txt"), 0);
}

TEST(EdgeHttp, ChunkedRequestBodyIsDecodedAndForwardedToTheOrigin) {
  Fixture f;
  RawConnection c(f.edge->port());
  const std::string request =
      "POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nTransfer-Encoding: chunked\r\n"
      "Content-Type: text/plain\r\n\r\n"
      "5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";
  // Sent in pieces so the decoder sees chunk lines split across reads.
  for (std::size_t i = 0; i < request.size(); i += 7) {
    ASSERT_TRUE(c.send(request.substr(i, 7)));
    if (i % 35 == 0) std::this_thread::sleep_for(5ms);
  }
  auto echo = parse_echo(c.read_response());
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["body_bytes"], 16);
  EXPECT_EQ(echoed(echo, "Content-Length"), std::vector<std::string>{"16"});
  EXPECT_TRUE(echoed(echo, "Transfer-Encoding").empty());
  EXPECT_TRUE(echoed(echo, "X-Trailer").empty());
  EXPECT_EQ(echoed(echo, "Content-Type"), std::vector<std::string>{"text/plain"});
  // The connection is still usable after a chunked body.
  ASSERT_TRUE(c.send(get_request("/a.txt", "demo.test")));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "aaa\n");
  // POST is not cached: a second one reaches the origin too.
  EXPECT_EQ(f.origin.count("/_origin/echo"), 1);
  auto again = http_request(f.edge->port(), "POST", "/_origin/echo", "demo.test", {}, "xy");
  ASSERT_TRUE(again);
  EXPECT_EQ(json::parse(again->body)["body_bytes"], 2);
  EXPECT_EQ(f.origin.count("/_origin/echo"), 2);
}

TEST(EdgeHttp, ChunkedOriginResponseIsRelayedWithChunkedCoding) {
  Fixture f;
  std::string big(100000, 'x');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>('a' + i % 26);
  f.origin.put("/stream.txt", big, {"@chunked: 1", "Cache-Control: no-store"});
  f.origin.put("/cached.txt", "cached chunks\n", {"@chunked: 1"});
  auto r = http_get(f.edge->port(), "/stream.txt", "demo.test");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->chunked);
  EXPECT_FALSE(r->has_header("Content-Length"));
  EXPECT_EQ(r->body, big);
  // Through the cache as well: the first answer streams chunked, the stored copy is complete.
  auto first = http_get(f.edge->port(), "/cached.txt", "demo.test");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "cached chunks\n");
  EXPECT_EQ(first->header_count("Transfer-Encoding"), first->chunked ? 1u : 0u);
  auto second = http_get(f.edge->port(), "/cached.txt", "demo.test");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "cached chunks\n");
  EXPECT_EQ(f.origin.count("/cached.txt"), 1);
}

TEST(EdgeHttp, ChunkedOriginResponseToHttp10ClientIsDelimitedByClose) {
  Fixture f;
  f.origin.put("/stream.txt", "streamed body\n", {"@chunked: 1", "Cache-Control: no-store"});
  RawConnection c(f.edge->port());
  ASSERT_TRUE(
      c.send("GET /stream.txt HTTP/1.0\r\nHost: demo.test\r\nConnection: keep-alive\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->chunked);  // HTTP/1.0 has no chunked coding
  EXPECT_EQ(r->body, "streamed body\n");
}

TEST(EdgeHttp, ExpectContinueGets100BeforeTheBodyIsSent) {
  Fixture f;
  RawConnection c(f.edge->port());
  ASSERT_TRUE(
      c.send("POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nContent-Length: 11\r\n"
             "Expect: 100-continue\r\n\r\n"));
  auto interim = c.read_response(false, 3000ms);
  ASSERT_TRUE(interim) << "no 100 Continue while the client waits for it";
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.send("hello world"));
  auto echo = parse_echo(c.read_response());
  EXPECT_EQ(echo["body_bytes"], 11);
  // Also with a chunked body.
  ASSERT_TRUE(
      c.send("POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nTransfer-Encoding: chunked\r\n"
             "Expect: 100-continue\r\n\r\n"));
  auto interim2 = c.read_response(false, 3000ms);
  ASSERT_TRUE(interim2);
  EXPECT_EQ(interim2->status, 100);
  ASSERT_TRUE(c.send("3\r\nabc\r\n0\r\n\r\n"));
  auto echo2 = parse_echo(c.read_response());
  EXPECT_EQ(echo2["body_bytes"], 3);
}

// ---- properties ---------------------------------------------------------------------------

TEST(EdgeHttp, UnknownAliasGets404WithExplanationAndNothingReachesTheOrigin) {
  Fixture f;
  auto r = http_get(f.edge->port(), "/a.txt", "nobody.example");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("nobody.example"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("property"), std::string::npos) << r->body;
  EXPECT_EQ(f.origin.total(), 0);
}

TEST(EdgeHttp, HostMatchingIgnoresCaseAPortAndATrailingDot) {
  Fixture f;
  for (const std::string host :
       {"demo.test", "DEMO.Test", "demo.test:8080", "demo.test.", "Demo.Test.:80"}) {
    auto r = http_get(f.edge->port(), "/a.txt", host);
    ASSERT_TRUE(r) << host;
    EXPECT_EQ(r->status, 200) << host << ": " << r->body;
    EXPECT_EQ(r->body, "aaa\n") << host;
  }
  // Absolute-form targets name the host too (RFC 9112 §3.2.2).
  RawConnection c(f.edge->port());
  ASSERT_TRUE(c.send("GET http://DEMO.test/b.txt HTTP/1.1\r\nHost: other.example\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "bbbb\n");
  // A suffix or prefix of an alias is another name.
  for (const std::string host : {"x.demo.test", "demo.tes", "demo.test.."}) {
    auto miss = http_get(f.edge->port(), "/a.txt", host);
    ASSERT_TRUE(miss) << host;
    EXPECT_TRUE(miss->status == 404 || miss->status == 400) << host << ": " << miss->status;
  }
}

TEST(EdgeHttp, AlternateWebRootAndHostHeaderOverrideReachTheOrigin) {
  OriginServer origin;
  origin.put("/media/pic.txt", "under the web root\n");
  origin.put("/pic.txt", "outside the web root\n");
  json rooted = property_json("rooted", "rooted.test", origin.port());
  rooted["origin"]["web_root"] = "/media";
  json renamed = property_json("renamed", "renamed.test", origin.port());
  renamed["origin"]["host_header"] = "origin.internal.example";
  json plain = property_json("plain", "plain.test", origin.port());
  EdgeServer edge(edge_config({rooted, renamed, plain}));

  auto r = http_get(edge.port(), "/pic.txt", "rooted.test");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "under the web root\n");
  EXPECT_EQ(origin.count("/media/pic.txt"), 1);
  EXPECT_EQ(origin.count("/pic.txt"), 0);

  auto echo = parse_echo(http_get(edge.port(), "/_origin/echo?x=1", "renamed.test"));
  EXPECT_EQ(echoed(echo, "Host"), std::vector<std::string>{"origin.internal.example"});
  EXPECT_EQ(echo["target"], "/_origin/echo?x=1");

  auto plain_echo = parse_echo(http_get(edge.port(), "/_origin/echo", "Plain.Test:1234"));
  EXPECT_EQ(echoed(plain_echo, "Host"), std::vector<std::string>{"Plain.Test:1234"});
}

// ---- proxying -----------------------------------------------------------------------------

TEST(EdgeHttp, HopByHopRequestFieldsAreNotForwardedToTheOrigin) {
  Fixture f;
  const std::vector<std::string> fields = {"Connection: keep-alive, X-Private-Hop",
                                           "X-Private-Hop: secret",
                                           "Keep-Alive: timeout=5",
                                           "TE: trailers",
                                           "Upgrade: websocket",
                                           "Proxy-Connection: keep-alive",
                                           "Proxy-Authorization: Basic Zm9vOmJhcg==",
                                           "X-End-To-End: kept"};
  std::string head = "GET /_origin/echo HTTP/1.1\r\nHost: demo.test\r\n";
  for (const auto& h : fields)
    head += h + "\r\n";
  for (const std::string method : {"GET", "POST"}) {
    std::string request = head;
    request.replace(0, 3, method);
    request +=
        method == "POST" ? "Transfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n" : "\r\n";
    RawConnection c(f.edge->port());
    ASSERT_TRUE(c.send(request));
    auto echo = parse_echo(c.read_response());
    for (const std::string name :
         {"Connection", "X-Private-Hop", "Keep-Alive", "TE", "Upgrade", "Proxy-Connection",
          "Proxy-Authorization", "Transfer-Encoding"}) {
      EXPECT_TRUE(echoed(echo, name).empty())
          << method << " forwarded " << name << ": " << echo["headers"].dump();
    }
    EXPECT_EQ(echoed(echo, "X-End-To-End"), std::vector<std::string>{"kept"}) << method;
  }
}

TEST(EdgeHttp, HopByHopResponseFieldsAreNotRelayedToTheClient) {
  const std::string body = "from the fake origin\n";
  FakeOrigin origin(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: public, max-age=60\r\n"
      "Connection: keep-alive, X-Origin-Hop\r\nX-Origin-Hop: secret\r\nKeep-Alive: timeout=5\r\n"
      "Proxy-Connection: keep-alive\r\nTE: trailers\r\nUpgrade: h2c\r\nTrailer: X-Checksum\r\n"
      "Proxy-Authenticate: Basic realm=\"origin\"\r\nX-End-To-End: kept\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  EdgeServer edge(edge_config({property_json("fake", "fake.test", origin.port())}));
  for (int i = 0; i < 2; ++i) {  // the miss is relayed, the hit served from the stored copy
    RawConnection c(edge.port());
    ASSERT_TRUE(c.send(get_request("/x", "fake.test")));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, body);
    for (const std::string name : {"X-Origin-Hop", "Keep-Alive", "Proxy-Connection", "TE",
                                   "Upgrade", "Trailer", "Proxy-Authenticate"}) {
      EXPECT_FALSE(r->has_header(name)) << "request " << i << " relayed " << name;
    }
    // The edge's own Connection field may be there, but never the origin's option list.
    for (const auto& [name, value] : r->headers) {
      if (ieq(name, "Connection")) {
        EXPECT_EQ(value.find("X-Origin-Hop"), std::string::npos);
      }
    }
    EXPECT_EQ(r->header("X-End-To-End"), "kept");
  }
  EXPECT_EQ(origin.requests().size(), 1u);
}

TEST(EdgeHttp, ViaAndXForwardedForAreAppendedToExistingValues) {
  Fixture f;
  auto echo = parse_echo(http_get(f.edge->port(), "/_origin/echo", "demo.test",
                                  {"Via: 1.0 corporate-proxy", "X-Forwarded-For: 203.0.113.9"}));
  EXPECT_EQ(echoed(echo, "Via"),
            std::vector<std::string>{"1.0 corporate-proxy, 1.1 test-edge (candela)"});
  EXPECT_EQ(echoed(echo, "X-Forwarded-For"), std::vector<std::string>{"203.0.113.9, 127.0.0.1"});

  auto fresh = parse_echo(http_get(f.edge->port(), "/_origin/echo", "demo.test"));
  EXPECT_EQ(echoed(fresh, "Via"), std::vector<std::string>{"1.1 test-edge (candela)"});
  EXPECT_EQ(echoed(fresh, "X-Forwarded-For"), std::vector<std::string>{"127.0.0.1"});

  // The response to the client says it came through this edge as well.
  auto r = http_get(f.edge->port(), "/a.txt", "demo.test");
  ASSERT_TRUE(r);
  EXPECT_NE(r->header("Via").find("test-edge"), std::string::npos) << r->header("Via");
}

TEST(EdgeHttp, OriginDownGets502WithClearBody) {
  const int dead_port = free_port();  // nothing listens there
  EdgeServer edge(edge_config({property_json("down", "down.test", dead_port)}));
  for (const std::string method : {"GET", "POST"}) {
    auto r = http_request(edge.port(), method, "/anything", "down.test");
    ASSERT_TRUE(r) << method;
    EXPECT_EQ(r->status, 502) << method;
    EXPECT_NE(r->body.find("origin"), std::string::npos) << method << ": " << r->body;
    EXPECT_NE(r->body.find("reach"), std::string::npos) << method << ": " << r->body;
  }
  EXPECT_TRUE(edge.process().running());
}

TEST(EdgeHttp, OriginTooSlowGets504) {
  OriginServer origin;
  json property = property_json("slow", "slow.test", origin.port());
  property["origin"]["response_timeout_ms"] = 300;
  EdgeServer edge(edge_config({property}));
  const auto start = std::chrono::steady_clock::now();
  auto r = http_get(edge.port(), "/_origin/bytes/10?delay_ms=3000", "slow.test");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_NE(r->body.find("in time"), std::string::npos) << r->body;
  EXPECT_LT(elapsed, 2500ms) << "the edge waited for the origin instead of timing out";
  auto post =
      http_request(edge.port(), "POST", "/_origin/status/200?delay_ms=3000", "slow.test", {}, "x");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 504);
}

TEST(EdgeHttp, RequestUsesAFreshConnectionWhenTheOriginClosedThePooledOne) {
  OriginServer origin;
  origin.put("/one.txt", "one\n", {"Cache-Control: no-store"});
  origin.put("/two.txt", "two\n", {"Cache-Control: no-store"});
  json config = edge_config({property_json("demo", "demo.test", origin.port())});
  config["threads"] = 1;  // one loop, one pool: the second request must find the dead connection
  EdgeServer edge(config);
  RawConnection c(edge.port());
  ASSERT_TRUE(c.send(get_request("/one.txt", "demo.test")));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "one\n");

  origin.stop();  // closes the edge's pooled keep-alive connection from the origin's side
  origin.start();
  for (const std::string path : {"/two.txt", "/one.txt"}) {
    ASSERT_TRUE(c.send(get_request(path, "demo.test")));
    auto r = c.read_response();
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
  }
}

TEST(EdgeHttp, PostAfterTheOriginClosedThePooledConnectionSucceeds) {
  // A POST is not retried (it is not idempotent), so a pooled connection that the origin has
  // already closed must be noticed before the request is sent on it.
  OriginServer origin;
  json config = edge_config({property_json("demo", "demo.test", origin.port())});
  config["threads"] = 1;
  EdgeServer edge(config);
  RawConnection c(edge.port());
  const std::string post =
      "POST /_origin/echo HTTP/1.1\r\nHost: demo.test\r\nContent-Length: 3\r\n\r\nabc";
  ASSERT_TRUE(c.send(post));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  origin.stop();
  origin.start();
  ASSERT_TRUE(c.send(post));
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200) << second->body;
  EXPECT_EQ(origin.count("/_origin/echo"), 1);
}

TEST(EdgeHttp, IdempotentRequestIsRetriedWhenThePooledConnectionDiesUnanswered) {
  // The origin takes the second request on a connection and closes without answering: the
  // edge cannot know whether it was processed, so only an idempotent request is sent again.
  FakeOrigin origin("HTTP/1.1 200 OK\r\nCache-Control: no-store\r\nContent-Length: 3\r\n\r\nok\n",
                    /*answers_per_connection=*/1);
  json config = edge_config({property_json("fake", "fake.test", origin.port())});
  config["threads"] = 1;
  EdgeServer edge(config);
  RawConnection c(edge.port());
  for (const std::string path : {"/first", "/second"}) {
    ASSERT_TRUE(c.send(get_request(path, "fake.test")));
    auto r = c.read_response();
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    EXPECT_EQ(r->body, "ok\n") << path;
  }
  auto requests = origin.requests();
  ASSERT_EQ(requests.size(), 3u);  // /first, /second unanswered, /second again
  EXPECT_EQ(requests[1].substr(0, 12), "GET /second ");
  EXPECT_EQ(requests[2].substr(0, 12), "GET /second ");

  // A POST in the same situation is not repeated: 502, and the origin saw it once.
  ASSERT_TRUE(c.send("POST /third HTTP/1.1\r\nHost: fake.test\r\nContent-Length: 0\r\n\r\n"));
  auto post = c.read_response();
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 502);
  EXPECT_EQ(origin.requests().size(), 4u);
}

// ---- observability ------------------------------------------------------------------------

TEST(EdgeHttp, HealthzOnTheAdminPortAnswersOk) {
  Fixture f;
  auto r = http_get(f.edge->admin_port(), "/healthz", "admin");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok\n");
  // The admin endpoints are not served on the traffic port.
  auto traffic = http_get(f.edge->port(), "/healthz", "admin");
  ASSERT_TRUE(traffic);
  EXPECT_EQ(traffic->status, 404);
}

TEST(EdgeHttp, MetricsCountRequestsByPropertyAndCacheStatus) {
  Fixture f;
  for (int i = 0; i < 4; ++i) {
    auto r = http_get(f.edge->port(), "/a.txt", "demo.test");
    ASSERT_TRUE(r);
  }
  auto pass = http_get(f.edge->port(), "/_origin/echo", "demo.test");
  ASSERT_TRUE(pass);
  const std::string hit = "candela_edge_requests_total{property=\"demo\",cache_status=\"hit\"}";
  const std::string miss = "candela_edge_requests_total{property=\"demo\",cache_status=\"miss\"}";
  const std::string pass_series =
      "candela_edge_requests_total{property=\"demo\",cache_status=\"pass\"}";
  std::string text;
  // An exchange is counted once its response is written, which may be just after the client
  // has read it: poll briefly until the last one is in.
  EXPECT_TRUE(wait_until([&] {
    text = metrics_text(f.edge->admin_port());
    return metric_value(text, hit) == 3.0 && metric_value(text, miss) == 1.0 &&
           metric_value(text, pass_series) == 1.0 &&
           metric_value(text, "candela_edge_request_duration_seconds_count") == 5.0;
  })) << text;
  EXPECT_EQ(metric_value(text, hit), 3.0);
  EXPECT_EQ(metric_value(text, miss), 1.0);
  EXPECT_EQ(metric_value(text, pass_series), 1.0);
  EXPECT_GE(metric_value(text, "candela_edge_cache_objects").value_or(-1), 1.0) << text;
  EXPECT_GE(metric_value(text, "candela_edge_cache_bytes").value_or(-1), 4.0) << text;
  EXPECT_EQ(metric_value(text, "candela_edge_request_duration_seconds_count").value_or(-1), 5.0)
      << text;
  EXPECT_NE(text.find("candela_edge_request_duration_seconds_bucket{le=\"+Inf\"} 5"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE candela_edge_request_duration_seconds histogram"), std::string::npos);
  EXPECT_GE(metric_value(text, "candela_edge_response_bytes_total{property=\"demo\"}").value_or(0),
            5 * 4.0);
}

TEST(EdgeHttp, AccessLogHasOneJsonLinePerRequestWithTheDocumentedFields) {
  OriginServer origin({"--cache-control", "public, max-age=60"});
  origin.put("/a.txt", "aaa\n");
  TempDir logs;
  json config = edge_config({property_json("demo", "demo.test", origin.port())});
  const std::string log_path = logs.path() + "/access.log";
  config["access_log"] = {{"path", log_path}};
  EdgeServer edge(config);

  ASSERT_TRUE(http_get(edge.port(), "/a.txt?v=1", "demo.test",
                       {"User-Agent: test-agent/1.0", "Referer: https://ref.example/"}));
  ASSERT_TRUE(http_get(edge.port(), "/a.txt?v=1", "demo.test", {"Range: bytes=0-1"}));
  ASSERT_TRUE(http_get(edge.port(), "/missing", "nobody.test"));

  std::vector<nlohmann::ordered_json> lines;  // keeps the keys in the order written
  auto read_lines = [&] {
    lines.clear();
    std::ifstream in(log_path);
    std::string line;
    while (std::getline(in, line)) {
      lines.push_back(nlohmann::ordered_json::parse(line, nullptr, false));
    }
    return lines.size() >= 3;
  };
  ASSERT_TRUE(wait_until(read_lines)) << lines.size() << " lines";
  ASSERT_EQ(lines.size(), 3u);
  const std::vector<std::string> keys = {
      "ts",    "edge",      "client_ip", "client_port", "method",      "host",  "path",
      "proto", "status",    "bytes",     "body_bytes",  "duration_ms", "cache", "property",
      "scid",  "origin_ms", "range",     "ua",          "referer"};
  for (const auto& l : lines) {
    ASSERT_TRUE(l.is_object());
    std::vector<std::string> got;
    for (auto it = l.begin(); it != l.end(); ++it)
      got.push_back(it.key());
    EXPECT_EQ(got, keys) << "fields must all be there, in the documented order";
    EXPECT_EQ(l["edge"], "test-edge");
    EXPECT_EQ(l["client_ip"], "127.0.0.1");
    EXPECT_EQ(l["proto"], "HTTP/1.1");
    const std::string ts = l["ts"];
    EXPECT_EQ(ts.size(), 24u) << ts;
    EXPECT_EQ(ts.back(), 'Z') << ts;
  }
  // Lines of different loops may be out of order; find them by what they record.
  auto find = [&](int status, const std::string& cache) -> const nlohmann::ordered_json* {
    for (const auto& l : lines) {
      if (l["status"] == status && l["cache"] == cache) return &l;
    }
    return nullptr;
  };
  const auto* miss = find(200, "miss");
  ASSERT_TRUE(miss) << lines[0].dump();
  EXPECT_EQ((*miss)["method"], "GET");
  EXPECT_EQ((*miss)["host"], "demo.test");
  EXPECT_EQ((*miss)["path"], "/a.txt?v=1");
  EXPECT_EQ((*miss)["body_bytes"], 4);
  EXPECT_GT((*miss)["bytes"].get<int>(), 4);
  EXPECT_EQ((*miss)["property"], "demo");
  EXPECT_EQ((*miss)["scid"], "SCID" + std::to_string(origin.port() % 100000));
  EXPECT_TRUE((*miss)["origin_ms"].is_number());
  EXPECT_TRUE((*miss)["range"].is_null());
  EXPECT_EQ((*miss)["ua"], "test-agent/1.0");
  EXPECT_EQ((*miss)["referer"], "https://ref.example/");
  EXPECT_GE((*miss)["duration_ms"].get<double>(), 0.0);

  const auto* hit = find(206, "hit");
  ASSERT_TRUE(hit);
  EXPECT_EQ((*hit)["range"], "bytes=0-1");
  EXPECT_EQ((*hit)["body_bytes"], 2);
  EXPECT_TRUE((*hit)["origin_ms"].is_null());
  EXPECT_EQ((*hit)["ua"], "");

  const auto* unknown = find(404, "error");
  ASSERT_TRUE(unknown);
  EXPECT_EQ((*unknown)["host"], "nobody.test");
  EXPECT_EQ((*unknown)["property"], "");
}

}  // namespace
}  // namespace candela::testing
