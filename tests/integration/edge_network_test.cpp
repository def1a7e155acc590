// The edge network end to end with real processes on loopback (docs/network.md): a portal, an
// origin, two shields and three edges following the portal, a monitor polling the edges and a
// router steering clients. Shield hashing sends every object to the origin once network-wide; a
// killed edge is marked down within 3 s and the router stops choosing it; a drained edge (by its
// admin endpoint or by a maintenance window) gets no new clients and finishes what it serves; the
// coverage zone picks the client's cache group and falls back to the other one.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "portal/feed_json.hpp"
#include "support/candela_processes.hpp"
#include "support/dns_client.hpp"
#include "support/eventually.hpp"
#include "support/feed_processes.hpp"
#include "support/http_client.hpp"
#include "support/monitor_process.hpp"
#include "support/network_processes.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kDomain = "cdn.network.test";
constexpr const char* kWww = "www.shop.example";

struct EdgePlan {
  const char* id;
  const char* group;
  const char* role;
  const char* listen_host;  // distinct loopback addresses, so DNS answers tell edges apart
};

// Two shields in their own group, edges a and b in lon1, edge c in nyc1.
constexpr EdgePlan kPlan[] = {{"shield-1", "core", "shield", "127.0.0.21"},
                              {"shield-2", "core", "shield", "127.0.0.22"},
                              {"edge-a", "lon1", "edge", "127.0.0.11"},
                              {"edge-b", "lon1", "edge", "127.0.0.12"},
                              {"edge-c", "nyc1", "edge", "127.0.0.13"}};

// 127.0.0.1 is in London, 127.0.0.2 in New York; New York falls back to London.
json coverage_zone() {
  return {{"default_group", "lon1"},
          {"groups",
           {{{"name", "lon1"},
             {"networks", {"127.0.0.1/32"}},
             {"latitude", 51.5},
             {"longitude", -0.12}},
            {{"name", "nyc1"},
             {"networks", {"127.0.0.2/32"}},
             {"latitude", 40.7},
             {"longitude", -74.0},
             {"fallbacks", {"lon1"}}}}}};
}

class EdgeNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_ = std::make_unique<OriginServer>(
        std::vector<std::string>{"--cache-control", "public, max-age=3600"});
    portal_ = std::make_unique<PortalProcess>(std::vector<std::string>{"--cdn-domain", kDomain});
    staff_ = std::make_unique<ApiClient>(portal_->port(), SystemClock::instance());
    ASSERT_EQ(staff_->sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword).status,
              201);
    create_service();
    for (const EdgePlan& plan : kPlan)
      add_edge(plan);
    deploy_shielded_configuration();
    start_monitor();
    router_ = std::make_unique<RouterProcess>(std::vector<std::string>{monitor_->url()},
                                              coverage_zone(), kDomain,
                                              std::vector<std::string>{"--state-poll-ms", "200"});
    ASSERT_TRUE(eventually([&] { return all_edges_up(); }, 30s))
        << (monitor_->state() ? monitor_->state()->dump(2) : "no state") << monitor_->log();
    ASSERT_TRUE(eventually([&] { return !routed_edge("/ready").empty(); }, 10s)) << logs();
  }

  void create_service() {
    ApiResponse group =
        staff_->post("/api/v1/access-groups", {{"name", "Shop"}, {"parent_id", nullptr}});
    ASSERT_EQ(group.status, 201) << group.body;
    ApiResponse customer =
        staff_->post("/api/v1/customers", {{"name", "Shop Ltd"},
                                           {"organisation_id", group.json["id"]},
                                           {"country", "GB"},
                                           {"invoice_email", "billing@shop.example"}});
    ASSERT_EQ(customer.status, 201) << customer.body;
    ApiResponse service =
        staff_->post("/api/v1/services", {{"access_group_id", group.json["id"]},
                                          {"customer_number", customer.json["customer_number"]}});
    ASSERT_EQ(service.status, 201) << service.body;
    scid_ = service.json["scid"];
    ASSERT_EQ(staff_->patch("/api/v1/services/" + scid_, {{"state", "active"}, {"reason", "test"}})
                  .status,
              200);
  }

  void add_edge(const EdgePlan& plan) {
    ApiResponse made = staff_->post("/api/v1/edges", {{"edge_id", plan.id},
                                                      {"cache_group", plan.group},
                                                      {"role", plan.role},
                                                      {"address", "127.0.0.1:1"}});
    ASSERT_EQ(made.status, 201) << made.body;
    EdgeExtras extras;
    extras.listen_host = plan.listen_host;
    extras.args = {"--routing-domain", kDomain};
    extras.config = {{"capacity", {{"requests_per_second", 100000}, {"bytes_per_second", 0}}}};
    edges_[plan.id] =
        std::make_unique<FollowingEdge>(plan.id, portal_->url(), made.json.value("node_token", ""),
                                        std::vector<json>{}, "production", extras);
  }

  void deploy_shielded_configuration() {
    json origin = {{"host", "127.0.0.1"}, {"port", origin_->port()}, {"protocol", "http"}};
    json document = {
        {"scid", scid_},
        {"properties",
         {{{"id", "www"}, {"primary_alias", kWww}, {"origin", origin}, {"shield", true}}}}};
    const std::string path = "/api/v1/services/" + scid_ + "/configurations";
    ApiResponse version = staff_->post(path, {{"document", document}}, {"If-None-Match: *"});
    ASSERT_EQ(version.status, 201) << version.body;
    ApiResponse deployed = staff_->post("/api/v1/services/" + scid_ + "/deployments",
                                        {{"version", 1}, {"environment", "production"}});
    ASSERT_EQ(deployed.status, 201) << deployed.body;
    for (auto& [id, edge] : edges_) {
      ASSERT_TRUE(eventually([&, port = edge->port()] {
        auto r = http_get(port, "/_origin/bytes/8/probe", kWww);
        return r && r->status == 200;
      })) << id
          << " never served the deployment:\n"
          << edge->log();
    }
  }

  void start_monitor() {
    ApiResponse credential = staff_->post(
        "/api/v1/noc/monitors", {{"monitor_id", "monitor-1"}, {"description", "test monitor"}});
    ASSERT_EQ(credential.status, 201) << credential.body;
    const std::string token_file = portal_->dir() + "/monitor.token";
    std::ofstream(token_file) << credential.json.value("token", "") << "\n";
    monitor_ = std::make_unique<MonitorProcess>(
        std::vector<std::string>{"--portal", portal_->url(), "--token-file", token_file,
                                 "--monitor-id", "monitor-1", "--topology-interval-ms", "1000"});
  }

  bool all_edges_up() const {
    for (const EdgePlan& plan : kPlan) {
      if (monitor_->edge_state(plan.id) != "up") return false;
    }
    return true;
  }

  // Asks the router's HTTP mode from `client_address`; returns the chosen edge id ("" when the
  // answer is not a 302) and the Location in `location`.
  std::string routed_edge(const std::string& path, const std::string& client_address = "127.0.0.1",
                          std::string* location = nullptr) const {
    RawConnection connection(router_->ports().http, client_address);
    connection.send("GET " + path + " HTTP/1.1\r\nHost: " + std::string(kWww) +
                    "\r\nConnection: close\r\n\r\n");
    auto reply = connection.read_response();
    if (!reply || reply->status != 302) return "";
    if (location) *location = reply->header("Location");
    return reply->header("Candela-Edge");
  }

  // True once the router sends none of `paths` to `edge_id`.
  bool router_avoids(const std::string& edge_id, const std::vector<std::string>& paths,
                     const std::string& client_address = "127.0.0.1") const {
    for (const auto& path : paths) {
      if (routed_edge(path, client_address) == edge_id) return false;
    }
    return true;
  }

  // Paths (from `prefix`) the router currently sends to `edge_id` from 127.0.0.1.
  std::vector<std::string> paths_routed_to(const std::string& edge_id, const std::string& prefix,
                                           std::size_t wanted) const {
    std::vector<std::string> out;
    for (int i = 0; i < 400 && out.size() < wanted; ++i) {
      const std::string path = prefix + std::to_string(i);
      if (routed_edge(path) == edge_id) out.push_back(path);
    }
    return out;
  }

  std::string logs() const {
    std::string out = "--- monitor\n" + monitor_->log() + "--- router\n" + router_->log();
    for (const auto& [id, edge] : edges_)
      out += "--- " + id + "\n" + edge->log();
    return out;
  }

  std::unique_ptr<OriginServer> origin_;
  std::unique_ptr<PortalProcess> portal_;
  std::unique_ptr<ApiClient> staff_;
  std::map<std::string, std::unique_ptr<FollowingEdge>> edges_;
  std::unique_ptr<MonitorProcess> monitor_;
  std::unique_ptr<RouterProcess> router_;
  std::string scid_;
};

// The sum of every sample of a Prometheus counter family in `text`.
double metric_sum(const std::string& text, const std::string& family) {
  double sum = 0;
  std::size_t at = 0;
  while ((at = text.find(family, at)) != std::string::npos) {
    const bool line_start = at == 0 || text[at - 1] == '\n';  // not in "# HELP" or "# TYPE"
    const std::size_t line_end = text.find('\n', at);
    const std::string line = text.substr(at, line_end - at);
    at = line_end;
    if (!line_start || line.size() <= family.size() ||
        (line[family.size()] != '{' && line[family.size()] != ' '))
      continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

// Requests every path in `paths` on one keep-alive connection to `port`; counts non-200 answers.
int fetch_all(int port, const std::vector<std::string>& paths) {
  int failures = 0;
  auto connection = std::make_unique<RawConnection>(port);
  for (const auto& path : paths) {
    std::optional<HttpResponse> reply;
    if (connection->send("GET " + path + " HTTP/1.1\r\nHost: " + kWww + "\r\n\r\n")) {
      reply = connection->read_response();
    }
    if (!reply) {  // the edge closed the connection (idle limits): open another and go on
      connection = std::make_unique<RawConnection>(port);
      ++failures;
      continue;
    }
    if (reply->status != 200) ++failures;
  }
  return failures;
}

TEST_F(EdgeNetworkTest, TenThousandObjectsThroughThreeEdgesLeaveTheOriginOnce) {
  // The edges learn the shields from the portal's topology; wait until a fill goes through one
  // (the shield's Via entry comes before the edge's).
  int probe = 0;
  ASSERT_TRUE(eventually(
      [&] {
        for (const char* id : {"edge-a", "edge-b", "edge-c"}) {
          auto r = http_get(edges_[id]->port(), "/_origin/bytes/8/warm-" + std::to_string(probe++),
                            kWww);
          if (!r || r->header("Via").find("shield-") == std::string::npos) return false;
        }
        return true;
      },
      30s))
      << logs();
  origin_->reset_counts();

  constexpr int kObjects = 10000;
  std::vector<std::string> paths;
  for (int i = 0; i < kObjects; ++i)
    paths.push_back("/_origin/bytes/64/object-" + std::to_string(i));
  // All three edges at once, so the shields also collapse concurrent fills of one object.
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (const char* id : {"edge-a", "edge-b", "edge-c"}) {
    clients.emplace_back([&, port = edges_[id]->port()] { failures += fetch_all(port, paths); });
  }
  for (auto& client : clients)
    client.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(origin_->total(), kObjects) << "each object must leave the origin exactly once";
  EXPECT_EQ(origin_->count("/_origin/bytes/64/object-0"), 1);
  EXPECT_EQ(origin_->count("/_origin/bytes/64/object-9999"), 1);

  // Every edge asked the shield that owns the object (each edge misses once), and the hash
  // spread the objects over both shields.
  const double shield_requests = 3.0 * kObjects;
  for (const char* shield : {"shield-1", "shield-2"}) {
    auto metrics = http_get(edges_[shield]->admin_port(), "/metrics", "127.0.0.1");
    ASSERT_TRUE(metrics);
    const double served = metric_sum(metrics->body, "candela_edge_responses_total");
    EXPECT_GT(served, shield_requests * 0.4) << shield;
    EXPECT_LT(served, shield_requests * 0.6 + 10) << shield;  // + the warm-up probes
  }
}

TEST_F(EdgeNetworkTest, AKilledEdgeIsDownWithinThreeSecondsAndTheRouterStopsChoosingIt) {
  const auto paths = paths_routed_to("edge-a", "/kill/", 5);
  ASSERT_EQ(paths.size(), 5u) << logs();
  std::string location;
  ASSERT_EQ(routed_edge(paths[0], "127.0.0.1", &location), "edge-a");
  // The Location names the edge, the alias and the CDN domain, on the edge's port.
  EXPECT_EQ(location, "http://edge-a." + std::string(kWww) + "." + kDomain + ":" +
                          std::to_string(edges_["edge-a"]->port()) + paths[0]);
  // The edge serves the routed host name as the alias.
  auto followed = http_get(edges_["edge-a"]->port(), "/_origin/bytes/8/routed",
                           "edge-a." + std::string(kWww) + "." + kDomain);
  ASSERT_TRUE(followed);
  EXPECT_EQ(followed->status, 200);

  const auto killed_at = std::chrono::steady_clock::now();
  edges_["edge-a"]->kill();
  ASSERT_TRUE(eventually([&] { return monitor_->edge_state("edge-a") == "down"; }, 10s, 20ms));
  const auto detection = std::chrono::steady_clock::now() - killed_at;
  EXPECT_LT(detection, 3s)
      << "down after " << std::chrono::duration_cast<std::chrono::milliseconds>(detection).count()
      << " ms";
  ASSERT_TRUE(eventually([&] { return router_avoids("edge-a", paths); }, 5s)) << logs();
  // Its clients now go to the other London edge, not to New York.
  for (const auto& path : paths)
    EXPECT_EQ(routed_edge(path), "edge-b");
  // The DNS answer drops it too.
  auto dns = ask_udp(router_->ports().dns, scid_ + "." + kDomain + ".", LDNS_RR_TYPE_A);
  ASSERT_TRUE(dns);
  EXPECT_EQ(a_records(dns.get()), std::set<std::string>{"127.0.0.12"});

  // The NOC hears of it.
  ASSERT_TRUE(eventually(
      [&] {
        ApiResponse events = staff_->get("/api/v1/noc/events");
        if (events.status != 200) return false;
        for (const auto& event : events.json["items"]) {
          if (event["kind"] == "edge_down" && event["edge_id"] == "edge-a" &&
              event["state"] == "open") {
            return true;
          }
        }
        return false;
      },
      15s))
      << staff_->get("/api/v1/noc/events").body << logs();

  // Back up after the restart, and chosen again.
  edges_["edge-a"]->start();
  ASSERT_TRUE(eventually([&] { return monitor_->edge_state("edge-a") == "up"; }, 20s)) << logs();
  ASSERT_TRUE(eventually([&] { return routed_edge(paths[0]) == "edge-a"; }, 5s));
}

TEST_F(EdgeNetworkTest, ADrainedEdgeGetsNoNewClientsAndFinishesWhatItServes) {
  const auto paths = paths_routed_to("edge-b", "/drain/", 5);
  ASSERT_EQ(paths.size(), 5u) << logs();
  // A slow response in flight on edge-b while it drains.
  std::optional<HttpResponse> slow;
  std::thread in_flight([&] {
    slow = http_get(edges_["edge-b"]->port(), "/_origin/bytes/16/slow?delay_ms=1500", kWww);
  });
  std::this_thread::sleep_for(200ms);
  auto drained = http_request(edges_["edge-b"]->admin_port(), "POST", "/drain", "127.0.0.1");
  ASSERT_TRUE(drained);
  EXPECT_EQ(drained->status, 200);
  ASSERT_TRUE(eventually([&] { return monitor_->edge_state("edge-b") == "draining"; }, 5s));
  ASSERT_TRUE(eventually([&] { return router_avoids("edge-b", paths); }, 5s)) << logs();
  in_flight.join();
  ASSERT_TRUE(slow);
  EXPECT_EQ(slow->status, 200) << "the in-flight response is finished";
  // A client that still arrives (a cached DNS answer) is served.
  auto late = http_get(edges_["edge-b"]->port(), "/_origin/bytes/8/late", kWww);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 200);

  auto undrained = http_request(edges_["edge-b"]->admin_port(), "DELETE", "/drain", "127.0.0.1");
  ASSERT_TRUE(undrained);
  EXPECT_EQ(undrained->status, 200);
  ASSERT_TRUE(eventually([&] { return routed_edge(paths[0]) == "edge-b"; }, 10s)) << logs();
}

TEST_F(EdgeNetworkTest, AMaintenanceWindowDrainsItsEdgeThroughThePortal) {
  const auto paths = paths_routed_to("edge-a", "/maintenance/", 5);
  ASSERT_EQ(paths.size(), 5u) << logs();
  // An emergency window starts now; a window lasts at most seven days.
  const auto ends = std::chrono::system_clock::now() + std::chrono::hours(24 * 6);
  ApiResponse window = staff_->post("/api/v1/maintenance",
                                    {{"kind", "emergency"},
                                     {"impact", "non_service_affecting"},
                                     {"title", "Replace a disk in edge-a"},
                                     {"description", "Traffic moves to the other London edge."},
                                     {"ends_at", portal::utc_timestamp(ends)},
                                     {"edges", {"edge-a"}}});
  ASSERT_EQ(window.status, 201) << window.body;
  ASSERT_TRUE(eventually([&] { return router_avoids("edge-a", paths); }, 15s)) << logs();
  for (const auto& path : paths)
    EXPECT_EQ(routed_edge(path), "edge-b");
  auto state = monitor_->state();
  ASSERT_TRUE(state);
  for (const auto& edge : (*state)["edges"]) {
    if (edge["edge_id"] != "edge-a") continue;
    EXPECT_EQ(edge["draining"], true);
    EXPECT_EQ(edge["maintenance_reference"], window.json["reference"]);
    EXPECT_EQ(edge["available"], false);
  }
}

TEST_F(EdgeNetworkTest, TheCoverageZonePicksTheClientsGroupAndFallsBackToTheNearestOther) {
  // New York's client goes to edge-c, London's to edge-a or edge-b.
  std::set<std::string> london;
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(routed_edge("/zone/" + std::to_string(i), "127.0.0.2"), "edge-c");
    london.insert(routed_edge("/zone/" + std::to_string(i), "127.0.0.1"));
  }
  EXPECT_EQ(london, (std::set<std::string>{"edge-a", "edge-b"})) << "hashing spreads London";
  // Shields never receive clients.
  EXPECT_EQ(london.count("shield-1") + london.count("shield-2"), 0u);

  // DNS mode: the service's CDN name answers with London's edges (their registered addresses),
  // over UDP and TCP; the shields are never in an answer.
  const std::string service_name = scid_ + "." + kDomain + ".";
  for (auto* ask : {&ask_udp, &ask_tcp}) {
    auto reply = ask(router_->ports().dns, service_name, LDNS_RR_TYPE_A);
    ASSERT_TRUE(reply) << router_->log();
    EXPECT_EQ(ldns_pkt_get_rcode(reply.get()), LDNS_RCODE_NOERROR);
    EXPECT_EQ(a_records(reply.get()), (std::set<std::string>{"127.0.0.11", "127.0.0.12"}));
  }
  auto unknown =
      ask_udp(router_->ports().dns, std::string("AAAAAAAAA.") + kDomain + ".", LDNS_RR_TYPE_A);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(ldns_pkt_get_rcode(unknown.get()), LDNS_RCODE_NXDOMAIN);

  // With New York's only edge gone, its clients fall back to London.
  edges_["edge-c"]->kill();
  ASSERT_TRUE(eventually([&] { return monitor_->edge_state("edge-c") == "down"; }, 10s));
  ASSERT_TRUE(eventually(
      [&] {
        const std::string chosen = routed_edge("/zone/1", "127.0.0.2");
        return chosen == "edge-a" || chosen == "edge-b";
      },
      5s))
      << logs();
}

}  // namespace
}  // namespace candela::testing
