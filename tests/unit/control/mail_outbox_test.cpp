// The mail outbox on SQLite and PostgreSQL: claims, backoff, give-up, interrupted attempts,
// concurrent claimers, staff listing and retry, and a delivery run through a fake transport.
#include "control/mail_outbox.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "control/mail_delivery.hpp"
#include "control/mail_encoding.hpp"
#include "notification_store_test.hpp"

namespace candela::control {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const MailRetryPolicy kPolicy{seconds(30), minutes(60), 3};

// Records what it was asked to send; fails while `failing` (permanently when `permanent`).
class FakeTransport final : public MailTransport {
 public:
  MailSendOutcome send(const std::string& from, const std::string& to,
                       const std::string& message) override {
    std::lock_guard lock(mutex);
    attempts.push_back({from, to, message});
    if (failing) return {false, permanent, permanent ? "SMTP 550: no such mailbox" : "refused"};
    return {true, false, ""};
  }
  struct Sent {
    std::string from, to, message;
  };
  std::mutex mutex;
  std::vector<Sent> attempts;
  bool failing = false;
  bool permanent = false;
};

class MailOutboxTest : public NotificationStoreTest {
 protected:
  long long enqueue(const std::string& to, std::vector<MailAttachment> attachments = {},
                    const std::string& entity_id = "TKT-2026-000001") {
    OutboxMessage message;
    message.to = to;
    message.subject = "Subject for " + to;
    message.body = "Body\n";
    message.template_id = "ticket.created";
    message.category = NotificationCategory::kTickets;
    message.entity_type = "ticket";
    message.entity_id = entity_id;
    message.attachments = std::move(attachments);
    auto id = tx([&](soci::session& s) { return MailOutbox(s, clock_).enqueue(message); });
    EXPECT_TRUE(id.ok()) << id.error();
    return id.ok() ? id.value() : -1;
  }

  std::vector<ClaimedMail> claim(int limit = 10, seconds lease = minutes(5)) {
    auto claimed =
        tx([&](soci::session& s) { return MailOutbox(s, clock_).claim_due(limit, lease); });
    EXPECT_TRUE(claimed.ok()) << claimed.error();
    return claimed.ok() ? claimed.value() : std::vector<ClaimedMail>{};
  }

  std::optional<MailStatus> fail(const ClaimedMail& mail, bool permanent = false) {
    auto status = tx([&](soci::session& s) {
      return MailOutbox(s, clock_).mark_failed(mail.id, mail.claim_token, "connection refused",
                                               permanent, kPolicy);
    });
    EXPECT_TRUE(status.ok()) << status.error();
    return status.ok() ? status.value() : std::nullopt;
  }

  MailDelivery get(long long id) {
    auto row = tx([&](soci::session& s) { return MailOutbox(s, clock_).get(id); });
    EXPECT_TRUE(row.ok()) << row.error();
    return row.ok() ? row.value() : MailDelivery{};
  }

  Result<MailDeliveryRun> deliver(MailTransport* transport) {
    MailDeliverySettings settings;
    settings.from = "noc@candela.test";
    settings.retry = kPolicy;
    return deliver_due_mail(*db_, clock_, transport, settings);
  }
};

TEST_P(MailOutboxTest, AClaimTakesDueRowsOnceAndCountsTheAttempt) {
  const long long a = enqueue("a@shop.test");
  const long long b = enqueue("b@shop.test");
  auto first = claim(1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].id, a);
  EXPECT_EQ(first[0].attempts, 1);
  EXPECT_FALSE(first[0].resumed);
  EXPECT_EQ(first[0].to, "a@shop.test");
  EXPECT_EQ(first[0].message_id, get(a).message_id);
  EXPECT_EQ(get(a).status, MailStatus::kSending);
  auto rest = claim();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, b);
  EXPECT_TRUE(claim().empty()) << "rows being sent are not claimed again";

  auto sent = tx([&](soci::session& s) {
    return MailOutbox(s, clock_).mark_sent(first[0].id, first[0].claim_token);
  });
  ASSERT_TRUE(sent.ok());
  EXPECT_TRUE(sent.value());
  const MailDelivery row = get(a);
  EXPECT_EQ(row.status, MailStatus::kSent);
  EXPECT_EQ(row.sent_at, clock_.now());
  auto stale = tx([&](soci::session& s) {
    return MailOutbox(s, clock_).mark_sent(rest[0].id, "not the token");
  });
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(stale.value()) << "only the claimer records the outcome";
  EXPECT_EQ(get(b).status, MailStatus::kSending);
}

TEST_P(MailOutboxTest, FailuresBackOffExponentiallyAndGiveUpAfterTheLastAttempt) {
  const long long id = enqueue("a@shop.test");
  auto mail = claim();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(fail(mail[0]), MailStatus::kPending);
  EXPECT_EQ(get(id).next_attempt_at, clock_.now() + seconds(30));
  EXPECT_EQ(get(id).last_error, "connection refused");
  clock_.advance(seconds(29));
  EXPECT_TRUE(claim().empty()) << "not before the backoff";
  clock_.advance(seconds(1));
  mail = claim();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].attempts, 2);
  EXPECT_EQ(fail(mail[0]), MailStatus::kPending);
  EXPECT_EQ(get(id).next_attempt_at, clock_.now() + seconds(60));
  clock_.advance(seconds(60));
  mail = claim();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(fail(mail[0]), MailStatus::kFailed) << "third of three attempts";
  clock_.advance(minutes(120));
  EXPECT_TRUE(claim().empty()) << "failed rows stay failed";
  EXPECT_EQ(get(id).attempts, 3);
}

TEST_P(MailOutboxTest, APermanentRefusalFailsAtOnce) {
  const long long id = enqueue("nobody@shop.test");
  auto mail = claim();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(fail(mail[0], /*permanent=*/true), MailStatus::kFailed);
  EXPECT_EQ(get(id).attempts, 1);
}

TEST_P(MailOutboxTest, AnInterruptedAttemptIsResumedAfterTheLeaseWithTheSameMessageId) {
  const long long id = enqueue("a@shop.test");
  auto first = claim(10, minutes(5));
  ASSERT_EQ(first.size(), 1u);
  // The portal stops here: no outcome is ever recorded for this claim.
  clock_.advance(minutes(4));
  EXPECT_TRUE(claim(10, minutes(5)).empty()) << "within the lease the row may still be sending";
  clock_.advance(minutes(1));
  auto resumed = claim(10, minutes(5));
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_TRUE(resumed[0].resumed);
  EXPECT_EQ(resumed[0].message_id, first[0].message_id);
  EXPECT_EQ(resumed[0].attempts, 2);
  EXPECT_NE(resumed[0].claim_token, first[0].claim_token);
  EXPECT_NE(get(id).last_error.find("interrupted"), std::string::npos);
  auto late = tx([&](soci::session& s) {
    return MailOutbox(s, clock_).mark_sent(first[0].id, first[0].claim_token);
  });
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late.value()) << "the old claim no longer counts";
}

TEST_P(MailOutboxTest, ConcurrentClaimersNeverShareARow) {
  constexpr int kRows = 24;
  for (int i = 0; i < kRows; ++i)
    enqueue("user" + std::to_string(i) + "@shop.test");
  std::mutex mutex;
  std::multiset<long long> claimed;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 10; ++round) {
        auto rows = db_->with_transaction(
            [&](soci::session& s) { return MailOutbox(s, clock_).claim_due(2, minutes(5)); });
        if (!rows.ok()) continue;  // a conflict that ran out of retries claims nothing
        std::lock_guard lock(mutex);
        for (const auto& row : rows.value())
          claimed.insert(row.id);
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  std::set<long long> distinct(claimed.begin(), claimed.end());
  EXPECT_EQ(distinct.size(), claimed.size()) << "a row was claimed twice";
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE status = 'sending'"),
            static_cast<long long>(claimed.size()));
}

TEST_P(MailOutboxTest, AttachmentsComeBackByteForByte) {
  std::string binary;
  for (int i = 0; i < 256; ++i)
    binary.push_back(static_cast<char>(i));
  enqueue("a@shop.test", {{"MNT-2026-000001.ics", "text/calendar; method=REQUEST", "BEGIN:X\r\n"},
                          {"blob.bin", "application/octet-stream", binary}});
  auto mail = claim();
  ASSERT_EQ(mail.size(), 1u);
  ASSERT_EQ(mail[0].attachments.size(), 2u);
  EXPECT_EQ(mail[0].attachments[0].filename, "MNT-2026-000001.ics");
  EXPECT_EQ(mail[0].attachments[0].content_type, "text/calendar; method=REQUEST");
  EXPECT_EQ(mail[0].attachments[0].content, "BEGIN:X\r\n");
  EXPECT_EQ(mail[0].attachments[1].content, binary);
}

TEST_P(MailOutboxTest, StaffListWithFiltersAndPagesCustomersAreRefused) {
  const long long a = enqueue("a@shop.test", {}, "TKT-2026-000001");
  const long long b = enqueue("b@shop.test", {}, "TKT-2026-000002");
  const long long c = enqueue("c@shop.test", {}, "TKT-2026-000002");
  auto mail = claim(1);
  ASSERT_EQ(mail.size(), 1u);
  fail(mail[0], /*permanent=*/true);  // a: failed
  auto list = [&](const Principal& who, const MailDeliveryFilter& filter,
                  std::optional<long long> before = std::nullopt, int limit = 50) {
    return tx(
        [&](soci::session& s) { return MailOutbox(s, clock_).list(who, filter, before, limit); });
  };
  auto all = list(as(support_), {});
  ASSERT_TRUE(all.ok()) << all.error();
  ASSERT_EQ(all->items.size(), 3u);
  EXPECT_EQ(all->items[0].id, c) << "newest first";
  auto failed = list(as(noc_), {MailStatus::kFailed, std::nullopt, std::nullopt});
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->items.size(), 1u);
  EXPECT_EQ(failed->items[0].id, a);
  EXPECT_EQ(failed->items[0].last_error, "connection refused");
  auto second_ticket =
      list(as(staff_), {std::nullopt, std::string("ticket"), std::string("TKT-2026-000002")});
  ASSERT_TRUE(second_ticket.ok());
  EXPECT_EQ(second_ticket->items.size(), 2u);
  auto page1 = list(as(staff_), {}, std::nullopt, 2);
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->items.size(), 2u);
  ASSERT_TRUE(page1->next_before.has_value());
  auto page2 = list(as(staff_), {}, page1->next_before, 2);
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->items.size(), 1u);
  EXPECT_EQ(page2->items[0].id, a);
  EXPECT_FALSE(page2->next_before.has_value());
  EXPECT_EQ(list(as(acme_admin_), {}).error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(list(as(staff_), {}, std::nullopt, 0).error_kind(), ErrorKind::kInvalid);
  (void)b;
}

TEST_P(MailOutboxTest, OnlyAdminsAndNocEngineersRetryAndOnlyFailedRows) {
  const long long id = enqueue("a@shop.test");
  const long long pending = enqueue("b@shop.test");
  auto mail = claim(1);
  ASSERT_EQ(mail.size(), 1u);
  fail(mail[0], /*permanent=*/true);
  auto retry = [&](const Principal& who, long long row) {
    return tx([&](soci::session& s) { return MailOutbox(s, clock_).retry(who, row, "fixed"); });
  };
  EXPECT_EQ(retry(as(acme_admin_), id).error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(retry(as(support_), id).error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(retry(as(noc_), pending).error_kind(), ErrorKind::kConflict);
  EXPECT_EQ(retry(as(noc_), 999999).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(get(id).status, MailStatus::kFailed);
  clock_.advance(minutes(10));
  auto retried = retry(as(noc_), id);
  ASSERT_TRUE(retried.ok()) << retried.error();
  EXPECT_EQ(retried->status, MailStatus::kPending);
  EXPECT_EQ(retried->attempts, 0);
  EXPECT_EQ(retried->next_attempt_at, clock_.now());
  EXPECT_EQ(audit_count("mail_delivery", std::to_string(id)), 1);
  auto again = claim();
  EXPECT_EQ(again.size(), 2u) << "the retried row is due again";
}

TEST_P(MailOutboxTest, ADeliveryRunSendsBuildsAndRecords) {
  const long long a = enqueue("a@shop.test", {{"x.ics", "text/calendar", "BEGIN:X\r\n"}});
  const long long b = enqueue("b@shop.test");
  FakeTransport transport;
  auto run = deliver(&transport);
  ASSERT_TRUE(run.ok()) << run.error();
  EXPECT_EQ(run->sent, 2);
  ASSERT_EQ(transport.attempts.size(), 2u);
  EXPECT_EQ(transport.attempts[0].from, "noc@candela.test");
  EXPECT_EQ(transport.attempts[0].to, "a@shop.test");
  const std::string& message = transport.attempts[0].message;
  EXPECT_NE(message.find("Message-ID: " + get(a).message_id + "\r\n"), std::string::npos);
  EXPECT_NE(message.find("From: noc@candela.test\r\n"), std::string::npos);
  EXPECT_NE(message.find("multipart/mixed"), std::string::npos);
  EXPECT_EQ(get(a).status, MailStatus::kSent);
  EXPECT_EQ(get(b).status, MailStatus::kSent);
  auto idle = deliver(&transport);
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(idle->sent, 0);
  EXPECT_EQ(transport.attempts.size(), 2u) << "sent rows are never sent again";
}

TEST_P(MailOutboxTest, ADeliveryRunDefersFailuresAndWaitsWithoutATransport) {
  const long long id = enqueue("a@shop.test");
  auto waiting = deliver(nullptr);
  ASSERT_TRUE(waiting.ok()) << waiting.error();
  EXPECT_EQ(waiting->waiting, 1);
  EXPECT_EQ(get(id).status, MailStatus::kPending);
  EXPECT_EQ(get(id).attempts, 0);
  EXPECT_EQ(get(id).last_error, "no SMTP server configured");

  FakeTransport transport;
  transport.failing = true;
  auto run = deliver(&transport);
  ASSERT_TRUE(run.ok()) << run.error();
  EXPECT_EQ(run->deferred, 1);
  EXPECT_EQ(get(id).last_error, "refused");
  auto early = deliver(&transport);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(transport.attempts.size(), 1u) << "nothing is due during the backoff";
  clock_.advance(seconds(30));
  transport.failing = false;
  auto later = deliver(&transport);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->sent, 1);
  EXPECT_EQ(transport.attempts[0].message, transport.attempts[1].message)
      << "a retry sends the same bytes (same Message-ID and Date)";
}

INSTANTIATE_TEST_SUITE_P(Stores, MailOutboxTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
