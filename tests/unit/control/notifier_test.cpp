// Notifier on SQLite and PostgreSQL: portal rows per preference, one mail per distinct address,
// role recipients expanded to enabled role holders, dedupe keys, nothing stored on error.
#include "control/notifier.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "control/notification_preferences.hpp"
#include "control/notifications.hpp"
#include "notification_store_test.hpp"

namespace candela::control {
namespace {

class NotifierTest : public NotificationStoreTest {
 protected:
  void prefer(long long user_id, NotificationCategory category, bool email, bool portal) {
    const Principal who = as(user_id);  // before the transaction: SQLite has one writer
    auto stored = tx([&](soci::session& s) {
      return NotificationPreferences(s, clock_).update(who, {{category, email, portal}});
    });
    ASSERT_TRUE(stored.ok()) << stored.error();
  }

  std::vector<Notification> portal_of(long long user_id) {
    const Principal who = as(user_id);
    auto page = tx([&](soci::session& s) {
      return Notifications(s, clock_).list_for(who, std::nullopt, 100);
    });
    EXPECT_TRUE(page.ok()) << page.error();
    return page.ok() ? page->notifications : std::vector<Notification>{};
  }
};

TEST_P(NotifierTest, StoresPortalRowsAndOneMailPerDistinctAddress) {
  NotificationRecipients to;
  to.user_ids = {uk_tech_, acme_admin_, uk_tech_};
  to.roles = {Role::kCdnSupportTechnician, Role::kCdnSupportTechnician};
  to.emails = {"Contact@Shop.test", "contact@shop.test", "ADMIN@acme.example"};
  auto receipt = notify(ticket_notice(), to);
  ASSERT_TRUE(receipt.ok()) << receipt.error();
  EXPECT_EQ(receipt->portal_rows, 3) << "two users and one row for the role";
  EXPECT_EQ(receipt->emails_queued, 5);
  EXPECT_EQ(outbox_addresses(),
            (std::vector<std::string>{"tech@acme.example", "admin@acme.example",
                                      "support@provider.example", "support2@provider.example",
                                      "Contact@Shop.test"}));

  const auto mine = portal_of(uk_tech_);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].subject, "TKT-2026-000001 opened: Site down");
  EXPECT_EQ(mine[0].body, "Ticket TKT-2026-000001 was opened.\nSubject: Site down\n");
  EXPECT_EQ(mine[0].category, NotificationCategory::kTickets);
  EXPECT_EQ(mine[0].template_id, "ticket.created");
  EXPECT_EQ(mine[0].entity_type, "ticket");
  EXPECT_EQ(mine[0].entity_id, "TKT-2026-000001");
  const auto support = portal_of(support_);
  ASSERT_EQ(support.size(), 1u);
  EXPECT_EQ(support[0].recipient_role, Role::kCdnSupportTechnician);
  EXPECT_TRUE(portal_of(beta_admin_).empty());

  const Principal staff = as(staff_);
  auto listed =
      tx([&](soci::session& s) { return MailOutbox(s, clock_).list(staff, {}, std::nullopt, 50); });
  ASSERT_TRUE(listed.ok()) << listed.error();
  ASSERT_EQ(listed->items.size(), 5u);
  const std::regex message_id("<outbox-([0-9]+)\\.[0-9a-f]{16}@candela>");
  for (const auto& mail : listed->items) {
    std::smatch match;
    ASSERT_TRUE(std::regex_match(mail.message_id, match, message_id)) << mail.message_id;
    EXPECT_EQ(match[1].str(), std::to_string(mail.id));
    EXPECT_EQ(mail.status, MailStatus::kPending);
    EXPECT_EQ(mail.attempts, 0);
    EXPECT_EQ(mail.next_attempt_at, clock_.now());
    EXPECT_EQ(mail.subject, "TKT-2026-000001 opened: Site down");
    EXPECT_EQ(mail.template_id, "ticket.created");
    EXPECT_EQ(mail.category, NotificationCategory::kTickets);
    EXPECT_EQ(mail.entity_id, "TKT-2026-000001");
  }
}

TEST_P(NotifierTest, PreferencesChooseTheChannelsPerCategory) {
  prefer(uk_tech_, NotificationCategory::kTickets, /*email=*/false, /*portal=*/true);
  prefer(acme_admin_, NotificationCategory::kTickets, /*email=*/true, /*portal=*/false);
  prefer(support_, NotificationCategory::kTickets, /*email=*/false, /*portal=*/false);
  prefer(support2_, NotificationCategory::kMaintenance, /*email=*/false, /*portal=*/false);
  NotificationRecipients to;
  to.user_ids = {uk_tech_, acme_admin_};
  to.roles = {Role::kCdnSupportTechnician};
  auto receipt = notify(ticket_notice(), to);
  ASSERT_TRUE(receipt.ok()) << receipt.error();
  EXPECT_EQ(outbox_addresses(),
            (std::vector<std::string>{"admin@acme.example", "support2@provider.example"}))
      << "email off: no mail; another category's choice does not apply";
  EXPECT_EQ(portal_of(uk_tech_).size(), 1u);
  EXPECT_TRUE(portal_of(acme_admin_).empty()) << "portal off: no row";
  EXPECT_EQ(receipt->portal_rows, 2);
  EXPECT_EQ(receipt->emails_queued, 2);
}

TEST_P(NotifierTest, DisabledUsersAreNeitherMailedNorShownAnything) {
  ASSERT_NO_FATAL_FAILURE(set_disabled(uk_tech_));
  ASSERT_NO_FATAL_FAILURE(set_disabled(support2_));
  NotificationRecipients to;
  to.user_ids = {uk_tech_};
  to.roles = {Role::kCdnSupportTechnician};
  auto receipt = notify(ticket_notice(), to);
  ASSERT_TRUE(receipt.ok()) << receipt.error();
  EXPECT_EQ(outbox_addresses(), (std::vector<std::string>{"support@provider.example"}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications WHERE recipient_user_id IS NOT NULL"), 0);
}

TEST_P(NotifierTest, ASecondNoticeWithTheSameDedupeKeyIsANoOp) {
  NotificationRecipients to;
  to.user_ids = {uk_tech_};
  Notice notice = ticket_notice();
  notice.dedupe_key = "ticket.created:TKT-2026-000001";
  auto first = notify(notice, to);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->emails_queued, 1);
  auto again = notify(notice, to);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again->portal_rows, 0);
  EXPECT_EQ(again->emails_queued, 0);
  notice.dedupe_key = "ticket.created:TKT-2026-000002";
  auto other = notify(notice, to);
  ASSERT_TRUE(other.ok()) << other.error();
  EXPECT_EQ(other->emails_queued, 1);
  Notice no_key = ticket_notice();
  ASSERT_TRUE(notify(no_key, to).ok());
  ASSERT_TRUE(notify(no_key, to).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox"), 4) << "no key: every call counts";
}

TEST_P(NotifierTest, AMissingValueStoresNothingAtAll) {
  NotificationRecipients to;
  to.user_ids = {uk_tech_};
  to.roles = {Role::kCdnSupportTechnician};
  Notice notice = ticket_notice();
  notice.values.erase("subject");
  notice.dedupe_key = "k";
  auto receipt = notify(notice, to);
  ASSERT_FALSE(receipt.ok());
  EXPECT_EQ(receipt.error_kind(), ErrorKind::kInternal);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notification_dedupe"), 0);
}

TEST_P(NotifierTest, BadRecipientsAreRefusedBeforeAnythingIsStored) {
  NotificationRecipients bad_address;
  bad_address.user_ids = {uk_tech_};
  bad_address.emails = {"ops@shop.test>\r\nRCPT TO:<victim@example.test"};
  auto refused = notify(ticket_notice(), bad_address);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);

  NotificationRecipients customer_role;
  customer_role.roles = {Role::kAdmin};
  EXPECT_EQ(notify(ticket_notice(), customer_role).error_kind(), ErrorKind::kInternal);

  NotificationRecipients ghost;
  ghost.user_ids = {999999};
  EXPECT_EQ(notify(ticket_notice(), ghost).error_kind(), ErrorKind::kInternal);

  Notice no_template = ticket_notice();
  no_template.tmpl = nullptr;
  EXPECT_EQ(notify(no_template, bad_address).error_kind(), ErrorKind::kInternal);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox"), 0);
}

TEST_P(NotifierTest, ALongSubjectIsShortenedForThePortalOnly) {
  NotificationRecipients to;
  to.user_ids = {uk_tech_};
  Notice notice = ticket_notice();
  std::string subject;
  while (subject.size() < 300)
    subject += "Zoë's café ";
  notice.values["subject"] = subject;
  ASSERT_TRUE(notify(notice, to).ok());
  const auto rows = portal_of(uk_tech_);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_LE(rows[0].subject.size(), 200u);
  EXPECT_TRUE(rows[0].subject.ends_with("...")) << rows[0].subject;
  const Principal staff = as(staff_);
  auto listed =
      tx([&](soci::session& s) { return MailOutbox(s, clock_).list(staff, {}, std::nullopt, 50); });
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].subject, "TKT-2026-000001 opened: " + subject);
}

TEST_P(NotifierTest, CategoryNamesRoundTrip) {
  for (NotificationCategory category : all_notification_categories()) {
    EXPECT_EQ(parse_notification_category(notification_category_name(category)), category);
  }
  EXPECT_EQ(all_notification_categories().size(), 7u);
  EXPECT_EQ(notification_category_name(NotificationCategory::kNoc), "noc");
  EXPECT_FALSE(parse_notification_category("Tickets").has_value());
}

INSTANTIATE_TEST_SUITE_P(Stores, NotifierTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
