// `candela monitor` end to end with real processes: real edges (static configuration, admin
// listener), a topology file or a real portal. Proves: a killed edge is down within 3 s with the
// defaults and up again after a restart; drain (POST /drain, maintenance) makes an edge
// unavailable; rates and capacity; the error_rate and origin_unreachable alarms; and with a portal,
// alarms become NOC events (opened and resolved) and the health report shows in the topology.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

#include "common/ids.hpp"
#include "support/candela_processes.hpp"
#include "support/eventually.hpp"
#include "support/feed_processes.hpp"
#include "support/http_client.hpp"
#include "support/monitor_process.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kAlias = "www.shop.example";

json edge_config_for(const std::string& edge_id, std::vector<json> properties) {
  json config = edge_config(std::move(properties));
  config["edge_id"] = edge_id;
  config["threads"] = 1;
  return config;
}

json topology_edge(const std::string& edge_id, EdgeServer& edge) {
  return {{"edge_id", edge_id},
          {"cache_group", "lon1"},
          {"role", "edge"},
          {"address", "127.0.0.1:" + std::to_string(edge.port())},
          {"admin_address", "127.0.0.1:" + std::to_string(edge.admin_port())},
          {"capacity", {{"requests_per_second", 0}, {"bytes_per_second", 0}}},
          {"draining", false},
          {"maintenance_reference", nullptr}};
}

bool has_alarm(const MonitorProcess& monitor, const std::string& kind, const std::string& edge_id,
               const std::string& scid = "") {
  auto state = monitor.state();
  if (!state) return false;
  for (const auto& alarm : (*state)["alarms"]) {
    if (alarm["kind"] == kind && alarm.value("edge_id", "") == edge_id &&
        alarm.value("scid", "") == scid) {
      return true;
    }
  }
  return false;
}

class MonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_.put("/ok.txt", "fine");
    origin_.put("/broken.txt", "broken", {"@status: 500"});
  }

  void write_topology(const std::vector<json>& edges) {
    // Written to a temporary name and renamed, so the monitor never reads half a file.
    const std::string tmp = topology_path_ + ".tmp";
    std::ofstream(tmp) << json{
        {"network", "production"},
        {"cdn_domain", "cdn.candela.test"},
        {"edges", edges},
        {"services",
         {"AB12CD34E"}}}.dump();
    std::rename(tmp.c_str(), topology_path_.c_str());
  }

  std::vector<std::string> monitor_args(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--topology-file", topology_path_};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  json www() { return property_json("www", kAlias, origin_.port()); }

  OriginServer origin_;
  TempDir dir_;
  std::string topology_path_ = dir_.path() + "/topology.json";
};

TEST_F(MonitorTest, KilledEdgeIsDownWithinThreeSecondsAndUpAgainAfterRestart) {
  auto a = std::make_unique<EdgeServer>(edge_config_for("edge-a", {www()}));
  EdgeServer b(edge_config_for("edge-b", {www()}));
  write_topology({topology_edge("edge-a", *a), topology_edge("edge-b", b)});
  MonitorProcess monitor(monitor_args());  // the defaults: 1 s interval, down after 2

  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "up"; }, 10s))
      << monitor.log();
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-b") == "up"; }, 10s));
  auto state = monitor.state();
  ASSERT_TRUE(state);
  EXPECT_EQ((*state)["monitor_id"], "monitor-1");
  EXPECT_EQ((*state)["cdn_domain"], "cdn.candela.test");
  EXPECT_EQ((*state)["services"], json({"AB12CD34E"}));
  EXPECT_EQ(monitor.edge("edge-a")["available"], true);
  const auto sequence_up = (*state)["sequence"].get<long long>();

  const json a_config = a->config();
  a->process().signal(SIGKILL);
  const auto killed_at = Clock::now();
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "down"; }, 5s, 10ms))
      << monitor.log();
  const auto took = Clock::now() - killed_at;
  EXPECT_LT(took, 3s) << std::chrono::duration<double>(took).count() << " s";
  EXPECT_EQ(monitor.edge("edge-a")["available"], false);
  EXPECT_EQ(monitor.edge_state("edge-b"), "up");
  EXPECT_TRUE(has_alarm(monitor, "edge_down", "edge-a"));
  EXPECT_GT(monitor.state().value()["sequence"].get<long long>(), sequence_up);

  // Restarted on the same ports: up again after 3 good polls (about 2-3 s), not at once.
  a.reset();
  a = std::make_unique<EdgeServer>(a_config);
  const auto restarted_at = Clock::now();
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "up"; }, 10s))
      << monitor.log();
  EXPECT_GE(Clock::now() - restarted_at, 1500ms);
  EXPECT_EQ(monitor.edge("edge-a")["available"], true);
  EXPECT_FALSE(has_alarm(monitor, "edge_down", "edge-a"));
}

TEST_F(MonitorTest, DrainedEdgeIsDrainingAndNotAvailable) {
  EdgeServer a(edge_config_for("edge-a", {www()}));
  write_topology({topology_edge("edge-a", a)});
  MonitorProcess monitor(monitor_args({"--interval-ms", "200", "--topology-interval-ms", "200"}));
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "up"; }, 10s));

  auto drained = http_request(a.admin_port(), "POST", "/drain", "127.0.0.1");
  ASSERT_TRUE(drained);
  ASSERT_EQ(drained->status, 200) << drained->body;
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "draining"; }, 5s));
  json edge = monitor.edge("edge-a");
  EXPECT_EQ(edge["available"], false);
  EXPECT_EQ(edge["draining"], true);
  EXPECT_FALSE(has_alarm(monitor, "edge_down", "edge-a"));
  // The edge still serves what reaches it.
  auto served = http_get(a.port(), "/ok.txt", kAlias);
  ASSERT_TRUE(served);
  EXPECT_EQ(served->status, 200);

  ASSERT_EQ(http_request(a.admin_port(), "DELETE", "/drain", "127.0.0.1")->status, 200);
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "up"; }, 5s));
  EXPECT_EQ(monitor.edge("edge-a")["available"], true);

  // A maintenance window drains it in the topology: still up, but not available.
  json maintained = topology_edge("edge-a", a);
  maintained["draining"] = true;
  maintained["maintenance_reference"] = "MNT-2026-000001";
  write_topology({maintained});
  ASSERT_TRUE(eventually([&] { return monitor.edge("edge-a")["draining"] == true; }, 5s));
  edge = monitor.edge("edge-a");
  EXPECT_EQ(edge["state"], "up");
  EXPECT_EQ(edge["available"], false);
  EXPECT_EQ(edge["maintenance_reference"], "MNT-2026-000001");
}

TEST_F(MonitorTest, RatesAndDeclaredCapacityMakeAnEdgeOverloaded) {
  EdgeServer a(edge_config_for("edge-a", {www()}));
  json declared = topology_edge("edge-a", a);
  declared["capacity"] = {{"requests_per_second", 5}, {"bytes_per_second", 0}};
  write_topology({declared});
  MonitorProcess monitor(monitor_args({"--interval-ms", "500"}));
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "up"; }, 10s));
  EXPECT_EQ(monitor.edge("edge-a")["overloaded"], false);

  std::atomic<bool> stop{false};
  std::thread load([&] {
    while (!stop)
      http_get(a.port(), "/ok.txt", kAlias);
  });
  const bool overloaded =
      eventually([&] { return monitor.edge("edge-a")["overloaded"] == true; }, 10s);
  const json edge = monitor.edge("edge-a");
  stop = true;
  load.join();
  ASSERT_TRUE(overloaded) << monitor.log();
  EXPECT_GT(edge["requests_per_second"].get<double>(), 5.0);
  EXPECT_GT(edge["bytes_per_second"].get<double>(), 0.0);
  EXPECT_EQ(edge["available"], false);
  EXPECT_EQ(edge["state"], "up");
  // Without traffic it is back under 90 % of its capacity.
  ASSERT_TRUE(eventually([&] { return monitor.edge("edge-a")["overloaded"] == false; }, 10s));
  EXPECT_EQ(monitor.edge("edge-a")["available"], true);
}

TEST_F(MonitorTest, ErrorRateAlarmFiresOnA5xxSpikeAndClearsAfterIt) {
  EdgeServer a(edge_config_for("edge-a", {www()}));
  write_topology({topology_edge("edge-a", a)});
  MonitorProcess monitor(monitor_args({"--interval-ms", "300", "--error-window-ms", "2000"}));
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "up"; }, 10s));

  // 19 errors are fewer than --min-requests (20): no alarm yet.
  for (int i = 0; i < 19; ++i)
    ASSERT_EQ(http_get(a.port(), "/broken.txt", kAlias)->status, 500);
  std::this_thread::sleep_for(700ms);
  EXPECT_FALSE(has_alarm(monitor, "error_rate", "edge-a"));
  for (int i = 0; i < 11; ++i)
    http_get(a.port(), "/broken.txt", kAlias);
  ASSERT_TRUE(eventually([&] { return has_alarm(monitor, "error_rate", "edge-a"); }, 5s))
      << monitor.log();
  EXPECT_TRUE(eventually([&] { return monitor.edge("edge-a")["error_rate"] == 0.0; }, 5s));
  // Errors stop: the window empties and the alarm clears.
  ASSERT_TRUE(eventually([&] { return !has_alarm(monitor, "error_rate", "edge-a"); }, 6s))
      << monitor.log();
}

TEST_F(MonitorTest, OriginUnreachableAlarmNamesTheServiceAndClearsOnAGoodFetch) {
  SeededRandom random(11);
  const std::string scid = generate_scid(random);
  json property = www();
  property["id"] = scid + ".www";
  const int closed_port = free_port();  // nothing listens here
  json unreachable = property;
  unreachable["origin"]["port"] = closed_port;
  EdgeServer a(edge_config_for("edge-a", {unreachable}));
  write_topology({topology_edge("edge-a", a)});
  MonitorProcess monitor(monitor_args({"--interval-ms", "300"}));
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "up"; }, 10s));
  std::this_thread::sleep_for(400ms);  // a first reading of the counters

  auto failed = http_get(a.port(), "/ok.txt", kAlias);
  ASSERT_TRUE(failed);
  EXPECT_GE(failed->status, 500);
  ASSERT_TRUE(
      eventually([&] { return has_alarm(monitor, "origin_unreachable", "edge-a", scid); }, 5s))
      << monitor.log();
  const auto alarms = monitor.state().value()["alarms"];
  ASSERT_EQ(alarms.size(), 1u) << alarms.dump();
  EXPECT_EQ(alarms[0]["property"], "www");

  // The property's origin fixed: the next good fetch clears it.
  json fixed = a.config();
  fixed["properties"] = {property};
  a.reload(fixed);
  ASSERT_TRUE(eventually(
      [&] {
        auto r = http_get(
            a.port(), "/ok.txt?fresh=" + std::to_string(Clock::now().time_since_epoch().count()),
            kAlias);
        return r && r->status == 200;
      },
      5s));
  ASSERT_TRUE(
      eventually([&] { return !has_alarm(monitor, "origin_unreachable", "edge-a", scid); }, 5s))
      << monitor.log();
}

TEST_F(MonitorTest, EdgeWithoutAdminAddressStaysUnknown) {
  EdgeServer a(edge_config_for("edge-a", {www()}));
  json hidden = topology_edge("edge-a", a);
  hidden["admin_address"] = nullptr;
  write_topology({hidden});
  MonitorProcess monitor(monitor_args({"--interval-ms", "200"}));
  ASSERT_TRUE(eventually([&] { return monitor.state().has_value(); }, 5s));
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(monitor.edge_state("edge-a"), "unknown");
  EXPECT_EQ(monitor.edge("edge-a")["available"], false);
}

TEST_F(MonitorTest, ServesHealthzMetricsAndRefusesOtherRequests) {
  EdgeServer a(edge_config_for("edge-a", {www()}));
  write_topology({topology_edge("edge-a", a)});
  MonitorProcess monitor(monitor_args());
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "up"; }, 10s));
  auto healthz = http_get(monitor.port(), "/healthz", "m");
  ASSERT_TRUE(healthz);
  EXPECT_EQ(healthz->status, 200);
  auto state = http_get(monitor.port(), "/state", "m");
  EXPECT_EQ(state->header("Cache-Control"), "no-store");
  EXPECT_EQ(state->header("Content-Type"), "application/json");
  auto metrics = http_get(monitor.port(), "/metrics", "m");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("candela_monitor_edge_state{edge_id=\"edge-a\",state=\"up\"} 1"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("candela_monitor_polls_total{edge_id=\"edge-a\"}"),
            std::string::npos);
  EXPECT_EQ(http_get(monitor.port(), "/nothing", "m")->status, 404);
  EXPECT_EQ(http_request(monitor.port(), "POST", "/state", "m")->status, 405);
  RawConnection raw(monitor.port());
  raw.send("NOT HTTP\r\n\r\n");
  auto bad = raw.read_response();
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST_F(MonitorTest, RefusesBadCommandLinesAndTopologyFiles) {
  auto exit_of = [](std::vector<std::string> args, const std::string& log) {
    args.insert(args.begin(), {candela_binary(), "monitor"});
    ChildProcess p(args, log);
    const int status = p.wait_for_exit(10s);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  const std::string log = dir_.path() + "/bad.out";
  EXPECT_EQ(exit_of({"--listen", "127.0.0.1:0"}, log), 2);  // no topology source
  EXPECT_EQ(exit_of({"--topology-file", dir_.path() + "/missing.json"}, log), 2);
  std::ofstream(dir_.path() + "/bad.json") << R"({"edges":[{"edge_id":"a","role":"cache"}]})";
  EXPECT_EQ(exit_of({"--topology-file", dir_.path() + "/bad.json"}, log), 2);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("/edges/0/role"), std::string::npos) << text.str();
  write_topology({});
  EXPECT_EQ(exit_of({"--topology-file", topology_path_, "--portal", "http://127.0.0.1:1"}, log), 2);
  EXPECT_EQ(exit_of({"--portal", "http://127.0.0.1:1", "--token-file", dir_.path() + "/none"}, log),
            2);
  EXPECT_EQ(exit_of({"--topology-file", topology_path_, "--monitor-id", "Bad Id"}, log), 2);
}

// With a real portal: the monitor reads the topology with its own credential, and its alarms and
// health reports reach the NOC.
class MonitorPortalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_.put("/ok.txt", "fine");
    origin_.put("/broken.txt", "broken", {"@status: 500"});
    staff_ = std::make_unique<ApiClient>(portal_.port(), SystemClock::instance());
    ASSERT_EQ(staff_->sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword).status,
              201);
    ApiResponse monitor = staff_->post(
        "/api/v1/noc/monitors", {{"monitor_id", "monitor-lon"}, {"description", "London monitor"}});
    ASSERT_EQ(monitor.status, 201) << monitor.body;
    std::ofstream(token_path_) << monitor.json["token"].get<std::string>() << "\n";
  }

  // A static edge that the portal knows: created by staff, registered with its admin address as
  // the edge would register itself.
  std::unique_ptr<EdgeServer> start_edge(const std::string& edge_id) {
    const std::string token = api_create_edge(*staff_, edge_id);
    auto edge = std::make_unique<EdgeServer>(
        edge_config_for(edge_id, {property_json("www", kAlias, origin_.port())}));
    ApiClient as_edge(portal_.port(), SystemClock::instance());
    ApiResponse registered =
        as_edge.put("/api/v1/edges/" + edge_id + "/registration",
                    {{"address", "127.0.0.1:" + std::to_string(edge->port())},
                     {"network", "production"},
                     {"admin_address", "127.0.0.1:" + std::to_string(edge->admin_port())}},
                    {"Authorization: Bearer " + token});
    EXPECT_EQ(registered.status, 200) << registered.body;
    return edge;
  }

  json open_event(const std::string& kind, const std::string& edge_id) {
    ApiResponse events = staff_->get("/api/v1/noc/events?state=open&kind=" + kind);
    if (events.status != 200) return nullptr;
    for (const auto& e : events.json["items"]) {
      if (e["edge_id"] == edge_id) return e;
    }
    return nullptr;
  }

  json topology_health(const std::string& edge_id) {
    ApiResponse topology = staff_->get("/api/v1/network/topology");
    if (topology.status != 200) return nullptr;
    for (const auto& e : topology.json["edges"]) {
      if (e["edge_id"] == edge_id) return e["health"];
    }
    return nullptr;
  }

  MonitorProcess start_monitor() {
    return MonitorProcess({"--portal", portal_.url(), "--token-file", token_path_, "--monitor-id",
                           "monitor-lon", "--topology-interval-ms", "300"});
  }

  OriginServer origin_;
  PortalProcess portal_;
  std::unique_ptr<ApiClient> staff_;
  TempDir dir_;
  std::string token_path_ = dir_.path() + "/monitor.token";
};

TEST_F(MonitorPortalTest, EdgeDownOpensANocEventThatClearsAfterRestart) {
  auto a = start_edge("edge-a");
  auto b = start_edge("edge-b");
  MonitorProcess monitor(
      {"--portal", portal_.url(), "--token-file", token_path_, "--monitor-id", "monitor-lon"});
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "up"; }, 15s))
      << monitor.log();
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-b") == "up"; }, 5s));
  // The health report reaches the topology.
  ASSERT_TRUE(eventually(
      [&] {
        json health = topology_health("edge-a");
        return health.is_object() && health["state"] == "up";
      },
      10s))
      << monitor.log();
  EXPECT_EQ(topology_health("edge-a")["monitor_id"], "monitor-lon");

  const json a_config = a->config();
  a->process().signal(SIGKILL);
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "down"; }, 5s));
  ASSERT_TRUE(eventually([&] { return open_event("edge_down", "edge-a").is_object(); }, 10s))
      << monitor.log();
  const std::string reference = open_event("edge_down", "edge-a")["reference"];
  EXPECT_EQ(open_event("edge_down", "edge-a")["raised_by"], "monitor:monitor-lon");
  ASSERT_TRUE(eventually(
      [&] {
        json health = topology_health("edge-a");
        return health.is_object() && health["state"] == "down";
      },
      10s));
  EXPECT_TRUE(open_event("edge_down", "edge-b").is_null());

  a.reset();
  a = std::make_unique<EdgeServer>(a_config);
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "up"; }, 15s));
  ASSERT_TRUE(eventually(
      [&] {
        ApiResponse event = staff_->get("/api/v1/noc/events/" + reference);
        return event.status == 200 && event.json["state"] == "resolved";
      },
      10s))
      << monitor.log();
}

TEST_F(MonitorPortalTest, ErrorSpikeOpensAnErrorRateEvent) {
  auto a = start_edge("edge-a");
  MonitorProcess monitor = start_monitor();
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "up"; }, 15s))
      << monitor.log();
  std::this_thread::sleep_for(1200ms);  // a first reading of the counters
  for (int i = 0; i < 30; ++i)
    http_get(a->port(), "/broken.txt", kAlias);
  ASSERT_TRUE(eventually([&] { return open_event("error_rate", "edge-a").is_object(); }, 10s))
      << monitor.log();
  const json event = open_event("error_rate", "edge-a");
  EXPECT_EQ(event["severity"], 3);
  EXPECT_GT(event["details"]["error_rate"].get<double>(), 0.10);
}

TEST_F(MonitorPortalTest, AlarmsRaisedWhileThePortalIsAwayArriveWhenItIsBack) {
  auto a = start_edge("edge-a");
  MonitorProcess monitor = start_monitor();
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "up"; }, 15s))
      << monitor.log();
  portal_.stop();
  // Polling goes on without the portal: the kill is seen as fast as ever.
  a->process().signal(SIGKILL);
  const auto killed_at = Clock::now();
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "down"; }, 5s, 10ms));
  EXPECT_LT(Clock::now() - killed_at, 3s);
  std::this_thread::sleep_for(1s);  // at least one failed attempt to post the alarm
  portal_.start();
  staff_ = std::make_unique<ApiClient>(portal_.port(), SystemClock::instance());
  ASSERT_EQ(staff_->sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword).status, 201);
  ASSERT_TRUE(eventually([&] { return open_event("edge_down", "edge-a").is_object(); }, 40s))
      << monitor.log();
}

TEST_F(MonitorPortalTest, UnreachableOriginOpensAnEventForTheService) {
  ApiResponse group =
      staff_->post("/api/v1/access-groups", {{"name", "Shop"}, {"parent_id", nullptr}});
  ASSERT_EQ(group.status, 201) << group.body;
  ApiResponse customer =
      staff_->post("/api/v1/customers", {{"name", "Shop Ltd"},
                                         {"organisation_id", group.json["id"]},
                                         {"country", "GB"},
                                         {"invoice_email", "billing@shop.example"}});
  ASSERT_EQ(customer.status, 201) << customer.body;
  const std::string scid = api_create_service(*staff_, group.json["id"].get<long long>(),
                                              customer.json["customer_number"]);
  const std::string token = api_create_edge(*staff_, "edge-a");
  json property = property_json(scid + ".www", kAlias, free_port());  // nothing listens there
  EdgeServer edge(edge_config_for("edge-a", {property}));
  ApiClient as_edge(portal_.port(), SystemClock::instance());
  ASSERT_EQ(as_edge
                .put("/api/v1/edges/edge-a/registration",
                     {{"address", "127.0.0.1:" + std::to_string(edge.port())},
                      {"admin_address", "127.0.0.1:" + std::to_string(edge.admin_port())}},
                     {"Authorization: Bearer " + token})
                .status,
            200);
  MonitorProcess monitor = start_monitor();
  ASSERT_TRUE(eventually([&] { return monitor.edge_state("edge-a") == "up"; }, 15s))
      << monitor.log();
  std::this_thread::sleep_for(1200ms);  // a first reading of the counters
  http_get(edge.port(), "/ok.txt", kAlias);
  ASSERT_TRUE(eventually(
      [&] {
        ApiResponse events = staff_->get("/api/v1/noc/events?state=open&kind=origin_unreachable");
        for (const auto& e : events.json["items"]) {
          if (e["scid"] == scid && e["property"] == "www" && e["edge_id"] == "edge-a") return true;
        }
        return false;
      },
      10s))
      << monitor.log();
}

TEST_F(MonitorPortalTest, WrongTokenKeepsTheMonitorWaitingForATopology) {
  std::ofstream(token_path_) << "not-a-valid-token\n";
  MonitorProcess monitor = start_monitor();
  std::this_thread::sleep_for(800ms);
  auto state = http_get(monitor.port(), "/state", "m");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->status, 503) << state->body;
  EXPECT_NE(monitor.log().find("401"), std::string::npos) << monitor.log();
}

}  // namespace
}  // namespace candela::testing
