// Notification mail end to end: the portal's delivery job sends the outbox over SMTP (libcurl)
// to a real SMTP server on loopback (tests/tools/smtp_sink.py), and the sink's independent MIME
// parser reads what arrived. Exactly one copy per message, retries while the server is down,
// give-up to failed, staff retry, and the preferences and read-marking API.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <set>

#include "control/mail_outbox.hpp"
#include "control/notifier.hpp"
#include "support/eventually.hpp"
#include "support/portal_fixture.hpp"
#include "support/smtp_sink.hpp"

namespace candela::testing {
namespace {

using control::Notice;
using control::NotificationCategory;
using control::NotificationRecipients;
using control::NotificationTemplate;

const NotificationTemplate kMaintenanceNotice{
    "maintenance.scheduled", NotificationCategory::kMaintenance,
    "{{reference}} geplant: Wartung in München ({{starts}})",
    "Maintenance {{reference}} starts {{starts}}.\nImpact: {{impact}}\n.\n.. a line with dots\n"};

constexpr const char* kPassword = "a long enough password";
constexpr const char* kIcs =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
    "UID:MNT-2026-000001@candela\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

class NotificationsMailTest : public PortalTest {
 protected:
  void adjust(portal::PortalOptions& options) override {
    options.settings.smtp_url = sink_.url();
    options.settings.mail_from = "noc@candela.test";
    options.settings.mail_max_attempts = 3;
  }

  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    acme_ = create_group(std::nullopt, "Acme");
    bravo_ = create_group(std::nullopt, "Bravo");
    ana_ = create_user("ana@acme.test", kPassword, {{Role::kAdmin, acme_}}, "Ana");
    bob_ = create_user("bob@bravo.test", kPassword, {{Role::kAdmin, bravo_}}, "Bob");
    noc_ = create_user("noc1@provider.test", kPassword, {{Role::kNocEngineer, std::nullopt}});
    create_user("noc2@provider.test", kPassword, {{Role::kNocEngineer, std::nullopt}});
    create_user("support@provider.test", kPassword, {{Role::kCdnSupportTechnician, std::nullopt}});
  }

  Notice maintenance_notice(const std::string& reference = "MNT-2026-000001") {
    Notice notice;
    notice.tmpl = &kMaintenanceNotice;
    notice.values = {{"reference", reference},
                     {"starts", "Sat 05 Dec 2026 02:00 GMT"},
                     {"impact", "service affecting"}};
    notice.attachments = {
        {reference + ".ics", "text/calendar; method=REQUEST; charset=utf-8", kIcs}};
    notice.entity_type = "maintenance";
    notice.entity_id = reference;
    return notice;
  }

  control::NotifyReceipt notify(const Notice& notice, const NotificationRecipients& to) {
    auto receipt = context().db.with_transaction(
        [&](soci::session& s) { return control::Notifier(s, clock()).notify(notice, to); });
    EXPECT_TRUE(receipt.ok()) << receipt.error();
    return receipt.ok() ? receipt.value() : control::NotifyReceipt{};
  }

  void run_delivery_job() {
    for (auto& job : context().jobs) {
      if (job.name == "mail-delivery") return job.run();
    }
    ADD_FAILURE() << "no mail-delivery job";
  }

  nlohmann::json deliveries(ApiClient& staff, const std::string& query = "") {
    ApiResponse listed = staff.get("/api/v1/mail-deliveries" + query);
    EXPECT_EQ(listed.status, 200) << listed.body;
    return listed.json.is_object() ? listed.json["items"] : nlohmann::json::array();
  }

  // No further copy arrives while the job keeps running (it runs every 2 s).
  void expect_no_more_than(std::size_t count) {
    std::this_thread::sleep_for(std::chrono::milliseconds(4500));
    EXPECT_EQ(sink_.count(), count) << "a message was delivered more than once";
  }

  SmtpSink sink_{0, /*start_now=*/false};
  long long acme_ = 0, bravo_ = 0, ana_ = 0, bob_ = 0, noc_ = 0;
};

TEST_P(NotificationsMailTest, EachMessageReachesARealSmtpServerExactlyOnce) {
  sink_.start();
  NotificationRecipients to;
  to.user_ids = {ana_};
  to.roles = {Role::kNocEngineer};
  to.emails = {"contact@shop.test", "ANA@acme.test"};
  const auto receipt = notify(maintenance_notice(), to);
  EXPECT_EQ(receipt.portal_rows, 2);
  EXPECT_EQ(receipt.emails_queued, 4);
  ASSERT_TRUE(sink_.wait_for(4, std::chrono::seconds(20))) << sink_.log();
  expect_no_more_than(4);

  ApiClient noc = signed_in("noc1@provider.test", kPassword);
  const auto rows = deliveries(noc, "?entity_type=maintenance&entity_id=MNT-2026-000001");
  ASSERT_EQ(rows.size(), 4u);
  std::map<std::string, std::string> message_ids;
  for (const auto& row : rows) {
    EXPECT_EQ(row["status"], "sent") << row.dump();
    EXPECT_EQ(row["attempts"], 1);
    EXPECT_TRUE(row["sent_at"].is_string());
    EXPECT_EQ(row["template"], "maintenance.scheduled");
    message_ids[row["to"]] = row["message_id"];
  }
  std::set<std::string> recipients;
  for (const auto& mail : sink_.messages()) {
    ASSERT_EQ(mail.rcpt_to.size(), 1u) << "one envelope per address";
    const std::string& to_address = mail.rcpt_to[0];
    recipients.insert(to_address);
    EXPECT_EQ(mail.mail_from, "noc@candela.test");
    EXPECT_EQ(mail.headers.at("From"), "noc@candela.test");
    EXPECT_EQ(mail.headers.at("To"), to_address);
    EXPECT_EQ(mail.subject,
              "MNT-2026-000001 geplant: Wartung in München (Sat 05 Dec 2026 02:00 GMT)");
    EXPECT_NE(mail.raw.find("Subject: =?UTF-8?B?"), std::string::npos) << "RFC 2047 on the wire";
    EXPECT_EQ(mail.message_id, message_ids[to_address]);
    EXPECT_FALSE(mail.headers.at("Date").empty());
    EXPECT_EQ(mail.text,
              "Maintenance MNT-2026-000001 starts Sat 05 Dec 2026 02:00 GMT.\n"
              "Impact: service affecting\n.\n.. a line with dots\n")
        << "dot-stuffing must not lose or add dots";
    ASSERT_EQ(mail.attachments.size(), 1u);
    EXPECT_EQ(mail.attachments[0].filename, "MNT-2026-000001.ics");
    EXPECT_EQ(mail.attachments[0].content_type, "text/calendar");
    EXPECT_EQ(mail.attachments[0].content, kIcs);
  }
  EXPECT_EQ(recipients, (std::set<std::string>{"ana@acme.test", "noc1@provider.test",
                                               "noc2@provider.test", "contact@shop.test"}));

  ApiClient ana = signed_in("ana@acme.test", kPassword);
  ApiResponse listed = ana.get("/api/v1/notifications");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json["items"].size(), 1u);
  EXPECT_EQ(listed.json["items"][0]["category"], "maintenance");
  EXPECT_EQ(listed.json["items"][0]["template"], "maintenance.scheduled");
}

TEST_P(NotificationsMailTest, MailWaitsWhileTheServerIsDownAndIsRetriedWithBackoff) {
  NotificationRecipients to;
  to.user_ids = {ana_};
  notify(maintenance_notice(), to);
  run_delivery_job();
  ApiClient noc = signed_in("noc1@provider.test", kPassword);
  nlohmann::json row;
  ASSERT_TRUE(eventually([&] {
    row = deliveries(noc)[0];
    return row["attempts"].get<int>() >= 1 && row["status"] == "pending";
  })) << row.dump();
  EXPECT_EQ(row["attempts"], 1) << "the manual clock holds the next attempt back";
  EXPECT_FALSE(row["last_error"].get<std::string>().empty());
  EXPECT_TRUE(row["next_attempt_at"].is_string());

  sink_.start();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(sink_.count(), 0u) << "not before the backoff has passed";
  clock().advance(std::chrono::seconds(30));
  ASSERT_TRUE(sink_.wait_for(1, std::chrono::seconds(20))) << sink_.log();
  expect_no_more_than(1);
  row = deliveries(noc)[0];
  EXPECT_EQ(row["status"], "sent");
  EXPECT_EQ(row["attempts"], 2);
  EXPECT_EQ(sink_.messages()[0].message_id, row["message_id"]);
}

TEST_P(NotificationsMailTest, AGivenUpMessageIsShownToStaffAndSentAfterARetry) {
  NotificationRecipients to;
  to.emails = {"contact@shop.test"};
  notify(maintenance_notice(), to);
  ApiClient noc = signed_in("noc1@provider.test", kPassword);
  nlohmann::json row;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    run_delivery_job();
    ASSERT_TRUE(eventually([&] {
      row = deliveries(noc)[0];
      return row["attempts"].get<int>() >= attempt && row["status"] != "sending";
    })) << row.dump();
    clock().advance(std::chrono::hours(1));
  }
  EXPECT_EQ(row["status"], "failed") << row.dump();
  EXPECT_TRUE(row["next_attempt_at"].is_null());
  const std::string id = std::to_string(row["id"].get<long long>());

  const auto failed = deliveries(noc, "?status=failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(deliveries(noc, "?status=sent").size(), 0u);
  EXPECT_EQ(noc.get("/api/v1/mail-deliveries?status=lost").status, 400);
  EXPECT_EQ(noc.get("/api/v1/mail-deliveries?cursor=not-a-cursor").status, 400);

  ApiClient ana = signed_in("ana@acme.test", kPassword);
  EXPECT_EQ(ana.get("/api/v1/mail-deliveries").status, 403);
  EXPECT_EQ(ana.post("/api/v1/mail-deliveries/" + id + "/retry").status, 403);
  ApiClient support = signed_in("support@provider.test", kPassword);
  EXPECT_EQ(deliveries(support, "?status=failed").size(), 1u) << "every provider role may look";
  EXPECT_EQ(support.post("/api/v1/mail-deliveries/" + id + "/retry").status, 403)
      << "retrying is for NOC engineers and provider admins";
  EXPECT_EQ(noc.post("/api/v1/mail-deliveries/999999/retry").status, 404);
  EXPECT_EQ(noc.post("/api/v1/mail-deliveries/" + id + "/retry", {{"resend", true}}).status, 400);

  sink_.start();
  ApiResponse retried =
      noc.post("/api/v1/mail-deliveries/" + id + "/retry", {{"reason", "mail server fixed"}});
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(retried.json["status"], "pending");
  EXPECT_EQ(retried.json["attempts"], 0);
  ASSERT_TRUE(sink_.wait_for(1, std::chrono::seconds(20))) << sink_.log();
  expect_no_more_than(1);
  EXPECT_EQ(deliveries(noc)[0]["status"], "sent");
  EXPECT_EQ(noc.post("/api/v1/mail-deliveries/" + id + "/retry").status, 409)
      << "a sent message is not sent again";
  ApiResponse trail = noc.get("/api/v1/audit?entity_type=mail_delivery&entity_id=" + id);
  ASSERT_EQ(trail.status, 200) << trail.body;
  ASSERT_EQ(trail.json["items"].size(), 1u);
  EXPECT_EQ(trail.json["items"][0]["action"], "retry");
  EXPECT_EQ(trail.json["items"][0]["reason"], "mail server fixed");
}

TEST_P(NotificationsMailTest, PreferencesAreTheCallersOwnAndDecideWhatIsSent) {
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  ApiResponse initial = ana.get("/api/v1/notification-preferences");
  ASSERT_EQ(initial.status, 200) << initial.body;
  ASSERT_EQ(initial.json["preferences"].size(), 7u);
  EXPECT_EQ(initial.json["preferences"][0],
            (nlohmann::json{{"category", "tickets"}, {"email", true}, {"portal", true}}));

  ApiResponse bad =
      ana.put("/api/v1/notification-preferences",
              {{"preferences",
                {{{"category", "weather"}, {"email", false}, {"portal", true}},
                 {{"category", "noc"}, {"email", "no"}},
                 {{"category", "billing"}, {"email", true}, {"portal", true}, {"sms", true}}}}});
  ASSERT_EQ(bad.status, 400) << bad.body;
  std::set<std::string> pointers;
  for (const auto& error : bad.json["errors"])
    pointers.insert(error["pointer"]);
  EXPECT_EQ(pointers, (std::set<std::string>{"/preferences/0/category", "/preferences/1/email",
                                             "/preferences/1/portal", "/preferences/2/sms"}));
  ApiResponse twice = ana.put("/api/v1/notification-preferences",
                              {{"preferences",
                                {{{"category", "noc"}, {"email", false}, {"portal", true}},
                                 {{"category", "noc"}, {"email", true}, {"portal", true}}}}});
  EXPECT_EQ(twice.status, 400) << twice.body;
  EXPECT_EQ(ana.get("/api/v1/notification-preferences").json, initial.json)
      << "a refused change stores nothing";

  ApiResponse stored = ana.put(
      "/api/v1/notification-preferences",
      {{"preferences", {{{"category", "maintenance"}, {"email", false}, {"portal", true}}}}});
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(stored.json["preferences"][1],
            (nlohmann::json{{"category", "maintenance"}, {"email", false}, {"portal", true}}));
  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  EXPECT_EQ(bob.get("/api/v1/notification-preferences").json, initial.json);

  sink_.start();
  NotificationRecipients to;
  to.user_ids = {ana_, bob_};
  notify(maintenance_notice(), to);
  ASSERT_TRUE(sink_.wait_for(1, std::chrono::seconds(20)));
  expect_no_more_than(1);
  EXPECT_EQ(sink_.messages()[0].rcpt_to, std::vector<std::string>{"bob@bravo.test"});
  ApiResponse portal = ana.get("/api/v1/notifications");
  EXPECT_EQ(portal.json["items"].size(), 1u) << "portal still on";
}

TEST_P(NotificationsMailTest, ReadingMarksOwnAndRoleNotificationsPerReader) {
  NotificationRecipients to;
  to.user_ids = {ana_};
  to.roles = {Role::kNocEngineer};
  notify(maintenance_notice(), to);
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  ApiClient noc1 = signed_in("noc1@provider.test", kPassword);
  ApiClient noc2 = signed_in("noc2@provider.test", kPassword);
  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  const auto own = ana.get("/api/v1/notifications").json["items"][0];
  const auto role = noc1.get("/api/v1/notifications").json["items"][0];
  const std::string own_id = std::to_string(own["id"].get<long long>());
  const std::string role_id = std::to_string(role["id"].get<long long>());
  EXPECT_TRUE(own["read_at"].is_null());

  EXPECT_EQ(bob.post("/api/v1/notifications/" + own_id + "/read").status, 404);
  EXPECT_EQ(bob.post("/api/v1/notifications/" + role_id + "/read").status, 404);
  EXPECT_EQ(ana.post("/api/v1/notifications/" + role_id + "/read").status, 404);
  EXPECT_EQ(ana.post("/api/v1/notifications/abc/read").status, 404);
  EXPECT_EQ(ana.post("/api/v1/notifications/" + own_id + "/read").status, 204);
  EXPECT_TRUE(ana.get("/api/v1/notifications").json["items"][0]["read_at"].is_string());

  EXPECT_EQ(noc1.post("/api/v1/notifications/" + role_id + "/read").status, 204);
  EXPECT_EQ(noc1.post("/api/v1/notifications/" + role_id + "/read").status, 204);
  EXPECT_TRUE(noc1.get("/api/v1/notifications").json["items"][0]["read_at"].is_string());
  EXPECT_TRUE(noc2.get("/api/v1/notifications").json["items"][0]["read_at"].is_null())
      << "a role notification is read per person";
}

INSTANTIATE_TEST_SUITE_P(Stores, NotificationsMailTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing
