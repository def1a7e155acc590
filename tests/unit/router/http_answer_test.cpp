// HTTP mode answers: 302 Location format, 400 for unroutable hosts, 503 without edges.
#include "router/http_answer.hpp"

#include <gtest/gtest.h>

#include "http/parser.hpp"
#include "routing_fixtures.hpp"

namespace candela::router {
namespace {

using testing::edge;
using testing::state_with;
using testing::test_zone;

struct Answer {
  HttpOutcome outcome;
  std::string text;
};

Answer answer(const RoutingTable* table, const std::string& request, const char* client,
              bool close = false) {
  http::RequestHead head;
  const auto parsed = http::parse_request_head(request, http::ParseLimits{}, head);
  EXPECT_EQ(parsed.status, http::ParseStatus::kComplete) << request;
  std::string out = "previous;";
  const HttpAnswerContext context{"cdn.candela.test", "Wed, 25 Nov 2026 12:00:00 GMT", close};
  const auto outcome =
      answer_http_request(table, head, parse_ip_address(client).value(), context, out);
  EXPECT_EQ(out.substr(0, 9), "previous;");  // appends
  return {outcome, out.substr(9)};
}

std::string field(const std::string& response, const std::string& name) {
  const auto at = response.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const auto start = at + 4 + name.size();
  return response.substr(start, response.find("\r\n", start) - start);
}

std::string body(const std::string& response) {
  return response.substr(response.find("\r\n\r\n") + 4);
}

class HttpAnswerTest : public ::testing::Test {
 protected:
  RoutingTable table_{test_zone(),
                      state_with({edge("Edge-A", "lon1", "127.0.0.1:8081"),
                                  edge("edge-80", "ams1", "127.0.0.2:80")}),
                      1};
};

TEST_F(HttpAnswerTest, RedirectsToTheRoutedHostNameWithPortPathAndQuery) {
  const auto a = answer(
      &table_, "GET /img/a.png?w=10&h=2 HTTP/1.1\r\nHost: WWW.Example.com\r\n\r\n", "127.0.0.1");
  EXPECT_EQ(a.outcome, HttpOutcome::kRedirect);
  EXPECT_EQ(a.text.substr(0, 22), "HTTP/1.1 302 Found\r\nLo");
  EXPECT_EQ(field(a.text, "Location"),
            "http://edge-a.www.example.com.cdn.candela.test:8081/img/a.png?w=10&h=2");
  EXPECT_EQ(field(a.text, "Candela-Edge"), "Edge-A");
  EXPECT_EQ(field(a.text, "Cache-Control"), "no-store");
  EXPECT_EQ(field(a.text, "Date"), "Wed, 25 Nov 2026 12:00:00 GMT");
  EXPECT_EQ(field(a.text, "Connection"), "");
  EXPECT_EQ(body(a.text), "Redirecting to " + field(a.text, "Location") + "\n");
  EXPECT_EQ(field(a.text, "Content-Length"), std::to_string(body(a.text).size()));
}

TEST_F(HttpAnswerTest, OmitsPort80AndStripsTheHostsPort) {
  const auto a = answer(&table_, "POST /x HTTP/1.1\r\nHost: shop.example.org:8070\r\n\r\n",
                        "10.2.0.9");  // an ams1 client
  EXPECT_EQ(field(a.text, "Location"), "http://edge-80.shop.example.org.cdn.candela.test/x");
}

TEST_F(HttpAnswerTest, HeadGetsTheSameHeadWithoutBodyAndCloseIsAnnounced) {
  const auto a = answer(&table_, "HEAD /x HTTP/1.1\r\nHost: a.example\r\n\r\n", "127.0.0.1", true);
  EXPECT_EQ(a.outcome, HttpOutcome::kRedirect);
  EXPECT_EQ(body(a.text), "");
  EXPECT_NE(field(a.text, "Content-Length"), "0");
  EXPECT_EQ(field(a.text, "Connection"), "close");
}

TEST_F(HttpAnswerTest, AbsoluteFormUsesItsAuthority) {
  const auto a =
      answer(&table_, "GET http://b.example/p HTTP/1.1\r\nHost: b.example\r\n\r\n", "127.0.0.1");
  EXPECT_EQ(field(a.text, "Location"), "http://edge-a.b.example.cdn.candela.test:8081/p");
}

TEST_F(HttpAnswerTest, HostsThatAreNotNamesAreBadRequests) {
  for (const char* host : {"127.0.0.1:8070", "[::1]:8070", "a..b", "-x_.", "a.b..", ""}) {
    std::string request = "GET / HTTP/1.0\r\n";
    if (*host != '\0') request += std::string("Host: ") + host + "\r\n";
    request += "\r\n";
    http::RequestHead head;
    if (http::parse_request_head(request, http::ParseLimits{}, head).status !=
        http::ParseStatus::kComplete) {
      continue;  // refused by the parser already (also a 400 in the server)
    }
    const auto a = answer(&table_, request, "127.0.0.1");
    EXPECT_EQ(a.outcome, HttpOutcome::kBadRequest) << host;
    EXPECT_EQ(a.text.substr(0, 12), "HTTP/1.1 400") << host;
    EXPECT_EQ(field(a.text, "Content-Type"), "application/problem+json");
    EXPECT_NE(body(a.text).find("\"type\":\"https://candela.dev/problems/bad-request\""),
              std::string::npos);
  }
}

TEST_F(HttpAnswerTest, NoEdgeAnywhereIs503Problem) {
  const RoutingTable down(test_zone(), state_with({edge("a", "lon1", "127.0.0.1:1", false)}), 1);
  for (const RoutingTable* table : {&down, static_cast<const RoutingTable*>(nullptr)}) {
    const auto a = answer(table, "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n", "127.0.0.1");
    EXPECT_EQ(a.outcome, HttpOutcome::kNoEdge);
    EXPECT_EQ(a.text.substr(0, 12), "HTTP/1.1 503");
    EXPECT_NE(body(a.text).find("no-edge-available"), std::string::npos);
    EXPECT_EQ(field(a.text, "Content-Length"), std::to_string(body(a.text).size()));
  }
}

TEST_F(HttpAnswerTest, TheKeyIsHostAndPathWithoutQuery) {
  RoutingTable many(
      test_zone(),
      state_with({edge("e1", "lon1", "127.0.0.1:81"), edge("e2", "lon1", "127.0.0.1:82"),
                  edge("e3", "lon1", "127.0.0.1:83"), edge("e4", "lon1", "127.0.0.1:84")}),
      1);
  int differs = 0;
  for (int i = 0; i < 20; ++i) {
    const std::string path = "/obj" + std::to_string(i);
    const auto a =
        answer(&many, "GET " + path + "?v=1 HTTP/1.1\r\nHost: A.example\r\n\r\n", "127.0.0.1");
    const auto b =
        answer(&many, "GET " + path + "?v=2 HTTP/1.1\r\nHost: a.example:99\r\n\r\n", "127.0.0.1");
    EXPECT_EQ(field(a.text, "Candela-Edge"), field(b.text, "Candela-Edge"));
    const auto c =
        answer(&many, "GET /other" + path + " HTTP/1.1\r\nHost: a.example\r\n\r\n", "127.0.0.1");
    if (field(a.text, "Candela-Edge") != field(c.text, "Candela-Edge")) ++differs;
  }
  EXPECT_GT(differs, 5);  // other paths spread over the group
}

TEST(RoutableHost, NormalisesAndRefuses) {
  std::string out;
  EXPECT_TRUE(routable_host("WWW.Example.COM.:8080", out));
  EXPECT_EQ(out, "www.example.com");
  EXPECT_TRUE(routable_host("cdn", out));
  EXPECT_FALSE(routable_host("10.0.0.1", out));
  EXPECT_FALSE(routable_host("[::1]", out));
  EXPECT_FALSE(routable_host(std::string(64, 'a') + ".example", out));
  EXPECT_FALSE(routable_host("a b", out));
  EXPECT_FALSE(routable_host("-a.example", out));
  EXPECT_FALSE(routable_host("a-.example", out));
  EXPECT_TRUE(routable_host("a-b.example", out));
}

}  // namespace
}  // namespace candela::router
