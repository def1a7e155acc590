// `candela router` end to end with real processes on loopback: edges with admin listeners, a
// `candela monitor` reading a topology file, and the router in HTTP and DNS mode.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "router/ldns_include.hpp"
#include "support/candela_processes.hpp"
#include "support/dns_client.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/monitor_process.hpp"
#include "support/network_processes.hpp"
#include "support/process.hpp"

namespace candela::testing {
namespace {

constexpr const char* kDomain = "cdn.candela.test";
constexpr const char* kScid = "AB12CD34E";

// ---- The network: origin, three edges, monitor, router ------------------------------------

struct EdgeSpec {
  std::string id;
  std::string group;
  std::string ip;  // the address the topology gives (all of 127/8 is loopback)
};

class RouterNetwork : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_ = std::make_unique<OriginServer>(
        std::vector<std::string>{"--cache-control", "public, max-age=60"});
    origin_->put("/hello.txt", "hello\n");
    const std::vector<EdgeSpec> specs = {{"edge-a", "lon1", "127.0.0.11"},
                                         {"edge-b", "lon1", "127.0.0.12"},
                                         {"edge-c", "ams1", "127.0.0.13"}};
    nlohmann::json topology = {{"generated_at", "2026-11-25T12:00:00Z"},
                               {"network", "production"},
                               {"cdn_domain", kDomain},
                               {"edges", nlohmann::json::array()},
                               {"services", {kScid}}};
    for (const auto& spec : specs) {
      const int port = free_port();
      auto config = edge_config({property_json("demo", "demo.test", origin_->port())});
      config["edge_id"] = spec.id;
      config["routing_domain"] = kDomain;
      config["listen"] = {"127.0.0.1:" + std::to_string(port),
                          spec.ip + ":" + std::to_string(port)};
      edges_[spec.id] = std::make_unique<EdgeServer>(config);
      addresses_[spec.id] = spec.ip + ":" + std::to_string(port);
      topology["edges"].push_back(
          {{"edge_id", spec.id},
           {"cache_group", spec.group},
           {"role", "edge"},
           {"address", addresses_[spec.id]},
           {"admin_address", "127.0.0.1:" + std::to_string(edges_[spec.id]->admin_port())},
           {"capacity", {{"requests_per_second", 0}, {"bytes_per_second", 0}}},
           {"draining", false},
           {"maintenance_reference", nullptr},
           {"health", nullptr}});
    }
    std::ofstream(dir_.path() + "/topology.json") << topology.dump(2);
    monitor_ = std::make_unique<MonitorProcess>(std::vector<std::string>{
        "--topology-file", dir_.path() + "/topology.json", "--monitor-id", "monitor-1"});
    monitor_port_ = monitor_->port();
    const nlohmann::json coverage_zone = nlohmann::json::parse(R"({
      "default_group": "lon1",
      "groups": [
        {"name": "lon1", "networks": ["127.0.0.0/8"], "latitude": 51.5, "longitude": -0.12,
         "fallbacks": ["ams1"]},
        {"name": "ams1", "networks": ["10.2.0.0/16"], "latitude": 52.37, "longitude": 4.9}
      ]})");
    // The first monitor is down: the router skips it.
    router_ = std::make_unique<RouterProcess>(
        std::vector<std::string>{"http://127.0.0.1:1", monitor_->url()}, coverage_zone, kDomain,
        std::vector<std::string>{"--threads", "2"});
    http_port_ = router_->ports().http;
    dns_port_ = router_->ports().dns;
    admin_port_ = router_->ports().admin;
    // Ready when every edge is up at the monitor and the router routes by that state.
    ASSERT_TRUE(eventually(
        [&]() -> bool {
          auto state = http_get(monitor_port_, "/state", "127.0.0.1");
          if (!state || state->status != 200) return false;
          const auto j = nlohmann::json::parse(state->body, nullptr, false);
          if (j.is_discarded()) return false;
          for (const auto& e : j["edges"]) {
            if (!e.value("available", false)) return false;
          }
          return redirect("/ready").has_value();
        },
        std::chrono::seconds(20)))
        << monitor_->log() << router_->log();
  }

  // The edge the router sends GET <path> for demo.test to, or nullopt when it does not 302.
  std::optional<HttpResponse> redirect(const std::string& path, const std::string& method = "GET") {
    auto r = http_request(http_port_, method, path, "demo.test");
    if (!r || r->status != 302) return std::nullopt;
    return r;
  }

  TempDir dir_;
  std::unique_ptr<OriginServer> origin_;
  std::map<std::string, std::unique_ptr<EdgeServer>> edges_;
  std::map<std::string, std::string> addresses_;
  std::unique_ptr<MonitorProcess> monitor_;
  std::unique_ptr<RouterProcess> router_;
  int monitor_port_ = 0;
  int http_port_ = 0;
  int dns_port_ = 0;
  int admin_port_ = 0;
};

TEST_F(RouterNetwork, RedirectsToAHealthyEdgeOfTheClientsGroupThatServesTheRoutedName) {
  const auto r = redirect("/hello.txt?x=1");
  ASSERT_TRUE(r);
  const std::string edge = r->header("Candela-Edge");
  EXPECT_TRUE(edge == "edge-a" || edge == "edge-b") << edge;  // lon1, never ams1's edge-c
  EXPECT_EQ(r->header("Cache-Control"), "no-store");
  const std::string port = addresses_[edge].substr(addresses_[edge].find(':') + 1);
  const std::string host = edge + ".demo.test." + kDomain;
  EXPECT_EQ(r->header("Location"), "http://" + host + ":" + port + "/hello.txt?x=1");

  // The same URL goes to the same edge, whatever the method; other URLs spread over lon1.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(redirect("/hello.txt", i % 2 ? "HEAD" : "GET")->header("Candela-Edge"), edge);
  }
  std::set<std::string> seen;
  for (int i = 0; i < 40; ++i)
    seen.insert(redirect("/o" + std::to_string(i))->header("Candela-Edge"));
  EXPECT_EQ(seen, (std::set<std::string>{"edge-a", "edge-b"}));

  // Following the redirect: the edge serves the routed host name as the property's alias.
  const auto served = http_get(std::stoi(port), "/hello.txt", host + ":" + port);
  ASSERT_TRUE(served);
  EXPECT_EQ(served->status, 200) << served->body;
  EXPECT_EQ(served->body, "hello\n");

  // An IP literal Host has no property to route: 400 problem.
  const auto bad = http_get(http_port_, "/x", "127.0.0.1");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->header("Content-Type"), "application/problem+json");
}

TEST_F(RouterNetwork, AKilledEdgeStopsBeingChosenWithinSeconds) {
  const std::string path = "/hello.txt";
  const std::string first = redirect(path)->header("Candela-Edge");
  const auto killed_at = std::chrono::steady_clock::now();
  edges_[first]->process().signal(SIGKILL);
  std::string next;
  ASSERT_TRUE(eventually(
      [&]() -> bool {
        const auto r = redirect(path);
        next = r ? r->header("Candela-Edge") : "";
        return !next.empty() && next != first;
      },
      std::chrono::seconds(10), std::chrono::milliseconds(50)))
      << monitor_->log() << router_->log();
  const auto took = std::chrono::steady_clock::now() - killed_at;
  EXPECT_LT(took, std::chrono::milliseconds(4000))
      << "failover took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
      << " ms";
  EXPECT_TRUE(next == "edge-a" || next == "edge-b");  // the other lon1 edge, not ams1
  // DNS follows too: the service answers only the living lon1 edge.
  ASSERT_TRUE(eventually([&]() -> bool {
    auto reply = ask_udp(dns_port_, std::string(kScid) + "." + kDomain + ".", LDNS_RR_TYPE_A);
    return reply && a_records(reply.get()) == std::set<std::string>{addresses_[next].substr(
                                                  0, addresses_[next].find(':'))};
  }));
}

TEST_F(RouterNetwork, ADrainingEdgeGetsNoNewClientsAndAnEmptyGroupFallsBack) {
  for (const char* id : {"edge-a", "edge-b"}) {
    auto r = http_request(edges_[id]->admin_port(), "POST", "/drain", "127.0.0.1");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
  }
  // lon1 has no available edge left: its clients go to the fallback ams1.
  ASSERT_TRUE(eventually(
      [&]() -> bool {
        const auto r = redirect("/hello.txt");
        return r && r->header("Candela-Edge") == "edge-c";
      },
      std::chrono::seconds(10)))
      << router_->log();
  auto r = http_request(edges_["edge-b"]->admin_port(), "DELETE", "/drain", "127.0.0.1");
  ASSERT_TRUE(r);
  ASSERT_TRUE(eventually(
      [&]() -> bool {
        std::set<std::string> seen;
        for (int i = 0; i < 10; ++i) {
          const auto x = redirect("/k" + std::to_string(i));
          if (x) seen.insert(x->header("Candela-Edge"));
        }
        return seen == std::set<std::string>{"edge-b"};
      },
      std::chrono::seconds(10)));
}

TEST_F(RouterNetwork, KeepsConnectionsAliveAndRefusesMalformedOrOversizedRequests) {
  {
    RawConnection c(http_port_);  // two pipelined requests, one keep-alive connection
    ASSERT_TRUE(
        c.send("GET /a HTTP/1.1\r\nHost: demo.test\r\n\r\n"
               "HEAD /b HTTP/1.1\r\nHost: demo.test\r\n\r\n"));
    const auto first = c.read_response();
    const auto second = c.read_response(/*head_request=*/true);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->status, 302);
    EXPECT_EQ(second->status, 302);
    EXPECT_NE(second->header("Location").find("/b"), std::string::npos);
    ASSERT_TRUE(c.send("GET /c HTTP/1.1\r\nHost: demo.test\r\n\r\n"));
    EXPECT_EQ(c.read_response()->status, 302);
  }
  {
    RawConnection c(http_port_);
    ASSERT_TRUE(c.send("GET / HTTP/1.1\r\nHost: demo.test\r\nno colon here\r\n\r\n"));
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->header("Content-Type"), "application/problem+json");
    EXPECT_TRUE(c.wait_closed());
  }
  {
    RawConnection c(http_port_);
    ASSERT_TRUE(c.send("GET / HTTP/1.1\r\nHost: demo.test\r\nX-Big: " + std::string(20000, 'x') +
                       "\r\n\r\n"));
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
    EXPECT_TRUE(c.wait_closed());
  }
}

TEST_F(RouterNetwork, SighupReloadsTheCoverageZoneAndKeepsItWhenTheNewOneIsBad) {
  // Loopback clients move to ams1.
  std::ofstream(router_->coverage_zone_path()) << R"({
      "default_group": "lon1",
      "groups": [
        {"name": "lon1", "networks": ["10.1.0.0/16"]},
        {"name": "ams1", "networks": ["127.0.0.0/8"]}
      ]})";
  router_->process().signal(SIGHUP);
  ASSERT_TRUE(eventually(
      [&]() -> bool {
        const auto r = redirect("/hello.txt");
        return r && r->header("Candela-Edge") == "edge-c";
      },
      std::chrono::seconds(5)))
      << router_->log();
  std::ofstream(router_->coverage_zone_path()) << R"({"default_group": "nowhere", "groups": []})";
  router_->process().signal(SIGHUP);
  ASSERT_TRUE(eventually(
      [&]() -> bool {
        return router_->log().find("keeping the current coverage zone") != std::string::npos;
      },
      std::chrono::seconds(5)));
  EXPECT_EQ(redirect("/hello.txt")->header("Candela-Edge"), "edge-c");
  EXPECT_TRUE(router_->process().running());
}

TEST_F(RouterNetwork, AnswersDnsOverUdpAndTcp) {
  const std::string service = std::string(kScid) + "." + kDomain + ".";
  const std::set<std::string> lon1 = {"127.0.0.11", "127.0.0.12"};
  for (auto* ask : {&ask_udp, &ask_tcp}) {
    auto reply = ask(dns_port_, service, LDNS_RR_TYPE_A);
    ASSERT_NE(reply, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(reply.get()), LDNS_RCODE_NOERROR);
    EXPECT_TRUE(ldns_pkt_aa(reply.get()));
    EXPECT_EQ(a_records(reply.get()), lon1);  // --dns-answers 2: both lon1 edges

    auto edge = ask(dns_port_, std::string("edge-c.demo.test.") + kDomain + ".", LDNS_RR_TYPE_A);
    ASSERT_NE(edge, nullptr);
    EXPECT_EQ(a_records(edge.get()), std::set<std::string>{"127.0.0.13"});

    auto missing = ask(dns_port_, std::string("nope.") + kDomain + ".", LDNS_RR_TYPE_A);
    ASSERT_NE(missing, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(missing.get()), LDNS_RCODE_NXDOMAIN);

    auto outside = ask(dns_port_, "example.com.", LDNS_RR_TYPE_A);
    ASSERT_NE(outside, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(outside.get()), LDNS_RCODE_REFUSED);
  }
  const auto metrics = http_get(admin_port_, "/metrics", "127.0.0.1");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("candela_router_decisions_total{mode=\"dns\",result=\"answer\"}"),
            std::string::npos);
  EXPECT_EQ(http_get(admin_port_, "/healthz", "127.0.0.1")->status, 200);
}

}  // namespace
}  // namespace candela::testing
