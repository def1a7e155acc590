// Support, NOC and maintenance end to end, with real processes: `candela portal` (its clock moved
// by --clock-offset-file, its mail going to a real SMTP server on loopback), a demo origin and
// two edges in two cache groups. Customer Alpha's traffic goes through edge-1 (lon1) only, Beta's
// through edge-2 (dub1) only, so "who is affected" has one right answer:
// - a scheduled, service-affecting maintenance of lon1 tells Alpha's contacts — never Beta's —
//   with GMT times and an iCalendar file, reminds them, drains edge-1 while it runs, and says
//   when it is over;
// - an edge-down alarm for edge-1 opens one proactive ticket for Alpha and tells Alpha;
// - a severity-1 impairment (refused first for a missing field) goes to the centre on duty and
//   escalates when its response target lapses.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <set>

#include "support/candela_processes.hpp"
#include "support/eventually.hpp"
#include "support/feed_processes.hpp"
#include "support/http_client.hpp"
#include "support/portal_fixture.hpp"
#include "support/smtp_sink.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kPassword = "a long test password";

std::string utc_text(SysTime t, const char* format) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}

std::string iso(SysTime t) {
  return utc_text(t, "%Y-%m-%dT%H:%M:%SZ");
}

struct Customer {
  std::string name;
  std::string alias;
  std::string contact_email;
  long long group_id = 0;
  std::string customer_number;
  std::string scid;
};

class SupportOperationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_unique<SmtpSink>();
    clock_file_ = dir_.path() + "/clock-offset";
    set_portal_time(std::chrono::system_clock::now());
    origin_ = std::make_unique<OriginServer>(
        std::vector<std::string>{"--cache-control", "public, max-age=3600"});
    origin_->put("/a.txt", std::string(1000, 'a'));
    portal_ = std::make_unique<PortalProcess>(std::vector<std::string>{
        "--clock-offset-file", clock_file_, "--smtp-url",
        "smtp://127.0.0.1:" + std::to_string(sink_->port()), "--mail-from", "noc@candela.test"});
    staff_ = sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword);
    make_customer(alpha_, "Alpha", "www.alpha.test");
    make_customer(beta_, "Beta", "www.beta.test");
    make_staff("tech@provider.example", "cdn_support_technician");
    make_staff("noc@provider.example", "noc_engineer");
    add_edge("edge-1", "lon1");
    add_edge("edge-2", "dub1");
    // Each customer's traffic through its own edge only; then wait until the portal has it.
    ASSERT_NO_FATAL_FAILURE(send_traffic(*edges_[0], alpha_));
    ASSERT_NO_FATAL_FAILURE(send_traffic(*edges_[1], beta_));
  }

  // Moves the portal's clock so that it reads `t` now.
  void set_portal_time(SysTime t) {
    const auto offset =
        std::chrono::duration_cast<std::chrono::seconds>(t - std::chrono::system_clock::now());
    std::ofstream(clock_file_, std::ios::trunc) << offset.count() << "\n";
    offset_ = offset;
    std::this_thread::sleep_for(250ms);  // the portal re-reads the file within 100 ms
  }
  SysTime portal_now() const { return std::chrono::system_clock::now() + offset_; }

  std::unique_ptr<ApiClient> sign_in(const std::string& email, const std::string& password) {
    auto client = std::make_unique<ApiClient>(portal_->port(), SystemClock::instance());
    const ApiResponse r = client->sign_in(email, password);
    EXPECT_EQ(r.status, 201) << email << ": " << r.body;
    return client;
  }

  void set_password(const ApiResponse& user) {
    ApiResponse password = staff_->put("/api/v1/users/" + user.json["id"].dump() + "/password",
                                       {{"new_password", kPassword}});
    ASSERT_TRUE(password.status == 200 || password.status == 204) << password.body;
  }

  void make_staff(const std::string& email, const std::string& role) {
    ApiResponse user = staff_->post(
        "/api/v1/users", {{"name", role}, {"email", email}, {"roles", {{{"role", role}}}}});
    ASSERT_EQ(user.status, 201) << user.body;
    ASSERT_NO_FATAL_FAILURE(set_password(user));
  }

  void make_customer(Customer& c, const std::string& name, const std::string& alias) {
    c.name = name;
    c.alias = alias;
    c.contact_email = "ops@" + alias;
    ApiResponse group =
        staff_->post("/api/v1/access-groups", {{"name", name}, {"parent_id", nullptr}});
    ASSERT_EQ(group.status, 201) << group.body;
    c.group_id = group.json["id"];
    ApiResponse customer =
        staff_->post("/api/v1/customers", {{"name", name + " Ltd"},
                                           {"organisation_id", c.group_id},
                                           {"country", "GB"},
                                           {"invoice_email", "billing@" + alias}});
    ASSERT_EQ(customer.status, 201) << customer.body;
    c.customer_number = customer.json["customer_number"];
    ApiResponse service =
        staff_->post("/api/v1/services",
                     {{"access_group_id", c.group_id}, {"customer_number", c.customer_number}});
    ASSERT_EQ(service.status, 201) << service.body;
    c.scid = service.json["scid"];
    ASSERT_EQ(staff_->patch("/api/v1/services/" + c.scid, {{"state", "active"}, {"reason", "test"}})
                  .status,
              200);
    json origin = {{"host", "127.0.0.1"}, {"port", origin_->port()}, {"protocol", "http"}};
    json document = {
        {"scid", c.scid},
        {"properties", {{{"id", "www"}, {"primary_alias", alias}, {"origin", origin}}}}};
    ASSERT_EQ(staff_
                  ->post("/api/v1/services/" + c.scid + "/configurations", {{"document", document}},
                         {"If-None-Match: *"})
                  .status,
              201);
    ASSERT_EQ(staff_
                  ->post("/api/v1/services/" + c.scid + "/deployments",
                         {{"version", 1}, {"environment", "production"}})
                  .status,
              201);
    ApiResponse user = staff_->post(
        "/api/v1/users",
        {{"name", name + " Operations"},
         {"email", c.contact_email},
         {"roles", json::array({{{"role", "admin"}, {"access_group_id", c.group_id}}})}});
    ASSERT_EQ(user.status, 201) << user.body;
    ASSERT_NO_FATAL_FAILURE(set_password(user));
  }

  void add_edge(const std::string& id, const std::string& cache_group) {
    ApiResponse made =
        staff_->post("/api/v1/edges",
                     {{"edge_id", id}, {"cache_group", cache_group}, {"address", "127.0.0.1:1"}});
    ASSERT_EQ(made.status, 201) << made.body;
    EdgeExtras extras;
    extras.args = {"--usage-interval-ms", "300"};
    edges_.push_back(std::make_unique<FollowingEdge>(id, portal_->url(),
                                                     made.json.value("node_token", ""),
                                                     std::vector<json>{}, "production", extras));
  }

  void send_traffic(FollowingEdge& edge, Customer& c) {
    ASSERT_TRUE(eventually([&] {
      auto r = http_get(edge.port(), "/a.txt", c.alias);
      return r && r->status == 200;
    })) << edge.log();
    auto admin = sign_in(c.contact_email, kPassword);
    const SysTime now = portal_now();
    const std::string range = "&from=" + utc_text(now - 2h, "%Y-%m-%dT%H:00:00Z") +
                              "&to=" + utc_text(now + 2h, "%Y-%m-%dT%H:00:00Z");
    ASSERT_TRUE(eventually([&] {
      ApiResponse r = admin->get("/api/v1/usage?scid=" + c.scid + range + "&granularity=hour");
      return r.status == 200 && r.json["totals"].value("requests", 0) >= 1;
    })) << "usage of "
        << c.name << " never reached the portal\n"
        << portal_->log();
  }

  // The messages that reached the sink addressed to `email`.
  std::vector<ReceivedMail> mail_to(const std::string& email) {
    std::vector<ReceivedMail> found;
    for (auto& m : sink_->messages()) {
      if (std::find(m.rcpt_to.begin(), m.rcpt_to.end(), email) != m.rcpt_to.end()) {
        found.push_back(m);
      }
    }
    return found;
  }
  bool has_mail(const std::string& email, const std::string& subject_part) {
    for (const auto& m : mail_to(email)) {
      if (m.subject.find(subject_part) != std::string::npos) return true;
    }
    return false;
  }

  TempDir dir_;
  std::string clock_file_;
  std::chrono::seconds offset_{0};
  std::unique_ptr<SmtpSink> sink_;
  std::unique_ptr<OriginServer> origin_;
  std::unique_ptr<PortalProcess> portal_;
  std::unique_ptr<ApiClient> staff_;
  std::vector<std::unique_ptr<FollowingEdge>> edges_;
  Customer alpha_;
  Customer beta_;
};

TEST_F(SupportOperationsTest, ServiceAffectingMaintenanceTellsExactlyTheServedCustomersInGmt) {
  auto noc = sign_in("noc@provider.example", kPassword);
  const SysTime start = std::chrono::floor<std::chrono::hours>(portal_now()) + 48h;
  const SysTime end = start + 2h;
  ApiResponse window =
      noc->post("/api/v1/maintenance", {{"kind", "scheduled"},
                                        {"impact", "service_affecting"},
                                        {"title", "Router software upgrade in London"},
                                        {"description", "Line cards are reloaded one at a time."},
                                        {"starts_at", iso(start)},
                                        {"ends_at", iso(end)},
                                        {"cache_groups", {"lon1"}},
                                        {"edges", json::array()}});
  ASSERT_EQ(window.status, 201) << window.body;
  const std::string reference = window.json["reference"];

  // Scheduled: Alpha's contact hears of it, with the window in GMT and an iCalendar file.
  ASSERT_TRUE(eventually([&] { return has_mail(alpha_.contact_email, reference); }, 30s))
      << portal_->log();
  const ReceivedMail notice = mail_to(alpha_.contact_email).front();
  EXPECT_NE(notice.text.find(utc_text(start, "%a %d %b %Y %H:%M GMT")), std::string::npos)
      << notice.text;
  EXPECT_NE(notice.text.find(utc_text(end, "%a %d %b %Y %H:%M GMT")), std::string::npos)
      << notice.text;
  ASSERT_EQ(notice.attachments.size(), 1u);
  EXPECT_EQ(notice.attachments[0].filename, reference + ".ics");
  EXPECT_NE(notice.attachments[0].content.find("DTSTART:" + utc_text(start, "%Y%m%dT%H%M%SZ")),
            std::string::npos)
      << notice.attachments[0].content;
  EXPECT_NE(notice.attachments[0].content.find("UID:" + reference + "@candela"), std::string::npos);

  // A day before the start: the reminder. At the start: the notice, and edge-1 drains.
  set_portal_time(start - 23h);
  ASSERT_TRUE(eventually([&] { return mail_to(alpha_.contact_email).size() >= 2; }, 40s))
      << portal_->log();
  set_portal_time(start + 1min);
  staff_ = sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword);  // sessions expired
  ASSERT_TRUE(eventually(
      [&] {
        ApiResponse edge = staff_->get("/api/v1/edges/edge-1");
        return edge.status == 200 && edge.json.value("draining", false);
      },
      40s))
      << portal_->log();
  EXPECT_FALSE(staff_->get("/api/v1/edges/edge-2").json.value("draining", true));
  ASSERT_TRUE(eventually([&] { return mail_to(alpha_.contact_email).size() >= 3; }, 40s));

  // After the end: completed, and edge-1 takes traffic again.
  set_portal_time(end + 1min);
  staff_ = sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword);
  ASSERT_TRUE(eventually(
      [&] { return !staff_->get("/api/v1/edges/edge-1").json.value("draining", true); }, 40s));
  ASSERT_TRUE(eventually([&] { return mail_to(alpha_.contact_email).size() >= 4; }, 40s));

  // Exactly four notices to Alpha (scheduled, reminder, started, completed), none to Beta.
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(mail_to(alpha_.contact_email).size(), 4u);
  EXPECT_TRUE(mail_to(beta_.contact_email).empty());
  std::set<std::string> message_ids;
  for (const auto& m : mail_to(alpha_.contact_email)) {
    EXPECT_NE(m.subject.find(reference), std::string::npos) << m.subject;
    message_ids.insert(m.message_id);
  }
  EXPECT_EQ(message_ids.size(), 4u);

  // Beta does not even see the window; Alpha does.
  auto beta = sign_in(beta_.contact_email, kPassword);
  EXPECT_EQ(beta->get("/api/v1/maintenance/" + reference).status, 404);
  auto alpha = sign_in(alpha_.contact_email, kPassword);
  EXPECT_EQ(alpha->get("/api/v1/maintenance/" + reference).status, 200);
}

TEST_F(SupportOperationsTest, AnEdgeDownAlarmOpensOneProactiveTicketForTheServedCustomerOnly) {
  ApiResponse monitor = staff_->post("/api/v1/noc/monitors", {{"monitor_id", "monitor-1"}});
  ASSERT_EQ(monitor.status, 201) << monitor.body;
  ApiClient robot(portal_->port(), SystemClock::instance());
  const json alarm = {{"kind", "edge_down"},
                      {"edge_id", "edge-1"},
                      {"state", "firing"},
                      {"observed_at", iso(portal_now())},
                      {"summary", "edge-1 missed 3 health checks"},
                      {"details", json::object()}};
  const std::string bearer = "Authorization: Bearer " + monitor.json["token"].get<std::string>();
  ApiResponse raised = robot.post("/api/v1/noc/alarms", alarm, {bearer});
  ASSERT_TRUE(raised.status == 200 || raised.status == 201) << raised.body;
  // The same alarm again changes nothing.
  ApiResponse again = robot.post("/api/v1/noc/alarms", alarm, {bearer});
  ASSERT_TRUE(again.status == 200 || again.status == 201) << again.body;

  auto alpha = sign_in(alpha_.contact_email, kPassword);
  auto beta = sign_in(beta_.contact_email, kPassword);
  ApiResponse alpha_tickets = alpha->get("/api/v1/tickets?limit=50");
  ASSERT_EQ(alpha_tickets.status, 200) << alpha_tickets.body;
  ASSERT_EQ(alpha_tickets.json["items"].size(), 1u) << alpha_tickets.body;
  const json ticket = alpha_tickets.json["items"][0];
  EXPECT_EQ(ticket["origin"], "proactive");
  EXPECT_EQ(ticket["scid"], alpha_.scid);
  EXPECT_EQ(beta->get("/api/v1/tickets?limit=50").json["items"].size(), 0u);
  EXPECT_EQ(beta->get("/api/v1/tickets/" + ticket["reference"].get<std::string>()).status, 404);

  ASSERT_TRUE(eventually(
      [&] { return has_mail(alpha_.contact_email, ticket["reference"].get<std::string>()); }, 30s))
      << portal_->log();
  EXPECT_TRUE(mail_to(beta_.contact_email).empty());

  // The NOC dashboard shows the event and the ticket.
  auto noc = sign_in("noc@provider.example", kPassword);
  ApiResponse dashboard = noc->get("/api/v1/noc/dashboard");
  ASSERT_EQ(dashboard.status, 200) << dashboard.body;
  EXPECT_EQ(dashboard.json["open_events"].size(), 1u) << dashboard.body;
  EXPECT_EQ(alpha->get("/api/v1/noc/dashboard").status / 100, 4);

  // Cleared: the event resolves and the ticket says so publicly.
  json cleared = alarm;
  cleared["state"] = "cleared";
  ASSERT_EQ(robot.post("/api/v1/noc/alarms", cleared, {bearer}).status / 100, 2);
  EXPECT_EQ(noc->get("/api/v1/noc/dashboard").json["open_events"].size(), 0u);
  ApiResponse detail = alpha->get("/api/v1/tickets/" + ticket["reference"].get<std::string>());
  ASSERT_EQ(detail.status, 200);
  EXPECT_EQ(detail.json["timeline"].back()["kind"], "note") << detail.body;
}

TEST_F(SupportOperationsTest, ASeverityOneImpairmentIsRoutedAndEscalatesWhenItsTargetLapses) {
  // 08:00 UTC tomorrow: Dublin is on duty by the default schedule.
  const SysTime morning = std::chrono::floor<std::chrono::days>(portal_now()) + 24h + 8h;
  set_portal_time(morning);
  auto alpha = sign_in(alpha_.contact_email, kPassword);
  json ticket = {{"type", "service_impairment"},
                 {"severity", 1},
                 {"subject", "Every request answers 503"},
                 {"scid", alpha_.scid},
                 {"description", "All objects under /video fail since 07:50 UTC."},
                 {"alarm_info", "Our player monitoring alarms on HTTP 503 in every region."},
                 {"problem_started_at", iso(morning - 10min)},
                 {"contact",
                  {{"name", "Olga Ops"},
                   {"email", alpha_.contact_email},
                   {"phones", {"+44 20 7946 0000"}},
                   {"alternate_contact", "Night desk +44 20 7946 0001"}}}};
  json missing = ticket;
  missing.erase("alarm_info");
  ApiResponse refused = alpha->post("/api/v1/tickets", missing);
  ASSERT_EQ(refused.status, 400) << refused.body;
  ASSERT_EQ(refused.json["errors"].size(), 1u) << refused.body;
  EXPECT_EQ(refused.json["errors"][0]["pointer"], "/alarm_info");
  EXPECT_EQ(alpha->get("/api/v1/tickets?limit=50").json["items"].size(), 0u);

  ApiResponse opened = alpha->post("/api/v1/tickets", ticket);
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string reference = opened.json["reference"];
  EXPECT_EQ(opened.json["centre"]["code"], "DUB") << opened.body;
  EXPECT_EQ(opened.json["escalation_level"], 0);

  // Nobody acknowledges it: 16 minutes later it has climbed to level 1, and the level's
  // recipients (the CDN support technicians) were told.
  set_portal_time(morning + 16min);
  alpha = sign_in(alpha_.contact_email, kPassword);
  ASSERT_TRUE(eventually(
      [&] {
        return alpha->get("/api/v1/tickets/" + reference).json.value("escalation_level", 0) >= 1;
      },
      40s))
      << portal_->log();
  ASSERT_TRUE(eventually([&] { return has_mail("tech@provider.example", reference); }, 30s));
  ApiResponse detail = alpha->get("/api/v1/tickets/" + reference);
  bool escalated_in_timeline = false;
  for (const auto& entry : detail.json["timeline"])
    escalated_in_timeline = escalated_in_timeline || entry["kind"] == "escalated";
  EXPECT_TRUE(escalated_in_timeline) << detail.body;
  // Beta never sees Alpha's ticket.
  auto beta = sign_in(beta_.contact_email, kPassword);
  EXPECT_EQ(beta->get("/api/v1/tickets/" + reference).status, 404);
}

}  // namespace
}  // namespace candela::testing
