// Fixture for the notification service's store tests: the identity fixture's tenancy plus CDN
// support technicians, and helpers to count and read what the notifier stored.
#pragma once

#include <soci/soci.h>

#include <string>
#include <vector>

#include "control/mail_outbox.hpp"
#include "control/notifier.hpp"
#include "identity_store_test.hpp"

namespace candela::control {

inline const NotificationTemplate kTestTicketNotice{
    "ticket.created", NotificationCategory::kTickets, "{{reference}} opened: {{subject}}",
    "Ticket {{reference}} was opened.\nSubject: {{subject}}\n"};

class NotificationStoreTest : public IdentityStoreTest {
 protected:
  void SetUp() override {
    IdentityStoreTest::SetUp();
    if (HasFatalFailure()) return;
    support_ = user("support@provider.example", {{Role::kCdnSupportTechnician, std::nullopt}});
    support2_ = user("support2@provider.example", {{Role::kCdnSupportTechnician, std::nullopt}});
  }

  Notice ticket_notice(const std::string& reference = "TKT-2026-000001") {
    Notice notice;
    notice.tmpl = &kTestTicketNotice;
    notice.values = {{"reference", reference}, {"subject", "Site down"}};
    notice.entity_type = "ticket";
    notice.entity_id = reference;
    return notice;
  }

  Result<NotifyReceipt> notify(const Notice& notice, const NotificationRecipients& to) {
    return tx([&](soci::session& s) { return Notifier(s, clock_).notify(notice, to); });
  }

  long long count(const std::string& sql) {
    auto n = tx([&](soci::session& s) -> Result<long long> {
      long long value = -1;
      s << sql, soci::into(value);
      return value;
    });
    EXPECT_TRUE(n.ok()) << n.error();
    return n.ok() ? n.value() : -1;
  }

  // Outbox addresses in id order.
  std::vector<std::string> outbox_addresses() {
    auto rows = tx([&](soci::session& s) -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      std::string address;
      soci::statement st =
          (s.prepare << "SELECT to_address FROM mail_outbox ORDER BY id", soci::into(address));
      st.execute();
      while (st.fetch())
        out.push_back(address);
      return out;
    });
    EXPECT_TRUE(rows.ok()) << rows.error();
    return rows.ok() ? rows.value() : std::vector<std::string>{};
  }

  void set_disabled(long long user_id) {
    auto done = tx([&](soci::session& s) -> Result<int> {
      s << "UPDATE users SET disabled = 1 WHERE id = :id", soci::use(user_id);
      return 0;
    });
    ASSERT_TRUE(done.ok()) << done.error();
  }

  long long support_ = 0, support2_ = 0;
};

}  // namespace candela::control
