// AuditLog: records carry the injected clock's time, commit with the caller, page in order.
#include "control/audit_log.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "store_test.hpp"

namespace candela::control {
namespace {

const SysTime kStart = kStoreTestStart;

class AuditLogTest : public StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_store(/*migrate=*/true));
    auto user = db_->with_transaction([](soci::session& s) -> Result<long long> {
      long long id = 0;
      s << "INSERT INTO users (name, email, created_at) VALUES ('Ann', 'ann@x.test', 0)"
           " RETURNING id",
          soci::into(id);
      return id;
    });
    ASSERT_TRUE(user.ok()) << user.error();
    user_id_ = user.value();
  }

  Result<long long> append(const AuditEntry& entry) {
    return db_->with_transaction(
        [&](soci::session& s) { return AuditLog(s, clock_).append(entry); });
  }

  Result<AuditPage> list(const std::string& type, const std::string& id, long long after,
                         int limit) {
    return db_->with_session([&](soci::session& s) {
      return AuditLog(s, clock_).list_for_entity(type, id, after, limit);
    });
  }

  AuditEntry order_transition(const std::string& to) {
    AuditEntry entry;
    entry.actor_user_id = user_id_;
    entry.entity_type = "order";
    entry.entity_id = "ORD-2026-000001";
    entry.action = "transition";
    entry.to_state = to;
    entry.reason = "moved to " + to;
    return entry;
  }

  long long user_id_ = 0;
};

TEST_P(AuditLogTest, RecordsWhoWhenWhatAndWhy) {
  AuditEntry entry = order_transition("approved");
  entry.from_state = "submitted";
  entry.mimicked_by = user_id_;
  entry.actor_key_id = "AK1";
  entry.details = R"({"ticket":"TKT-2026-000007"})";
  clock_.advance(std::chrono::milliseconds(1500));
  auto id = append(entry);
  ASSERT_TRUE(id.ok()) << id.error();
  auto page = list("order", "ORD-2026-000001", 0, 10);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page->records.size(), 1u);
  const AuditRecord& record = page->records[0];
  EXPECT_EQ(record.id, id.value());
  EXPECT_EQ(to_epoch_ms(record.at), to_epoch_ms(kStart) + 1500);
  EXPECT_EQ(record.entry.actor_user_id, user_id_);
  EXPECT_EQ(record.entry.mimicked_by, user_id_);
  EXPECT_EQ(record.entry.actor_key_id, "AK1");
  EXPECT_EQ(record.entry.action, "transition");
  EXPECT_EQ(record.entry.from_state, "submitted");
  EXPECT_EQ(record.entry.to_state, "approved");
  EXPECT_EQ(record.entry.reason, "moved to approved");
  EXPECT_EQ(record.entry.details, R"({"ticket":"TKT-2026-000007"})");
  EXPECT_FALSE(page->next_after_id.has_value());
}

TEST_P(AuditLogTest, AbsentFieldsStayAbsent) {
  AuditEntry entry;
  entry.entity_type = "configuration";
  entry.entity_id = "ABCDEFGH1/3";
  entry.action = "create";
  ASSERT_TRUE(append(entry).ok());
  auto page = list("configuration", "ABCDEFGH1/3", 0, 10);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_FALSE(page->records[0].entry.actor_user_id.has_value());
  EXPECT_FALSE(page->records[0].entry.actor_key_id.has_value());
  EXPECT_FALSE(page->records[0].entry.mimicked_by.has_value());
  EXPECT_FALSE(page->records[0].entry.from_state.has_value());
  EXPECT_FALSE(page->records[0].entry.to_state.has_value());
  EXPECT_EQ(page->records[0].entry.details, "{}");
}

TEST_P(AuditLogTest, PagesThroughOneEntityOldestFirst) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(append(order_transition("state" + std::to_string(i))).ok());
    AuditEntry other = order_transition("elsewhere");
    other.entity_id = "ORD-2026-000002";
    ASSERT_TRUE(append(other).ok());
    clock_.advance(std::chrono::seconds(1));
  }
  std::vector<std::string> seen;
  long long after = 0;
  std::vector<std::size_t> sizes;
  for (;;) {
    auto page = list("order", "ORD-2026-000001", after, 3);
    ASSERT_TRUE(page.ok()) << page.error();
    sizes.push_back(page->records.size());
    for (const auto& record : page->records)
      seen.push_back(*record.entry.to_state);
    if (!page->next_after_id) break;
    after = *page->next_after_id;
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{3, 3, 1}));
  ASSERT_EQ(seen.size(), 7u);
  for (int i = 0; i < 7; ++i)
    EXPECT_EQ(seen[i], "state" + std::to_string(i));
}

TEST_P(AuditLogTest, RecordRollsBackWithTheCallersTransaction) {
  Status status = db_->with_transaction([&](soci::session& s) -> Status {
    auto id = AuditLog(s, clock_).append(order_transition("approved"));
    if (!id.ok()) return Error{id.error()};
    return Error{"the change itself failed"};
  });
  ASSERT_FALSE(status.ok());
  auto page = list("order", "ORD-2026-000001", 0, 10);
  ASSERT_TRUE(page.ok()) << page.error();
  EXPECT_TRUE(page->records.empty());
}

TEST_P(AuditLogTest, RejectsIncompleteEntriesAndBadPageSizes) {
  AuditEntry missing_action = order_transition("x");
  missing_action.action.clear();
  EXPECT_FALSE(append(missing_action).ok());
  AuditEntry bad_details = order_transition("x");
  bad_details.details = "[1, 2]";
  auto bad = append(bad_details);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("must be a JSON object"), std::string::npos) << bad.error();
  EXPECT_FALSE(list("order", "ORD-2026-000001", 0, 0).ok());
  EXPECT_FALSE(list("order", "ORD-2026-000001", 0, AuditLog::kMaxPageSize + 1).ok());
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, AuditLogTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace candela::control
