// The NOC through the API of an in-process portal: a monitor's edge_down alarm opens one event
// and one proactive ticket per affected service, each customer sees only its own ticket, a
// repeat opens none, the clear resolves the event and notes the tickets; customers, wrong
// tokens and another deployment's monitor token are refused; bad alarms store nothing.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <set>

#include "control/migrations.hpp"
#include "control/noc_monitors.hpp"
#include "control/principal_audit.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "a long enough password";

std::string utc(SysTime at) {
  const std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(at));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

class NocApiTest : public PortalTest {
 protected:
  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    acme_ = create_group(std::nullopt, "Acme Corporation");
    bravo_ = create_group(std::nullopt, "Bravo Broadcasting");
    create_user("root@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    create_user("nora@provider.test", kPassword, {{Role::kNocEngineer, std::nullopt}});
    create_user("ana@acme.test", kPassword, {{Role::kAdmin, acme_}});
    create_user("bob@bravo.test", kPassword, {{Role::kAdmin, bravo_}});
    ApiClient root = signed_in("root@provider.test", kPassword);
    acme_scid_ = active_service(root, acme_, create_customer("Acme Corporation Ltd", acme_));
    bravo_scid_ = active_service(root, bravo_, create_customer("Bravo Broadcasting", bravo_));
    api_create_edge(root, "edge-lon-1");
    api_create_edge(root, "edge-lon-2");
    // Both customers' services had traffic on edge-lon-1 within the last 24 hours.
    usage_minute("edge-lon-1", acme_scid_, std::chrono::minutes(30));
    usage_minute("edge-lon-1", bravo_scid_, std::chrono::hours(20));
    auto monitor = root.post("/api/v1/noc/monitors",
                             {{"monitor_id", "monitor-lon"}, {"description", "London monitor"}});
    ASSERT_EQ(monitor.status, 201) << monitor.body;
    EXPECT_EQ(monitor.header("Cache-Control"), "no-store");
    token_ = monitor.json.value("token", "");
    ASSERT_EQ(token_.size(), 43u);
  }

  std::string active_service(ApiClient& root, long long group, const std::string& customer) {
    const std::string scid = api_create_service(root, group, customer);
    auto active = root.patch("/api/v1/services/" + scid, {{"state", "active"}, {"reason", "go"}});
    EXPECT_EQ(active.status, 200) << active.body;
    return scid;
  }

  void usage_minute(const std::string& edge, const std::string& scid,
                    std::chrono::milliseconds ago) {
    const long long ms = (control::to_epoch_ms(clock().now() - ago) / 60000) * 60000;
    auto stored = context().db.with_session([&](soci::session& s) -> Result<bool> {
      s << "INSERT INTO usage_minute (edge_id, scid, property, minute, revision, requests, bytes,"
           " body_bytes, fill_bytes, hits, misses, stale, revalidated, passes, errors, status_1xx,"
           " status_2xx, status_3xx, status_4xx, status_5xx, http, https, peak_rps)"
           " VALUES (:e, :s, 'www', :m, 1, 1, 100, 50, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0,"
           " 1)",
          soci::use(edge), soci::use(scid), soci::use(ms);
      return true;
    });
    ASSERT_TRUE(stored.ok()) << stored.error();
  }

  nlohmann::json alarm(const std::string& state,
                       std::chrono::seconds ago = std::chrono::seconds(30),
                       const std::string& edge = "edge-lon-1") {
    return {{"kind", "edge_down"},
            {"edge_id", edge},
            {"state", state},
            {"observed_at", utc(clock().now() - ago)},
            {"summary", edge + " fails its health checks"},
            {"details", {{"checks_failed", 3}}}};
  }

  ApiResponse send_alarm(const nlohmann::json& body, const std::string& token) {
    ApiClient monitor = client();
    return monitor.post("/api/v1/noc/alarms", body, {"Authorization: Bearer " + token});
  }

  // The references of the tickets `who` can list.
  std::set<std::string> visible_tickets(ApiClient& who) {
    auto list = who.get("/api/v1/tickets?limit=100");
    EXPECT_EQ(list.status, 200) << list.body;
    std::set<std::string> references;
    for (const auto& item : list.json.value("items", nlohmann::json::array()))
      references.insert(item.value("reference", ""));
    return references;
  }

  long long acme_ = 0, bravo_ = 0;
  std::string acme_scid_, bravo_scid_, token_;
};

TEST_P(NocApiTest, EdgeDownOpensOneProactiveTicketPerServiceEachCustomerSeesOnlyItsOwn) {
  auto opened = send_alarm(alarm("firing", std::chrono::seconds(90)), token_);
  ASSERT_EQ(opened.status, 201) << opened.body;
  EXPECT_EQ(opened.json["action"], "opened");
  const std::string reference = opened.json["event"]["reference"];
  EXPECT_EQ(opened.header("Location"), "/api/v1/noc/events/" + reference);
  EXPECT_EQ(opened.json["event"]["severity"], 2);
  EXPECT_EQ(opened.json["event"]["raised_by"], "monitor:monitor-lon");
  ASSERT_EQ(opened.json["tickets_opened"].size(), 2u);
  std::string acme_ticket, bravo_ticket;
  for (const auto& linked : opened.json["event"]["linked_tickets"]) {
    (linked["scid"] == acme_scid_ ? acme_ticket : bravo_ticket) =
        linked["reference"].get<std::string>();
  }
  ASSERT_FALSE(acme_ticket.empty());
  ASSERT_FALSE(bravo_ticket.empty());

  ApiClient ana = signed_in("ana@acme.test", kPassword);
  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  EXPECT_EQ(visible_tickets(ana), std::set<std::string>{acme_ticket});
  EXPECT_EQ(visible_tickets(bob), std::set<std::string>{bravo_ticket});
  EXPECT_EQ(ana.get("/api/v1/tickets/" + bravo_ticket).status, 404);
  EXPECT_EQ(bob.get("/api/v1/tickets/" + acme_ticket).status, 404);
  auto mine = ana.get("/api/v1/tickets/" + acme_ticket);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json["origin"], "proactive");
  EXPECT_EQ(mine.json["noc_event"], reference);

  // The monitor repeats itself: the same event, no new ticket.
  auto repeated = send_alarm(alarm("firing", std::chrono::seconds(30)), token_);
  ASSERT_EQ(repeated.status, 200) << repeated.body;
  EXPECT_EQ(repeated.json["action"], "updated");
  EXPECT_TRUE(repeated.json["tickets_opened"].empty());
  EXPECT_EQ(repeated.json["event"]["reference"], reference);
  EXPECT_EQ(repeated.json["event"]["occurrences"], 2);
  EXPECT_EQ(visible_tickets(ana).size(), 1u);
  EXPECT_EQ(visible_tickets(bob).size(), 1u);

  ApiClient nora = signed_in("nora@provider.test", kPassword);
  auto board = nora.get("/api/v1/noc/dashboard");
  ASSERT_EQ(board.status, 200) << board.body;
  ASSERT_EQ(board.json["edges"].size(), 2u);
  EXPECT_EQ(board.json["edges"][0]["edge_id"], "edge-lon-1");
  EXPECT_EQ(board.json["edges"][0]["status"], "down");  // never seen on the feed
  EXPECT_EQ(board.json["edges"][0]["draining"], false);
  EXPECT_TRUE(board.json["edges"][0]["maintenance_reference"].is_null());
  ASSERT_EQ(board.json["open_events"].size(), 1u);
  EXPECT_EQ(board.json["open_tickets"]["by_severity"]["2"], 2);
  EXPECT_EQ(board.json["open_tickets"]["items"].size(), 2u);

  // The edge is back: the event resolves and both open tickets get a public note.
  auto cleared = send_alarm(alarm("cleared", std::chrono::seconds(5)), token_);
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(cleared.json["action"], "resolved");
  EXPECT_EQ(cleared.json["event"]["state"], "resolved");
  EXPECT_EQ(cleared.json["tickets_noted"].size(), 2u);
  auto noted = ana.get("/api/v1/tickets/" + acme_ticket);
  ASSERT_EQ(noted.status, 200) << noted.body;
  int notes = 0;
  for (const auto& entry : noted.json["timeline"]) {
    if (entry.value("kind", "") == "note" && entry.value("visibility", "") == "public" &&
        entry.value("body", "").find(reference) != std::string::npos) {
      ++notes;
    }
  }
  EXPECT_EQ(notes, 1) << noted.json["timeline"].dump();

  auto detail = nora.get("/api/v1/noc/events/" + reference);
  ASSERT_EQ(detail.status, 200) << detail.body;
  EXPECT_EQ(detail.json["state"], "resolved");
  EXPECT_EQ(detail.json["linked_tickets"].size(), 2u);
  auto resolved = nora.get("/api/v1/noc/events?state=resolved");
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(resolved.json["items"].size(), 1u);
  EXPECT_TRUE(nora.get("/api/v1/noc/dashboard").json["open_events"].empty());
}

TEST_P(NocApiTest, CustomersWrongTokensAndAnotherDeploymentsMonitorAreRefused) {
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  EXPECT_EQ(ana.post("/api/v1/noc/alarms", alarm("firing")).status, 403);
  EXPECT_EQ(ana.get("/api/v1/noc/dashboard").status, 403);
  EXPECT_EQ(ana.get("/api/v1/noc/events").status, 403);
  EXPECT_EQ(ana.get("/api/v1/noc/monitors").status, 403);
  EXPECT_EQ(ana.post("/api/v1/noc/monitors", {{"monitor_id", "ana-monitor"}}).status, 403);
  EXPECT_EQ(ana.del("/api/v1/noc/monitors/monitor-lon").status, 403);

  ApiClient anonymous = client();
  EXPECT_EQ(anonymous.post("/api/v1/noc/alarms", alarm("firing")).status, 401);
  auto wrong = send_alarm(alarm("firing"), std::string(43, 'A'));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.header("Content-Type"), "application/problem+json");
  EXPECT_NE(wrong.header("WWW-Authenticate").find("Bearer"), std::string::npos);
  EXPECT_EQ(send_alarm(alarm("firing"), "").status, 401);

  // A monitor credential of another deployment (its own database), even with the same id.
  TempDir other_dir;
  auto other_db = control::Database::open("sqlite://" + other_dir.path() + "/other.db");
  ASSERT_TRUE(other_db.ok()) << other_db.error();
  ASSERT_TRUE(control::Migrator(**other_db, clock()).run().ok());
  SeededRandom random(7);
  auto foreign = (*other_db)->with_transaction([&](soci::session& s) {
    return control::NocMonitors(s, clock(), random)
        .create(control::system_principal(), "monitor-lon", "");
  });
  ASSERT_TRUE(foreign.ok()) << foreign.error();
  EXPECT_EQ(send_alarm(alarm("firing"), foreign->token).status, 401);

  // A revoked token stops working.
  ApiClient root = signed_in("root@provider.test", kPassword);
  auto revoked = root.del("/api/v1/noc/monitors/monitor-lon");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_FALSE(revoked.json["revoked_at"].is_null());
  EXPECT_EQ(send_alarm(alarm("firing"), token_).status, 401);

  auto events = root.get("/api/v1/noc/events");
  ASSERT_EQ(events.status, 200) << events.body;
  EXPECT_TRUE(events.json["items"].empty());
  EXPECT_TRUE(visible_tickets(ana).empty());
}

TEST_P(NocApiTest, BadAlarmsAreLocated400sThatStoreNothing) {
  struct Case {
    std::string name;
    nlohmann::json body;
    std::string pointer;
  };
  std::vector<Case> cases;
  auto with = [&](const std::string& key, const nlohmann::json& value) {
    nlohmann::json body = alarm("firing");
    if (value.is_null()) {
      body.erase(key);
    } else {
      body[key] = value;
    }
    return body;
  };
  cases.push_back({"unknown kind", with("kind", "disk_full"), "/kind"});
  cases.push_back({"unknown edge", with("edge_id", "edge-nowhere"), "/edge_id"});
  cases.push_back({"unknown scid", with("scid", "ABCDEFGHJ"), "/scid"});
  cases.push_back({"missing summary", with("summary", nullptr), "/summary"});
  cases.push_back({"missing observed_at", with("observed_at", nullptr), "/observed_at"});
  cases.push_back({"missing state", with("state", nullptr), "/state"});
  cases.push_back({"future", with("observed_at", utc(clock().now() + std::chrono::minutes(10))),
                   "/observed_at"});
  cases.push_back({"not a time", with("observed_at", "yesterday"), "/observed_at"});
  cases.push_back({"details not an object", with("details", "loud"), "/details"});
  cases.push_back({"misspelt member", with("colour", "red"), "/colour"});
  nlohmann::json origin = alarm("firing");
  origin["kind"] = "origin_unreachable";
  origin.erase("edge_id");
  cases.push_back({"origin without scid", origin, "/scid"});
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto refused = send_alarm(c.body, token_);
    ASSERT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(refused.header("Content-Type"), "application/problem+json");
    bool located = false;
    for (const auto& error : refused.json.value("errors", nlohmann::json::array()))
      located = located || error.value("pointer", "") == c.pointer;
    EXPECT_TRUE(located) << refused.body;
  }
  ApiClient nora = signed_in("nora@provider.test", kPassword);
  auto events = nora.get("/api/v1/noc/events");
  ASSERT_EQ(events.status, 200) << events.body;
  EXPECT_TRUE(events.json["items"].empty());
  EXPECT_TRUE(nora.get("/api/v1/noc/dashboard").json["open_tickets"]["items"].empty());

  // A NOC engineer may raise an alarm from the portal too (session instead of token).
  auto by_hand =
      nora.post("/api/v1/noc/alarms", alarm("firing", std::chrono::seconds(10), "edge-lon-2"));
  ASSERT_EQ(by_hand.status, 201) << by_hand.body;
  EXPECT_TRUE(by_hand.json["tickets_opened"].empty());  // nothing was served there
  EXPECT_EQ(nora.get("/api/v1/noc/monitors").json["items"][0].value("token", "none"), "none");
  EXPECT_EQ(nora.post("/api/v1/noc/monitors", {{"monitor_id", "nora-monitor"}}).status, 403);
}

INSTANTIATE_TEST_SUITE_P(Stores, NocApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing
