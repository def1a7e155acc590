// Exactly-once mail across a restart of the real `candela portal` process: rows still pending
// and rows left in `sending` by an interrupted portal are sent by the next one, each once, with
// the Message-ID fixed at queue time (so the one unavoidable duplicate — sent, then the portal
// died before recording it — carries the same Message-ID and the receiver can drop it).
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <fstream>
#include <map>

#include "control/database.hpp"
#include "control/mail_message.hpp"
#include "control/mail_outbox.hpp"
#include "control/mail_transport.hpp"
#include "control/notifier.hpp"
#include "support/candela_processes.hpp"
#include "support/eventually.hpp"
#include "support/smtp_sink.hpp"

namespace candela::testing {
namespace {

using control::NotificationCategory;

const control::NotificationTemplate kNotice{"ticket.updated", NotificationCategory::kTickets,
                                            "{{reference}} updated", "Ticket {{reference}}.\n"};

class NotificationsRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_.path() + "/admin-password") << "a long admin password\n";
  }
  void TearDown() override { stop_portal(); }

  std::string db_url() const { return "sqlite://" + dir_.path() + "/portal.db"; }

  void start_portal(const std::vector<std::string>& extra) {
    std::vector<std::string> args{candela_binary(),
                                  "portal",
                                  "--listen",
                                  "127.0.0.1:" + std::to_string(port_),
                                  "--db",
                                  db_url(),
                                  "--master-key-file",
                                  dir_.path() + "/master.key",
                                  "--threads",
                                  "4",
                                  "--bootstrap-admin-email",
                                  "admin@provider.test",
                                  "--bootstrap-admin-password-file",
                                  dir_.path() + "/admin-password"};
    args.insert(args.end(), extra.begin(), extra.end());
    ++runs_;
    portal_ = std::make_unique<ChildProcess>(
        args, dir_.path() + "/portal-" + std::to_string(runs_) + ".log");
    ASSERT_TRUE(wait_for_port(port_, std::chrono::seconds(20))) << "the portal did not start";
  }
  void stop_portal() {
    if (portal_) {
      EXPECT_EQ(portal_->stop(), 0) << "the portal should stop cleanly on SIGTERM";
    }
    portal_.reset();
  }

  void open_store() {
    auto db = control::Database::open(db_url());
    ASSERT_TRUE(db.ok()) << db.error();
    db_ = std::move(db).value();
  }

  void notify(const std::string& reference, control::NotificationRecipients to) {
    control::Notice notice;
    notice.tmpl = &kNotice;
    notice.values = {{"reference", reference}};
    notice.entity_type = "ticket";
    notice.entity_id = reference;
    auto receipt = db_->with_transaction([&](soci::session& s) {
      return control::Notifier(s, SystemClock::instance()).notify(notice, to);
    });
    ASSERT_TRUE(receipt.ok()) << receipt.error();
  }

  // status, attempts, last_error and message_id by address.
  struct Row {
    std::string status;
    int attempts = 0;
    std::string last_error;
    std::string message_id;
  };
  std::map<std::string, Row> rows() {
    auto read = db_->with_session([&](soci::session& s) -> Result<std::map<std::string, Row>> {
      std::map<std::string, Row> out;
      std::string to;
      Row row;
      soci::statement st = (s.prepare << "SELECT to_address, status, attempts, last_error,"
                                         " message_id FROM mail_outbox",
                            soci::into(to), soci::into(row.status), soci::into(row.attempts),
                            soci::into(row.last_error), soci::into(row.message_id));
      st.execute();
      while (st.fetch())
        out[to] = row;
      return out;
    });
    EXPECT_TRUE(read.ok()) << read.error();
    return read.ok() ? read.value() : std::map<std::string, Row>{};
  }

  TempDir dir_;
  int port_ = free_port();
  int runs_ = 0;
  std::unique_ptr<ChildProcess> portal_;
  std::unique_ptr<control::Database> db_;
  SmtpSink sink_{0, /*start_now=*/false};
};

TEST_F(NotificationsRestartTest, PendingAndInterruptedMailIsSentOnceByTheNextPortal) {
  // First portal: no SMTP server configured, so mail waits.
  ASSERT_NO_FATAL_FAILURE(start_portal({}));
  ASSERT_NO_FATAL_FAILURE(open_store());
  control::NotificationRecipients first;
  first.emails = {"a@shop.test", "b@shop.test"};
  first.roles = {control::Role::kProviderAdmin};
  ASSERT_NO_FATAL_FAILURE(notify("TKT-2026-000001", first));
  ASSERT_TRUE(eventually([&] {
    auto now = rows();
    return now.size() == 3 && now["a@shop.test"].last_error == "no SMTP server configured";
  })) << "the first portal should note why nothing is sent";
  EXPECT_EQ(rows()["admin@provider.test"].status, "pending");
  stop_portal();

  // A portal that claimed all three and died while sending: b was delivered, a and the admin's
  // were not, and no outcome was recorded. It died more than the claim lease ago.
  sink_.start();
  auto claimed = db_->with_transaction([&](soci::session& s) {
    return control::MailOutbox(s, SystemClock::instance()).claim_due(10, std::chrono::minutes(5));
  });
  ASSERT_TRUE(claimed.ok()) << claimed.error();
  ASSERT_EQ(claimed->size(), 3u);
  for (const auto& mail : *claimed) {
    if (mail.to != "b@shop.test") continue;
    control::MailMessage message{"noc@candela.test", mail.to,         mail.subject,    mail.body,
                                 mail.created_at,    mail.message_id, mail.attachments};
    auto outcome = control::SmtpTransport(sink_.url(), std::chrono::seconds(10))
                       .send("noc@candela.test", mail.to, control::build_mime_message(message));
    ASSERT_TRUE(outcome.delivered) << outcome.error;
  }
  auto aged = db_->with_session([&](soci::session& s) -> Result<int> {
    s << "UPDATE mail_outbox SET claimed_at = claimed_at - 600000 WHERE status = 'sending'";
    return 0;
  });
  ASSERT_TRUE(aged.ok()) << aged.error();
  control::NotificationRecipients later;
  later.emails = {"d@shop.test"};
  ASSERT_NO_FATAL_FAILURE(notify("TKT-2026-000002", later));
  ASSERT_EQ(sink_.count(), 1u);

  // The next portal, now with an SMTP server.
  ASSERT_NO_FATAL_FAILURE(
      start_portal({"--smtp-url", sink_.url(), "--mail-from", "noc@candela.test"}));
  ASSERT_TRUE(sink_.wait_for(5, std::chrono::seconds(30))) << sink_.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  EXPECT_EQ(sink_.count(), 5u) << "one copy each, plus the one sent before the crash";

  const auto stored = rows();
  std::map<std::string, int> copies;
  for (const auto& mail : sink_.messages()) {
    ASSERT_EQ(mail.rcpt_to.size(), 1u);
    const std::string& to = mail.rcpt_to[0];
    ++copies[to];
    EXPECT_EQ(mail.message_id, stored.at(to).message_id) << to;
    EXPECT_EQ(mail.headers.at("From"), "noc@candela.test");
    const std::string reference = to == "d@shop.test" ? "TKT-2026-000002" : "TKT-2026-000001";
    EXPECT_EQ(mail.subject, reference + " updated");
    EXPECT_EQ(mail.text, "Ticket " + reference + ".\n") << "a single-part body arrives as written";
  }
  EXPECT_EQ(
      copies,
      (std::map<std::string, int>{
          {"a@shop.test", 1}, {"b@shop.test", 2}, {"admin@provider.test", 1}, {"d@shop.test", 1}}))
      << "only the message sent just before the crash arrives twice, with one Message-ID";
  for (const auto& [to, row] : stored) {
    EXPECT_EQ(row.status, "sent") << to;
    if (to == "d@shop.test") {
      EXPECT_EQ(row.attempts, 1);
    } else {
      EXPECT_EQ(row.attempts, 2) << to;
      EXPECT_NE(row.last_error.find("interrupted"), std::string::npos) << row.last_error;
    }
  }

  // Another restart sends nothing again.
  stop_portal();
  ASSERT_NO_FATAL_FAILURE(
      start_portal({"--smtp-url", sink_.url(), "--mail-from", "noc@candela.test"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  EXPECT_EQ(sink_.count(), 5u);
}

TEST_F(NotificationsRestartTest, BadMailFlagsStopThePortalWithAClearMessage) {
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--mail-from", "not an address"},
        std::vector<std::string>{"--smtp-url", "http://127.0.0.1:25"}}) {
    std::vector<std::string> args{
        candela_binary(), "portal", "--listen",          "127.0.0.1:" + std::to_string(port_),
        "--db",           db_url(), "--master-key-file", dir_.path() + "/master.key"};
    args.insert(args.end(), flags.begin(), flags.end());
    const std::string log = dir_.path() + "/bad.log";
    ChildProcess portal(args, log);
    EXPECT_NE(portal.wait_for_exit(std::chrono::seconds(20)), -1) << flags[0];
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find(flags[0]), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace candela::testing
