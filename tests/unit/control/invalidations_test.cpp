// Invalidations on SQLite and PostgreSQL: stored with their feed event and audit record, scoped
// to the customer's access groups, completed by the acknowledgements of every active edge, and
// reported to the requester and support when still open after 12 hours.
#include "control/invalidations.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "control/audit_log.hpp"
#include "control/edge_registry.hpp"
#include "control/feed.hpp"
#include "control/notifications.hpp"
#include "store_test.hpp"

namespace candela::control {
namespace {

using nlohmann::json;

const std::string kScid = "8VVGPXYB0";
const std::string kDocument = R"({"scid": "8VVGPXYB0", "properties": [
  {"id": "www", "primary_alias": "www.shop.test", "origin": {"host": "origin.shop.test"}},
  {"id": "img", "primary_alias": "img.shop.test", "origin": {"host": "origin.shop.test"}}]})";

class InvalidationsTest : public StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_store(/*migrate=*/true));
    const long long shop = add_group("shop");
    const long long other = add_group("other");
    technical_ = principal("tech@shop.test", Role::kTechnical, shop);
    reader_ = principal("reader@shop.test", Role::kReadOnly, shop);
    stranger_ = principal("admin@other.test", Role::kAdmin, other);
    support_ = principal("support@provider.test", Role::kCdnSupportTechnician, std::nullopt);
    admin_ = principal("admin@provider.test", Role::kProviderAdmin, std::nullopt);
    run<int>([&](soci::session& s) -> Result<int> {
      const long long now = to_epoch_ms(clock_.now());
      long long customer = 0;
      s << "INSERT INTO customers (customer_number, name, country, created_at)"
           " VALUES ('C-1', 'Shop', 'GB', :t) RETURNING id",
          soci::use(now), soci::into(customer);
      s << "INSERT INTO services (scid, state, access_group_id, customer_id, created_at,"
           " updated_at) VALUES (:scid, 'active', :g, :c, :t, :t2)",
          soci::use(kScid), soci::use(shop), soci::use(customer), soci::use(now), soci::use(now);
      s << "INSERT INTO configurations (scid, version, document, created_at)"
           " VALUES (:scid, 1, :doc, :t)",
          soci::use(kScid), soci::use(kDocument), soci::use(now);
      auto sequence = Feed(s, clock_).append("deployment", json{{"scid", kScid}});
      if (!sequence.ok()) return Error{sequence.failure()};
      s << "INSERT INTO deployments (scid, version, environment, requested_at, feed_sequence)"
           " VALUES (:scid, 1, 'production', :t, :seq)",
          soci::use(kScid), soci::use(now), soci::use(sequence.value());
      return 0;
    });
    for (const char* id : {"edge-a", "edge-b", "edge-c"})
      add_edge(id);
  }

  template <typename T>
  T run(const std::function<Result<T>(soci::session&)>& fn) {
    auto result = db_->with_transaction(fn);
    EXPECT_TRUE(result.ok()) << result.error();
    return result.ok() ? result.value() : T{};
  }

  long long add_group(const std::string& name) {
    return run<long long>([&](soci::session& s) -> Result<long long> {
      long long id = 0;
      const long long now = to_epoch_ms(clock_.now());
      s << "INSERT INTO access_groups (name, created_at) VALUES (:n, :t) RETURNING id",
          soci::use(name), soci::use(now), soci::into(id);
      return id;
    });
  }

  Principal principal(const std::string& email, Role role, std::optional<long long> group) {
    Principal p;
    p.email = email;
    p.grants = {{role, group}};
    p.user_id = run<long long>([&](soci::session& s) -> Result<long long> {
      long long id = 0;
      const long long now = to_epoch_ms(clock_.now());
      s << "INSERT INTO users (name, email, created_at) VALUES (:n, :e, :t) RETURNING id",
          soci::use(email), soci::use(email), soci::use(now), soci::into(id);
      return id;
    });
    return p;
  }

  void add_edge(const std::string& id) {
    auto created = db_->with_transaction([&](soci::session& s) {
      return EdgeRegistry(s, clock_, random_)
          .create(admin_,
                  NewEdge{id, "lon1", "127.0.0.1:80", EdgeRole::kEdge, EdgeNetwork::kProduction});
    });
    ASSERT_TRUE(created.ok()) << created.error();
  }

  Result<Invalidation> request(const Principal& who, InvalidationKind kind,
                               std::vector<std::string> values) {
    InvalidationRequest r;
    r.kind = kind;
    r.values = std::move(values);
    return db_->with_transaction(
        [&](soci::session& s) { return Invalidations(s, clock_).request(who, kScid, r); });
  }

  // Acknowledges as the ack handler does: the ack and the completion check in one transaction.
  bool acknowledge(const std::string& edge, long long sequence, AckStatus status) {
    auto completed = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      auto ack = EdgeRegistry(s, clock_, random_).acknowledge(edge, sequence, status, "");
      if (!ack.ok()) return Error{ack.failure()};
      return Invalidations(s, clock_).complete_if_applied(sequence);
    });
    EXPECT_TRUE(completed.ok()) << completed.error();
    return completed.ok() && completed.value();
  }

  Result<InvalidationStatus> get(const Principal& who, long long id) {
    return db_->with_session(
        [&](soci::session& s) { return Invalidations(s, clock_).get(who, id); });
  }

  long long count(const std::string& sql) {
    return run<long long>([&](soci::session& s) -> Result<long long> {
      long long n = -1;
      s << sql, soci::into(n);
      return n;
    });
  }

  std::vector<Notification> notifications_of(const Principal& who) {
    auto page = db_->with_session(
        [&](soci::session& s) { return Notifications(s, clock_).list_for(who, std::nullopt, 50); });
    EXPECT_TRUE(page.ok()) << page.error();
    return page.ok() ? page->notifications : std::vector<Notification>{};
  }

  SeededRandom random_{7};
  Principal technical_, reader_, stranger_, support_, admin_;
};

TEST_P(InvalidationsTest, ARequestIsStoredWithItsFeedEventAndAuditRecord) {
  auto stored = request(technical_, InvalidationKind::kUrl,
                        {"https://www.shop.test/a.jpg", "https://img.shop.test/b.png?v=2"});
  ASSERT_TRUE(stored.ok()) << stored.error();
  EXPECT_EQ(stored->scid, kScid);
  EXPECT_EQ(stored->requested_by, technical_.user_id);
  EXPECT_EQ(stored->requested_at, clock_.now());
  EXPECT_FALSE(stored->completed_at.has_value());
  ASSERT_EQ(stored->targets.size(), 2u);

  auto events = db_->with_session([&](soci::session& s) { return Feed(s, clock_).after(1, 10); });
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events.value()[0].sequence, stored->feed_sequence);
  EXPECT_EQ(events.value()[0].kind, "invalidation");
  EXPECT_EQ(events.value()[0].payload,
            (json{{"invalidation_id", stored->id},
                  {"scid", kScid},
                  {"kind", "url"},
                  {"mode", "hard"},
                  {"targets",
                   {{{"property_id", "8VVGPXYB0.www"}, {"values", {"/a.jpg"}}},
                    {{"property_id", "8VVGPXYB0.img"}, {"values", {"/b.png?v=2"}}}}}}));

  auto trail = db_->with_session([&](soci::session& s) {
    return AuditLog(s, clock_).list_for_entity("invalidation", std::to_string(stored->id));
  });
  ASSERT_TRUE(trail.ok());
  ASSERT_EQ(trail->records.size(), 1u);
  EXPECT_EQ(trail->records[0].entry.action, "request");
  EXPECT_EQ(trail->records[0].entry.actor_user_id, technical_.user_id);
}

TEST_P(InvalidationsTest, ABadRequestStoresNothing) {
  auto refused = request(technical_, InvalidationKind::kUrl,
                         {"https://www.shop.test/a", "https://evil.test/"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  EXPECT_EQ(refused.failure().fields.at(0).first, "/values/1");
  EXPECT_EQ(count("SELECT COUNT(*) FROM invalidations"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feed_events WHERE kind = 'invalidation'"), 0);
}

TEST_P(InvalidationsTest, TenancyAndRolesAreEnforced) {
  auto stranger = request(stranger_, InvalidationKind::kTag, {"sale"});
  EXPECT_EQ(stranger.error_kind(), ErrorKind::kNotFound);
  auto reader = request(reader_, InvalidationKind::kTag, {"sale"});
  EXPECT_EQ(reader.error_kind(), ErrorKind::kForbidden);
  auto support = request(support_, InvalidationKind::kTag, {"sale"});
  ASSERT_TRUE(support.ok()) << support.error();

  EXPECT_TRUE(get(reader_, support->id).ok());
  EXPECT_EQ(get(stranger_, support->id).error_kind(), ErrorKind::kNotFound);
  auto listed = db_->with_session([&](soci::session& s) {
    return Invalidations(s, clock_).list(stranger_, kScid, std::nullopt, 10);
  });
  EXPECT_EQ(listed.error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(get(admin_, support->id + 100).error_kind(), ErrorKind::kNotFound);
}

TEST_P(InvalidationsTest, CompleteWhenTheLastActiveEdgeHasApplied) {
  auto stored = request(technical_, InvalidationKind::kPattern, {"/img/*"});
  ASSERT_TRUE(stored.ok()) << stored.error();
  const long long sequence = stored->feed_sequence;
  EXPECT_FALSE(acknowledge("edge-a", sequence, AckStatus::kApplied));
  EXPECT_FALSE(acknowledge("edge-b", sequence, AckStatus::kFailed)) << "a failure is not done";
  EXPECT_FALSE(get(admin_, stored->id)->invalidation.completed_at.has_value());

  auto status = get(technical_, stored->id);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->edges.size(), 3u);
  EXPECT_EQ(status->edges[0].status, AckStatus::kApplied);
  EXPECT_EQ(status->edges[1].status, AckStatus::kFailed);
  EXPECT_FALSE(status->edges[2].status.has_value());

  // edge-b failed; taking it out of service leaves edge-c, whose ack completes the request.
  auto deactivated = db_->with_transaction([&](soci::session& s) -> Result<int> {
    EdgeChange change;
    change.active = false;
    auto updated = EdgeRegistry(s, clock_, random_).update(admin_, "edge-b", change);
    if (!updated.ok()) return Error{updated.failure()};
    return Invalidations(s, clock_).complete_all_applied();
  });
  ASSERT_TRUE(deactivated.ok()) << deactivated.error();
  EXPECT_EQ(deactivated.value(), 0);
  clock_.advance(std::chrono::seconds(2));
  EXPECT_TRUE(acknowledge("edge-c", sequence, AckStatus::kApplied));
  EXPECT_EQ(get(admin_, stored->id)->invalidation.completed_at, clock_.now());
  EXPECT_FALSE(acknowledge("edge-c", sequence, AckStatus::kApplied)) << "completes only once";
}

TEST_P(InvalidationsTest, DeactivatingTheLastPendingEdgeCompletesIt) {
  auto stored = request(technical_, InvalidationKind::kTag, {"sale"});
  ASSERT_TRUE(stored.ok());
  acknowledge("edge-a", stored->feed_sequence, AckStatus::kApplied);
  acknowledge("edge-b", stored->feed_sequence, AckStatus::kApplied);
  auto completed = db_->with_transaction([&](soci::session& s) -> Result<int> {
    EdgeChange change;
    change.active = false;
    auto updated = EdgeRegistry(s, clock_, random_).update(admin_, "edge-c", change);
    if (!updated.ok()) return Error{updated.failure()};
    return Invalidations(s, clock_).complete_all_applied();
  });
  ASSERT_TRUE(completed.ok()) << completed.error();
  EXPECT_EQ(completed.value(), 1);
  EXPECT_TRUE(get(admin_, stored->id)->invalidation.completed_at.has_value());
}

TEST_P(InvalidationsTest, WithNoActiveEdgeARequestIsCompleteAtOnce) {
  run<int>([&](soci::session& s) -> Result<int> {
    s << "UPDATE edges SET active = 0";
    return 0;
  });
  auto stored = request(technical_, InvalidationKind::kTag, {"sale"});
  ASSERT_TRUE(stored.ok()) << stored.error();
  EXPECT_EQ(stored->completed_at, clock_.now());
}

TEST_P(InvalidationsTest, OpenAfterTwelveHoursNotifiesTheRequesterAndSupportOnce) {
  auto stored = request(technical_, InvalidationKind::kTag, {"sale"});
  ASSERT_TRUE(stored.ok());
  acknowledge("edge-a", stored->feed_sequence, AckStatus::kApplied);
  auto done = request(technical_, InvalidationKind::kTag, {"other"});
  ASSERT_TRUE(done.ok());
  for (const char* edge : {"edge-a", "edge-b", "edge-c"})
    acknowledge(edge, done->feed_sequence, AckStatus::kApplied);

  auto notify = [&] {
    return db_->with_transaction([&](soci::session& s) {
      return Invalidations(s, clock_).notify_overdue("http://portal.test");
    });
  };
  clock_.advance(std::chrono::hours(12) - std::chrono::seconds(1));
  ASSERT_EQ(notify().value(), 0);
  EXPECT_TRUE(notifications_of(technical_).empty());
  clock_.advance(std::chrono::seconds(1));
  ASSERT_EQ(notify().value(), 1);

  auto mine = notifications_of(technical_);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].recipient_user_id, technical_.user_id);
  EXPECT_EQ(mine[0].entity_type, "invalidation");
  EXPECT_EQ(mine[0].entity_id, std::to_string(stored->id));
  EXPECT_NE(mine[0].subject.find("not complete after 12 hours"), std::string::npos);
  EXPECT_NE(mine[0].body.find("applied by 1 of 3 active edges"), std::string::npos) << mine[0].body;
  EXPECT_NE(mine[0].body.find("edge-b, edge-c"), std::string::npos);
  EXPECT_NE(mine[0].body.find("http://portal.test/services/8VVGPXYB0/invalidations/" +
                              std::to_string(stored->id)),
            std::string::npos);

  auto support = notifications_of(support_);
  ASSERT_EQ(support.size(), 1u);
  EXPECT_EQ(support[0].recipient_role, Role::kCdnSupportTechnician);
  EXPECT_TRUE(notifications_of(admin_).empty()) << "only the support role is told";
  EXPECT_TRUE(notifications_of(stranger_).empty());
  EXPECT_TRUE(notifications_of(reader_).empty());

  clock_.advance(std::chrono::hours(1));
  EXPECT_EQ(notify().value(), 0) << "reported once";
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications"), 2);
}

TEST_P(InvalidationsTest, ListIsNewestFirstAndPaged) {
  std::vector<long long> ids;
  for (const char* tag : {"a", "b", "c"}) {
    auto stored = request(technical_, InvalidationKind::kTag, {tag});
    ASSERT_TRUE(stored.ok());
    ids.push_back(stored->id);
  }
  auto list = [&](std::optional<long long> before) {
    return db_->with_session(
        [&](soci::session& s) { return Invalidations(s, clock_).list(reader_, kScid, before, 2); });
  };
  auto first = list(std::nullopt);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_EQ(first->invalidations.size(), 2u);
  EXPECT_EQ(first->invalidations[0].id, ids[2]);
  EXPECT_EQ(first->invalidations[0].values, (std::vector<std::string>{"c"}));
  EXPECT_EQ(first->invalidations[1].id, ids[1]);
  ASSERT_EQ(first->next_before, ids[1]);
  auto second = list(first->next_before);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->invalidations.size(), 1u);
  EXPECT_EQ(second->invalidations[0].id, ids[0]);
  EXPECT_FALSE(second->next_before.has_value());
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, InvalidationsTest,
                         ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace candela::control
