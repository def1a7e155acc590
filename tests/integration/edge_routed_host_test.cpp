// Routed host names end to end (docs/edge.md "Routed host names"): with a routing domain, a real
// edge serves "<edge_id>.<alias>.<domain>" exactly as <alias> — the same cached object, the
// alias as origin Host, in the access log and the metrics — and answers other names under the
// domain like any unknown host. `--routing-domain` overrides the file.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "edge_test_helpers.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;

constexpr const char* kDomain = "cdn.candela.test";

std::string routed(const EdgeServer& edge, const std::string& alias) {
  return "edge-a." + alias + "." + kDomain + ":" + std::to_string(edge.port());
}

// The Host the origin saw, from an /_origin/echo answer.
std::string echoed_host(const std::optional<HttpResponse>& r) {
  if (!r || r->status != 200) return "(no echo)";
  const json echo = json::parse(r->body, nullptr, false);
  for (const auto& h : echo["headers"]) {
    if (h[0] == "Host" || h[0] == "host") return h[1];
  }
  return "(no Host)";
}

struct RoutedFixture {
  RoutedFixture() : origin({"--cache-control", "public, max-age=60"}) {
    origin.put("/a.txt", "aaa\n");
    origin.put("/b.txt", "bbbb\n");
    json config = edge_config({property_json("demo", "demo.test", origin.port())});
    config["edge_id"] = "edge-a";
    config["routing_domain"] = kDomain;
    config["access_log"] = {{"path", logs.path() + "/access.log"}};
    edge = std::make_unique<EdgeServer>(config);
  }

  // The access-log lines written so far (waits until there are at least `count`).
  std::vector<json> log_lines(std::size_t count) {
    std::vector<json> lines;
    wait_until([&] {
      lines.clear();
      std::ifstream in(logs.path() + "/access.log");
      std::string line;
      while (std::getline(in, line))
        lines.push_back(json::parse(line, nullptr, false));
      return lines.size() >= count;
    });
    return lines;
  }

  OriginServer origin;
  TempDir logs;
  std::unique_ptr<EdgeServer> edge;
};

TEST(EdgeRoutedHost, TheRoutedNameAndTheAliasShareOneCachedObject) {
  RoutedFixture f;
  auto first = http_get(f.edge->port(), "/a.txt", "demo.test");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  auto second = http_get(f.edge->port(), "/a.txt", routed(*f.edge, "demo.test"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200) << second->body;
  EXPECT_EQ(second->body, "aaa\n");
  EXPECT_EQ(second->header("Cache-Status"), "Candela; hit");
  // And the other way round: filled through the routed name, a hit for the alias.
  auto routed_miss = http_get(f.edge->port(), "/b.txt", routed(*f.edge, "demo.test"));
  ASSERT_TRUE(routed_miss);
  EXPECT_EQ(routed_miss->status, 200);
  EXPECT_NE(routed_miss->header("Cache-Status").find("fwd=uri-miss"), std::string::npos);
  auto alias_hit = http_get(f.edge->port(), "/b.txt", "demo.test");
  ASSERT_TRUE(alias_hit);
  EXPECT_EQ(alias_hit->header("Cache-Status"), "Candela; hit");
  EXPECT_EQ(f.origin.count("/a.txt"), 1);
  EXPECT_EQ(f.origin.count("/b.txt"), 1);
}

TEST(EdgeRoutedHost, TheRoutedNameIsCaseInsensitiveAndMayEndWithADot) {
  RoutedFixture f;
  for (const char* host :
       {"EDGE-A.Demo.Test.CDN.Candela.TEST", "edge-a.demo.test.cdn.candela.test.",
        "edge-a.demo.test.cdn.candela.test"}) {
    auto r = http_get(f.edge->port(), "/a.txt", host);
    ASSERT_TRUE(r) << host;
    EXPECT_EQ(r->status, 200) << host << ": " << r->body;
    EXPECT_EQ(r->body, "aaa\n") << host;
  }
  EXPECT_EQ(f.origin.count("/a.txt"), 1);
}

TEST(EdgeRoutedHost, TheOriginTheAccessLogAndTheMetricsSeeTheAlias) {
  RoutedFixture f;
  auto echo = http_get(f.edge->port(), "/_origin/echo", routed(*f.edge, "demo.test"));
  EXPECT_EQ(echoed_host(echo), "demo.test");
  auto r = http_get(f.edge->port(), "/a.txt", routed(*f.edge, "Demo.Test"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);

  const auto lines = f.log_lines(2);
  ASSERT_EQ(lines.size(), 2u);
  // Logged as a request for the alias, spelt as the client spelt it (port and domain gone).
  for (const auto& l : lines) {
    EXPECT_EQ(l["property"], "demo") << l.dump();
    EXPECT_EQ(l["host"], l["path"] == "/a.txt" ? "Demo.Test" : "demo.test") << l.dump();
  }
  std::string text;
  EXPECT_TRUE(wait_until([&] {
    text = metrics_text(f.edge->admin_port());
    return metric_value(
               text, "candela_edge_responses_total{property=\"demo\",status_class=\"2xx\"}") == 2.0;
  })) << text;
}

TEST(EdgeRoutedHost, OtherNamesUnderTheDomainAreUnknownHosts) {
  RoutedFixture f;
  const std::string port = ":" + std::to_string(f.edge->port());
  for (const std::string& host :
       {std::string("edge-b.demo.test.") + kDomain + port,    // another edge's name
        std::string("edge-a.nobody.test.") + kDomain + port,  // no such alias
        std::string("edge-a.") + kDomain + port,              // no alias at all
        std::string(kDomain) + port, std::string("demo.test.") + kDomain + port,
        std::string("edge-a.demo.test.other.test") + port}) {
    auto r = http_get(f.edge->port(), "/a.txt", host);
    ASSERT_TRUE(r) << host;
    EXPECT_EQ(r->status, 404) << host;
    EXPECT_NE(r->body.find("No property is configured for host '" + host + "'"), std::string::npos)
        << r->body;
  }
  EXPECT_EQ(f.origin.count("/a.txt"), 0);
}

TEST(EdgeRoutedHost, WithoutARoutingDomainTheRoutedNameIsAnUnknownHost) {
  OriginServer origin({"--cache-control", "public, max-age=60"});
  origin.put("/a.txt", "aaa\n");
  json config = edge_config({property_json("demo", "demo.test", origin.port())});
  config["edge_id"] = "edge-a";
  EdgeServer edge(config);
  auto r = http_get(edge.port(), "/a.txt", routed(edge, "demo.test"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

// `candela edge --routing-domain D` with a file that sets none (or another one).
class RoutingDomainOption : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_.put("/a.txt", "aaa\n");
    port_ = free_port();
    json config = edge_config({property_json("demo", "demo.test", origin_.port())});
    config["edge_id"] = "edge-a";
    config["routing_domain"] = "file.example";
    config["listen"] = {"127.0.0.1:" + std::to_string(port_)};
    std::ofstream(dir_.path() + "/edge.json") << config.dump();
  }

  std::unique_ptr<ChildProcess> start(const std::string& domain) {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{candela_binary(), "edge", "--config", dir_.path() + "/edge.json",
                                 "--routing-domain", domain},
        dir_.path() + "/edge.out");
  }

  std::string output() const {
    std::ifstream in(dir_.path() + "/edge.out");
    return {std::istreambuf_iterator<char>(in), {}};
  }

  OriginServer origin_{{"--cache-control", "public, max-age=60"}};
  TempDir dir_;
  int port_ = 0;
};

TEST_F(RoutingDomainOption, TheOptionReplacesTheFilesDomain) {
  auto edge = start("CDN.Candela.Test.");
  ASSERT_TRUE(wait_for_port(port_)) << output();
  auto r = http_get(port_, "/a.txt", "edge-a.demo.test.cdn.candela.test");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  auto file_domain = http_get(port_, "/a.txt", "edge-a.demo.test.file.example");
  ASSERT_TRUE(file_domain);
  EXPECT_EQ(file_domain->status, 404);
}

TEST_F(RoutingDomainOption, ADomainThatIsNoHostNameIsRefusedAtStart) {
  auto edge = start("cdn..test");
  const int status = edge->wait_for_exit(std::chrono::seconds(10));
  ASSERT_NE(status, -1) << "the edge started with a bad --routing-domain";
  EXPECT_FALSE(exited_zero(status));
  EXPECT_NE(output().find("is not a host name"), std::string::npos) << output();
}

}  // namespace
}  // namespace candela::testing
