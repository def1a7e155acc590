// Maintenance over the API, in process with a manual clock, the notice and mail jobs run
// directly, and mail delivered to a real SMTP server on loopback. Two customers: Alpha's traffic
// goes through the London cache group, Bravo's through Dublin, so a London window affects Alpha
// only.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "control/database.hpp"
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
std::string gmt(SysTime t) {
  return utc_text(t, "%a %d %b %Y %H:%M GMT");
}
std::string ical(SysTime t) {
  return utc_text(t, "%Y%m%dT%H%M%SZ");
}
// RFC 5545 unfolding, so checks do not depend on where long lines were folded.
std::string unfold(std::string text) {
  for (std::size_t at; (at = text.find("\r\n ")) != std::string::npos;)
    text.erase(at, 3);
  return text;
}

class MaintenanceApiTest : public PortalTest {
 protected:
  void adjust(portal::PortalOptions& options) override {
    sink_ = std::make_unique<SmtpSink>();
    options.settings.smtp_url = sink_->url();
    options.settings.mail_from = "noc@candela.test";
    options.settings.public_url = "https://portal.test";
    // The clock moves days ahead; sessions must outlive that.
    options.settings.session_ttl = std::chrono::hours(24 * 30);
  }

  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    alpha_ = create_group(std::nullopt, "Alpha");
    bravo_ = create_group(std::nullopt, "Bravo");
    create_user("root@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    create_user("nora@provider.test", kPassword, {{Role::kNocEngineer, std::nullopt}});
    create_user("alice@alpha.test", kPassword, {{Role::kAdmin, alpha_}});
    create_user("bob@bravo.test", kPassword, {{Role::kAdmin, bravo_}});
    root_ = std::make_unique<ApiClient>(signed_in("root@provider.test", kPassword));
    nora_ = std::make_unique<ApiClient>(signed_in("nora@provider.test", kPassword));
    alpha_scid_ = active_service(alpha_, create_customer("Alpha Ltd", alpha_));
    bravo_scid_ = active_service(bravo_, create_customer("Bravo Ltd", bravo_));
    add_edge("edge-lon-1", "lon1");
    add_edge("edge-dub-1", "dub1");
    traffic("edge-lon-1", alpha_scid_);
    traffic("edge-dub-1", bravo_scid_);
    // A whole hour three days ahead.
    starts_ = std::chrono::floor<std::chrono::hours>(clock().now()) + 72h;
    ends_ = starts_ + 4h;
  }

  std::string active_service(long long group, const std::string& customer_number) {
    ApiResponse made = root_->post(
        "/api/v1/services", {{"access_group_id", group}, {"customer_number", customer_number}});
    EXPECT_EQ(made.status, 201) << made.body;
    const std::string scid = made.json.value("scid", "");
    EXPECT_EQ(
        root_->patch("/api/v1/services/" + scid, {{"state", "active"}, {"reason", "test"}}).status,
        200);
    return scid;
  }

  void add_edge(const std::string& id, const std::string& group) {
    ApiResponse made = root_->post(
        "/api/v1/edges", {{"edge_id", id}, {"cache_group", group}, {"address", "127.0.0.1:1"}});
    ASSERT_EQ(made.status, 201) << made.body;
  }

  // One usage minute of `scid` on `edge` an hour ago, as the edge's usage batch would store it.
  void traffic(const std::string& edge, const std::string& scid) {
    const long long minute =
        control::to_epoch_ms(std::chrono::floor<std::chrono::minutes>(clock().now() - 1h));
    auto stored = context().db.with_session([&](soci::session& s) -> Result<bool> {
      s << "INSERT INTO usage_minute (edge_id, scid, property, minute, revision, requests, bytes,"
           " body_bytes, fill_bytes, hits, misses, stale, revalidated, passes, errors, status_1xx,"
           " status_2xx, status_3xx, status_4xx, status_5xx, http, https, peak_rps)"
           " VALUES (:e, :s, 'www', :m, 1, 5, 500, 400, 0, 5, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 5, 0,"
           " 1)",
          soci::use(edge), soci::use(scid), soci::use(minute);
      return true;
    });
    ASSERT_TRUE(stored.ok()) << stored.error();
  }

  json london_window() const {
    return {{"kind", "scheduled"},
            {"impact", "service_affecting"},
            {"title", "Core router upgrade, London"},
            {"description", "Line cards are replaced; traffic is served from other locations."},
            {"starts_at", iso(starts_)},
            {"ends_at", iso(ends_)},
            {"cache_groups", {"lon1"}}};
  }

  std::string schedule_london() {
    ApiResponse made = nora_->post("/api/v1/maintenance", london_window());
    EXPECT_EQ(made.status, 201) << made.body;
    return made.json.value("reference", "");
  }

  void run_job(const std::string& name) {
    for (auto& job : context().jobs) {
      if (job.name == name) {
        job.run();
        return;
      }
    }
    ADD_FAILURE() << "no job named " << name;
  }

  // Runs the notice job twice (a second run must change nothing) and delivers the mail.
  void run_maintenance_job() {
    run_job("maintenance-notices");
    run_job("maintenance-notices");
    run_job("mail-delivery");
  }

  std::vector<ReceivedMail> mail_to(const std::string& email) {
    std::vector<ReceivedMail> found;
    for (auto& m : sink_->messages()) {
      if (std::find(m.rcpt_to.begin(), m.rcpt_to.end(), email) != m.rcpt_to.end()) {
        found.push_back(m);
      }
    }
    return found;
  }

  // The templates of the window's notices, in order.
  std::vector<std::string> notice_templates(const std::string& reference) {
    ApiResponse shown = nora_->get("/api/v1/maintenance/" + reference);
    EXPECT_EQ(shown.status, 200) << shown.body;
    std::vector<std::string> out;
    for (const auto& n : shown.json["notices"])
      out.push_back(n["template"]);
    return out;
  }

  json edge(const std::string& id) {
    ApiResponse edges = root_->get("/api/v1/edges");
    EXPECT_EQ(edges.status, 200) << edges.body;
    for (const auto& e : edges.json["items"]) {
      if (e["edge_id"] == id) return e;
    }
    ADD_FAILURE() << "no edge " << id;
    return json::object();
  }

  std::unique_ptr<SmtpSink> sink_;
  std::unique_ptr<ApiClient> root_, nora_;
  long long alpha_ = 0, bravo_ = 0;
  std::string alpha_scid_, bravo_scid_;
  SysTime starts_, ends_;
};

TEST_P(MaintenanceApiTest, AScheduledWindowNotifiesExactlyTheAffectedCustomerWithGmtAndCalendar) {
  ApiResponse made = nora_->post("/api/v1/maintenance", london_window());
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string ref = made.json["reference"];
  EXPECT_EQ(ref.rfind("MNT-", 0), 0u) << ref;
  EXPECT_EQ(made.header("Location"), "/api/v1/maintenance/" + ref);
  EXPECT_EQ(made.json["state"], "scheduled");
  EXPECT_EQ(made.json["starts_at"], iso(starts_));
  ASSERT_EQ(made.json["affected_services"].size(), 1u) << made.body;
  EXPECT_EQ(made.json["affected_services"][0]["scid"], alpha_scid_);
  EXPECT_EQ(made.json["affected"]["customers"], 1);

  run_job("mail-delivery");
  ASSERT_TRUE(sink_->wait_for(2, 10s)) << sink_->log();
  EXPECT_TRUE(mail_to("bob@bravo.test").empty()) << "Bravo is not affected";
  EXPECT_EQ(mail_to("nora@provider.test").size(), 1u);
  const auto alice = mail_to("alice@alpha.test");
  ASSERT_EQ(alice.size(), 1u);
  const ReceivedMail& mail = alice[0];
  EXPECT_NE(mail.subject.find(ref), std::string::npos) << mail.subject;
  EXPECT_NE(mail.subject.find(gmt(starts_)), std::string::npos) << mail.subject;
  EXPECT_NE(mail.text.find("Start:      " + gmt(starts_)), std::string::npos) << mail.text;
  EXPECT_NE(mail.text.find("End:        " + gmt(ends_)), std::string::npos) << mail.text;
  EXPECT_NE(mail.text.find(alpha_scid_), std::string::npos) << mail.text;
  EXPECT_EQ(mail.text.find(bravo_scid_), std::string::npos) << mail.text;
  EXPECT_NE(mail.text.find("https://portal.test/maintenance/" + ref), std::string::npos);
  ASSERT_EQ(mail.attachments.size(), 1u);
  EXPECT_EQ(mail.attachments[0].filename, ref + ".ics");
  EXPECT_EQ(mail.attachments[0].content_type, "text/calendar");
  const std::string ics = unfold(mail.attachments[0].content);
  for (const std::string& expected : std::vector<std::string>{
           "BEGIN:VCALENDAR\r\n", "\r\nMETHOD:REQUEST\r\n", "\r\nUID:" + ref + "@candela\r\n",
           "\r\nSEQUENCE:0\r\n", "\r\nDTSTART:" + ical(starts_) + "\r\n",
           "\r\nDTEND:" + ical(ends_) + "\r\n", "\r\nSTATUS:CONFIRMED\r\n",
           "\r\nSUMMARY:" + ref +
               " Scheduled maintenance (service affecting): Core router upgrade\\, "
               "London\r\n",
           "\r\nORGANIZER;CN=\"Candela NOC\":mailto:noc@candela.test\r\n"}) {
    EXPECT_NE(ics.find(expected), std::string::npos) << expected << " not in\n" << ics;
  }

  // The same calendar for download, to whom may read the window.
  ApiClient alice_client = signed_in("alice@alpha.test", kPassword);
  ApiResponse calendar = alice_client.get("/api/v1/maintenance/" + ref + "/calendar.ics");
  ASSERT_EQ(calendar.status, 200) << calendar.body;
  EXPECT_EQ(calendar.header("Content-Type"), "text/calendar; charset=utf-8; method=REQUEST");
  EXPECT_NE(unfold(calendar.body).find("\r\nDTSTART:" + ical(starts_) + "\r\n"), std::string::npos);
  ApiResponse shown = alice_client.get("/api/v1/maintenance/" + ref);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_FALSE(shown.json.contains("affected")) << "counts over all customers are staff-only";
  EXPECT_EQ(shown.json["notices"][0]["template"], "maintenance.scheduled");
  EXPECT_FALSE(shown.json["notices"][0].contains("recipients"));
  EXPECT_EQ(alice_client.get("/api/v1/maintenance").json["items"].size(), 1u);
}

TEST_P(MaintenanceApiTest, CustomersCannotCreateWindowsNorSeeOtherCustomersWindows) {
  const std::string ref = schedule_london();
  ApiClient alice = signed_in("alice@alpha.test", kPassword);
  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  EXPECT_EQ(alice.post("/api/v1/maintenance", london_window()).status, 403);
  EXPECT_EQ(bob.get("/api/v1/maintenance/" + ref).status, 404);
  EXPECT_EQ(bob.get("/api/v1/maintenance/" + ref + "/calendar.ics").status, 404);
  ApiResponse bobs = bob.get("/api/v1/maintenance");
  ASSERT_EQ(bobs.status, 200) << bobs.body;
  EXPECT_TRUE(bobs.json["items"].empty()) << bobs.body;
  EXPECT_EQ(bob.post("/api/v1/maintenance/" + ref + "/cancel", {{"reason", "mine now"}}).status,
            403);
  EXPECT_EQ(alice.patch("/api/v1/maintenance/" + ref, {{"title", "hijacked"}}).status, 403);
  EXPECT_EQ(alice.post("/api/v1/maintenance/" + ref + "/complete").status, 403);
  EXPECT_EQ(nora_->get("/api/v1/maintenance/" + ref).json["title"], "Core router upgrade, London");
  EXPECT_EQ(nora_->get("/api/v1/maintenance/" + ref).json["state"], "scheduled");
}

TEST_P(MaintenanceApiTest, ReminderStartAndCompletionGoOnceEachAndTheEdgesDrainMeanwhile) {
  const std::string ref = schedule_london();
  EXPECT_EQ(edge("edge-lon-1")["draining"], false);
  const std::string idle_etag = root_->get("/api/v1/edges/edge-lon-1").header("ETag");
  EXPECT_TRUE(edge("edge-lon-1")["maintenance_reference"].is_null());

  clock().set(starts_ - 24h + 1min);
  run_maintenance_job();
  EXPECT_EQ(notice_templates(ref),
            (std::vector<std::string>{"maintenance.scheduled", "maintenance.reminder"}));
  EXPECT_EQ(edge("edge-lon-1")["draining"], false);

  clock().set(starts_ + 1min);
  run_maintenance_job();
  EXPECT_EQ(nora_->get("/api/v1/maintenance/" + ref).json["state"], "in_progress");
  EXPECT_EQ(edge("edge-lon-1")["draining"], true);
  EXPECT_EQ(edge("edge-lon-1")["maintenance_reference"], ref);
  EXPECT_EQ(edge("edge-dub-1")["draining"], false);
  // A router revalidating its copy learns of the change: the ETag covers the drain state.
  ApiResponse one = root_->get("/api/v1/edges/edge-lon-1", {"If-None-Match: " + idle_etag});
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.json["draining"], true);
  EXPECT_EQ(one.json["maintenance_reference"], ref);
  EXPECT_NE(one.header("ETag"), idle_etag);

  clock().set(ends_ + 1s);
  run_maintenance_job();
  EXPECT_EQ(nora_->get("/api/v1/maintenance/" + ref).json["state"], "completed");
  EXPECT_EQ(edge("edge-lon-1")["draining"], false);
  EXPECT_TRUE(edge("edge-lon-1")["maintenance_reference"].is_null());
  run_maintenance_job();
  EXPECT_EQ(notice_templates(ref),
            (std::vector<std::string>{"maintenance.scheduled", "maintenance.reminder",
                                      "maintenance.started", "maintenance.completed"}));

  ASSERT_TRUE(sink_->wait_for(8, 10s)) << sink_->log();
  std::vector<std::string> subjects;
  for (const auto& m : mail_to("alice@alpha.test"))
    subjects.push_back(m.subject);
  ASSERT_EQ(subjects.size(), 4u);
  EXPECT_NE(subjects[1].find("Reminder: " + ref), std::string::npos) << subjects[1];
  EXPECT_NE(subjects[2].find("has started"), std::string::npos) << subjects[2];
  EXPECT_NE(subjects[3].find("completed"), std::string::npos) << subjects[3];
  EXPECT_TRUE(mail_to("bob@bravo.test").empty());
}

TEST_P(MaintenanceApiTest, RescheduleBumpsTheSequenceAndCancelSendsMethodCancel) {
  const std::string ref = schedule_london();
  ApiResponse moved = nora_->patch("/api/v1/maintenance/" + ref, {{"starts_at", iso(starts_ + 24h)},
                                                                  {"ends_at", iso(ends_ + 24h)}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json["sequence"], 1);
  EXPECT_EQ(moved.json["starts_at"], iso(starts_ + 24h));

  ApiResponse no_reason = nora_->post("/api/v1/maintenance/" + ref + "/cancel", json::object());
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(no_reason.json["errors"][0]["pointer"], "/reason");
  ApiResponse cancelled =
      nora_->post("/api/v1/maintenance/" + ref + "/cancel", {{"reason", "parts arrived late"}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json["state"], "cancelled");
  EXPECT_EQ(cancelled.json["sequence"], 2);
  EXPECT_EQ(nora_->post("/api/v1/maintenance/" + ref + "/cancel", {{"reason", "again"}}).status,
            409);

  run_job("mail-delivery");
  ASSERT_TRUE(sink_->wait_for(6, 10s)) << sink_->log();
  const auto alice = mail_to("alice@alpha.test");
  ASSERT_EQ(alice.size(), 3u);
  const std::string rescheduled = unfold(alice[1].attachments.at(0).content);
  EXPECT_NE(alice[1].subject.find("rescheduled to " + gmt(starts_ + 24h)), std::string::npos)
      << alice[1].subject;
  EXPECT_NE(alice[1].text.find("It was planned from " + gmt(starts_) + " to " + gmt(ends_)),
            std::string::npos)
      << alice[1].text;
  EXPECT_NE(rescheduled.find("\r\nSEQUENCE:1\r\n"), std::string::npos) << rescheduled;
  EXPECT_NE(rescheduled.find("\r\nDTSTART:" + ical(starts_ + 24h) + "\r\n"), std::string::npos);
  const std::string cancel = unfold(alice[2].attachments.at(0).content);
  EXPECT_NE(cancel.find("\r\nMETHOD:CANCEL\r\n"), std::string::npos) << cancel;
  EXPECT_NE(cancel.find("\r\nSTATUS:CANCELLED\r\n"), std::string::npos) << cancel;
  EXPECT_NE(cancel.find("\r\nSEQUENCE:2\r\n"), std::string::npos) << cancel;
  EXPECT_NE(alice[2].text.find("parts arrived late"), std::string::npos);
  ApiResponse calendar = nora_->get("/api/v1/maintenance/" + ref + "/calendar.ics");
  EXPECT_EQ(calendar.header("Content-Type"), "text/calendar; charset=utf-8; method=CANCEL");
}

TEST_P(MaintenanceApiTest, BadRequestsAreLocatedAndStoreNothing) {
  ApiResponse malformed = nora_->post("/api/v1/maintenance", {{"kind", "weekly"},
                                                              {"impact", "some"},
                                                              {"title", "t"},
                                                              {"starts_at", "tomorrow"},
                                                              {"ends_at", "2026-12-05 06:00"},
                                                              {"cache_groups", {1}},
                                                              {"colour", "red"}});
  ASSERT_EQ(malformed.status, 400) << malformed.body;
  EXPECT_EQ(malformed.header("Content-Type"), "application/problem+json");
  std::set<std::string> pointers;
  for (const auto& e : malformed.json["errors"])
    pointers.insert(e["pointer"]);
  EXPECT_EQ(pointers, (std::set<std::string>{"/kind", "/impact", "/starts_at", "/ends_at",
                                             "/cache_groups/0", "/colour"}));

  json rules = london_window();
  rules["starts_at"] = iso(clock().now() - 1h);
  rules["ends_at"] = iso(clock().now() - 2h);
  rules["cache_groups"] = {"lon1", "atlantis"};
  rules["edges"] = {"edge-nowhere"};
  ApiResponse refused = nora_->post("/api/v1/maintenance", rules);
  ASSERT_EQ(refused.status, 400) << refused.body;
  pointers.clear();
  for (const auto& e : refused.json["errors"])
    pointers.insert(e["pointer"]);
  EXPECT_EQ(pointers,
            (std::set<std::string>{"/starts_at", "/ends_at", "/cache_groups/1", "/edges/0"}));

  EXPECT_EQ(nora_->get("/api/v1/maintenance?state=sometimes").status, 400);
  EXPECT_EQ(nora_->get("/api/v1/maintenance?from=yesterday").status, 400);
  EXPECT_EQ(nora_->get("/api/v1/maintenance/MNT-2026-424242").status, 404);
  ApiResponse none = nora_->get("/api/v1/maintenance");
  ASSERT_EQ(none.status, 200);
  EXPECT_TRUE(none.json["items"].empty());
  EXPECT_TRUE(none.json["next_cursor"].is_null());
  run_job("mail-delivery");
  EXPECT_EQ(sink_->count(), 0u);
}

TEST_P(MaintenanceApiTest, TheCalendarListPagesAndFilters) {
  const std::string first = schedule_london();
  json dublin = london_window();
  dublin["cache_groups"] = {"dub1"};
  dublin["starts_at"] = iso(starts_ + 48h);
  dublin["ends_at"] = iso(ends_ + 48h);
  ApiResponse second = nora_->post("/api/v1/maintenance", dublin);
  ASSERT_EQ(second.status, 201) << second.body;

  ApiResponse page = nora_->get("/api/v1/maintenance?limit=1");
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(page.json["items"].size(), 1u);
  EXPECT_EQ(page.json["items"][0]["reference"], first);
  ASSERT_TRUE(page.json["next_cursor"].is_string());
  ApiResponse next = nora_->get("/api/v1/maintenance?limit=1&cursor=" +
                                page.json["next_cursor"].get<std::string>());
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(next.json["items"][0]["reference"], second.json["reference"]);
  EXPECT_TRUE(next.json["next_cursor"].is_null());

  ApiResponse later = nora_->get("/api/v1/maintenance?from=" + iso(ends_ + 1h));
  ASSERT_EQ(later.status, 200) << later.body;
  ASSERT_EQ(later.json["items"].size(), 1u);
  EXPECT_EQ(later.json["items"][0]["reference"], second.json["reference"]);
  EXPECT_EQ(nora_->get("/api/v1/maintenance?state=cancelled").json["items"].size(), 0u);
  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  ApiResponse bobs = bob.get("/api/v1/maintenance");
  ASSERT_EQ(bobs.json["items"].size(), 1u);
  EXPECT_EQ(bobs.json["items"][0]["reference"], second.json["reference"]);
  EXPECT_EQ(bobs.body.find(alpha_scid_), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Stores, MaintenanceApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing
