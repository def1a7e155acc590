// Services: staff create pending services with fresh SCIDs, customers reach only their groups'
// services, and the state lifecycle is enforced, audited and announced to the edges in the feed.
#include "control/services.hpp"

#include <gtest/gtest.h>

#include "control/audit_log.hpp"
#include "control/feed.hpp"
#include "service_fixture.hpp"

namespace candela::control {
namespace {

class ServicesTest : public ServiceStoreTest {
 protected:
  Result<Service> create(const Principal& p, const NewService& request) {
    return db_->with_transaction(
        [&](soci::session& s) { return Services(s, clock_).create(p, request, random_); });
  }
  Result<Service> get(const Principal& p, const std::string& scid, Action action = Action::kRead) {
    return db_->with_transaction(
        [&](soci::session& s) { return Services(s, clock_).get(p, scid, action); });
  }
  Result<ServicePage> list(const Principal& p, const ServiceQuery& query) {
    return db_->with_transaction(
        [&](soci::session& s) { return Services(s, clock_).list(p, query); });
  }
  Result<Service> change(const Principal& p, const std::string& scid, ServiceState to,
                         const std::string& reason = "because") {
    return db_->with_transaction(
        [&](soci::session& s) { return Services(s, clock_).change_state(p, scid, to, reason); });
  }
  Result<Service> apply(const std::string& scid, ServiceState to, const std::string& reason,
                        const std::string& actor,
                        std::optional<long long> actor_user_id = std::nullopt) {
    return db_->with_transaction([&](soci::session& s) {
      return Services(s, clock_).apply_state(scid, to, reason, actor, actor_user_id);
    });
  }
  std::vector<FeedEvent> feed_events() {
    auto events = db_->with_session(
        [&](soci::session& s) { return Feed(s, clock_).after(0, Feed::kMaxPageSize); });
    EXPECT_TRUE(events.ok()) << events.error();
    return events.ok() ? events.value() : std::vector<FeedEvent>{};
  }
  // A well-formed SCID that no service has.
  std::string valid_unused_scid() {
    SeededRandom other(7);
    return generate_scid(other);
  }
  Result<AuditPage> audit(const std::string& scid) {
    return db_->with_session([&](soci::session& s) {
      return AuditLog(s, clock_).list_for_entity("service", scid, 0, 50);
    });
  }
};

TEST_P(ServicesTest, StaffCreatePendingServiceWithValidScidAndAuditRecord) {
  clock_.advance(std::chrono::seconds(5));
  auto created = create(activation_, {acme_video_, "CUST-ACME", "order ORD-2026-000001"});
  ASSERT_TRUE(created.ok()) << created.error();
  EXPECT_TRUE(is_valid_scid(created->scid)) << created->scid;
  EXPECT_EQ(created->state, ServiceState::kPending);
  EXPECT_EQ(created->access_group_id, acme_video_);
  EXPECT_EQ(created->access_group_name, "Acme video");
  EXPECT_EQ(created->customer_number, "CUST-ACME");
  EXPECT_EQ(to_epoch_ms(created->created_at), to_epoch_ms(kStoreTestStart) + 5000);

  auto trail = audit(created->scid);
  ASSERT_TRUE(trail.ok()) << trail.error();
  ASSERT_EQ(trail->records.size(), 1u);
  EXPECT_EQ(trail->records[0].entry.action, "create");
  EXPECT_EQ(trail->records[0].entry.actor_user_id, activation_.user_id);
  EXPECT_EQ(trail->records[0].entry.to_state, "pending");
  EXPECT_EQ(trail->records[0].entry.reason, "order ORD-2026-000001");
}

TEST_P(ServicesTest, ATakenScidIsSkippedForAFreshOne) {
  SeededRandom twin(42);  // the same sequence the fixture's random_ will produce
  const std::string first_choice = generate_scid(twin);
  auto taken = db_->with_transaction([&](soci::session& s) -> Result<bool> {
    s << "INSERT INTO services (scid, access_group_id, customer_id, created_at, updated_at)"
         " SELECT :scid, :group, id, 0, 0 FROM customers WHERE customer_number = 'CUST-ACME'",
        soci::use(first_choice), soci::use(acme_);
    return true;
  });
  ASSERT_TRUE(taken.ok()) << taken.error();
  auto created = create(staff_, {acme_, "CUST-ACME", ""});
  ASSERT_TRUE(created.ok()) << created.error();
  EXPECT_NE(created->scid, first_choice);
  EXPECT_TRUE(is_valid_scid(created->scid));
  EXPECT_EQ(count("SELECT COUNT(*) FROM services"), 2);
}

TEST_P(ServicesTest, OnlyStaffWhoProvisionMayCreate) {
  for (const Principal* p : {&acme_admin_, &acme_technical_, &account_director_}) {
    auto refused = create(*p, {acme_, "CUST-ACME", ""});
    ASSERT_FALSE(refused.ok()) << p->name;
    EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden) << p->name;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM services"), 0);
}

TEST_P(ServicesTest, CreateReportsEveryBadFieldAtOnce) {
  auto refused = create(staff_, {9999, "CUST-NOPE", std::string(1001, 'x')});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  ASSERT_EQ(refused.failure().fields.size(), 3u) << refused.error();
  EXPECT_EQ(refused.failure().fields[0].first, "/access_group_id");
  EXPECT_EQ(refused.failure().fields[1].first, "/customer_number");
  EXPECT_NE(refused.failure().fields[1].second.find("CUST-NOPE"), std::string::npos);
  EXPECT_EQ(refused.failure().fields[2].first, "/reason");
  EXPECT_EQ(count("SELECT COUNT(*) FROM services"), 0);
}

TEST_P(ServicesTest, TheCustomerMustBelongToTheGroupsOrganisation) {
  auto refused = create(staff_, {acme_video_, "CUST-GLOBEX", ""});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  ASSERT_EQ(refused.failure().fields.size(), 1u);
  EXPECT_EQ(refused.failure().fields[0].first, "/customer_number");
  EXPECT_NE(refused.failure().fields[0].second.find("another organisation"), std::string::npos);
}

TEST_P(ServicesTest, CustomersSeeTheirGroupsServicesOnlyAndOthersLookAbsent) {
  const std::string acme = service(acme_, "CUST-ACME");
  const std::string video = service(acme_video_, "CUST-ACME");
  const std::string globex = service(globex_, "CUST-GLOBEX");

  EXPECT_TRUE(get(acme_read_only_, acme).ok());
  EXPECT_TRUE(get(acme_read_only_, video).ok()) << "roles reach child groups";
  EXPECT_TRUE(get(staff_, globex).ok());
  auto hidden = get(acme_admin_, globex);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error_kind(), ErrorKind::kNotFound);
  SeededRandom other(7);
  auto absent = get(acme_admin_, generate_scid(other));
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(hidden.error().substr(0, 8), absent.error().substr(0, 8));
  EXPECT_EQ(hidden.error().substr(17), absent.error().substr(17)) << "same words for both";
  auto narrower = get(video_technical_, acme);
  ASSERT_FALSE(narrower.ok());
  EXPECT_EQ(narrower.error_kind(), ErrorKind::kNotFound) << "a child's role does not reach up";

  auto read_only_configures = get(acme_read_only_, acme, Action::kConfigure);
  ASSERT_FALSE(read_only_configures.ok());
  EXPECT_EQ(read_only_configures.error_kind(), ErrorKind::kForbidden);
}

TEST_P(ServicesTest, MalformedScidIsInvalidNotMissing) {
  for (const char* bad : {"", "abc", "AB12CD34E5", "ab12cd34e", "OOOOOOOOO"}) {
    auto result = get(staff_, bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error_kind(), ErrorKind::kInvalid) << bad;
  }
}

TEST_P(ServicesTest, ListShowsVisibleServicesFilteredAndPaged) {
  const std::string a1 = service(acme_, "CUST-ACME");
  const std::string a2 = service(acme_, "CUST-ACME", ServiceState::kPending);
  const std::string v1 = service(acme_video_, "CUST-ACME");
  const std::string g1 = service(globex_, "CUST-GLOBEX");

  auto all = list(staff_, {});
  ASSERT_TRUE(all.ok()) << all.error();
  ASSERT_EQ(all->services.size(), 4u);
  for (std::size_t i = 1; i < all->services.size(); ++i)
    EXPECT_LT(all->services[i - 1].scid, all->services[i].scid);

  auto mine = list(acme_read_only_, {});
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->services.size(), 3u);
  for (const auto& s : mine->services)
    EXPECT_NE(s.scid, g1);

  auto video_only = list(video_technical_, {});
  ASSERT_TRUE(video_only.ok());
  ASSERT_EQ(video_only->services.size(), 1u);
  EXPECT_EQ(video_only->services[0].scid, v1);

  auto pending = list(acme_admin_, {ServiceState::kPending, std::nullopt, std::nullopt, 50});
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->services.size(), 1u);
  EXPECT_EQ(pending->services[0].scid, a2);

  auto subtree = list(staff_, {std::nullopt, acme_, std::nullopt, 50});
  ASSERT_TRUE(subtree.ok());
  EXPECT_EQ(subtree->services.size(), 3u) << "a group's filter includes its child groups";
  auto foreign = list(acme_admin_, {std::nullopt, globex_, std::nullopt, 50});
  ASSERT_TRUE(foreign.ok());
  EXPECT_TRUE(foreign->services.empty());

  std::vector<std::string> paged;
  ServiceQuery query;
  query.limit = 3;
  for (int guard = 0; guard < 5; ++guard) {
    auto page = list(staff_, query);
    ASSERT_TRUE(page.ok()) << page.error();
    for (const auto& s : page->services)
      paged.push_back(s.scid);
    if (!page->next_after) break;
    EXPECT_EQ(*page->next_after, page->services.back().scid);
    query.after_scid = page->next_after;
  }
  ASSERT_EQ(paged.size(), 4u);
  for (std::size_t i = 0; i < paged.size(); ++i)
    EXPECT_EQ(paged[i], all->services[i].scid);
  EXPECT_FALSE(list(staff_, {std::nullopt, std::nullopt, std::nullopt, 0}).ok());
  (void)a1;
}

TEST_P(ServicesTest, LifecycleMovesAlongAllowedTransitionsOnly) {
  const std::string scid = service(acme_, "CUST-ACME", ServiceState::kPending);
  auto bad = change(staff_, scid, ServiceState::kSuspended);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error_kind(), ErrorKind::kConflict);
  EXPECT_NE(bad.error().find("active, disconnected"), std::string::npos) << bad.error();

  for (ServiceState to : {ServiceState::kActive, ServiceState::kSuspended, ServiceState::kActive,
                          ServiceState::kDisconnected}) {
    clock_.advance(std::chrono::seconds(1));
    auto moved = change(activation_, scid, to, "step to " + std::string(service_state_name(to)));
    ASSERT_TRUE(moved.ok()) << moved.error();
    EXPECT_EQ(moved->state, to);
  }
  auto again = change(staff_, scid, ServiceState::kActive);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error_kind(), ErrorKind::kConflict);
  EXPECT_NE(again.error().find("final"), std::string::npos) << again.error();
  auto same = change(staff_, scid, ServiceState::kDisconnected);
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.error_kind(), ErrorKind::kConflict);

  auto trail = audit(scid);
  ASSERT_TRUE(trail.ok());
  ASSERT_EQ(trail->records.size(), 5u);
  const AuditEntry& last = trail->records.back().entry;
  EXPECT_EQ(last.action, "transition");
  EXPECT_EQ(last.from_state, "active");
  EXPECT_EQ(last.to_state, "disconnected");
  EXPECT_EQ(last.reason, "step to disconnected");
  EXPECT_EQ(last.actor_user_id, activation_.user_id);
}

TEST_P(ServicesTest, StateChangesNeedAReasonAndAProvisioningRole) {
  const std::string scid = service(acme_, "CUST-ACME", ServiceState::kPending);
  auto no_reason = change(staff_, scid, ServiceState::kActive, "  ");
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.error_kind(), ErrorKind::kInvalid);
  ASSERT_EQ(no_reason.failure().fields.size(), 1u);
  EXPECT_EQ(no_reason.failure().fields[0].first, "/reason");
  auto customer = change(acme_admin_, scid, ServiceState::kActive);
  ASSERT_FALSE(customer.ok());
  EXPECT_EQ(customer.error_kind(), ErrorKind::kForbidden);
  auto stranger = change(globex_admin_, scid, ServiceState::kActive);
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error_kind(), ErrorKind::kNotFound);
  auto still = get(staff_, scid);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->state, ServiceState::kPending);
}

TEST_P(ServicesTest, EveryStateChangeIsAFeedEventInItsTransaction) {
  const std::string scid = service(acme_, "CUST-ACME", ServiceState::kPending);
  auto before = feed_events();
  auto moved = db_->with_transaction([&](soci::session& s) -> Result<long long> {
    Services services(s, clock_);
    auto changed = services.change_state(activation_, scid, ServiceState::kActive, "order done");
    if (!changed.ok()) return Error{changed.failure()};
    if (!services.last_feed_sequence()) return Error{"no feed sequence"};
    return *services.last_feed_sequence();
  });
  ASSERT_TRUE(moved.ok()) << moved.error();
  auto events = feed_events();
  ASSERT_EQ(events.size(), before.size() + 1);
  EXPECT_EQ(events.back().sequence, moved.value());
  EXPECT_EQ(events.back().kind, "service_state");
  EXPECT_EQ(events.back().payload,
            (nlohmann::json{{"scid", scid}, {"state", "active"}, {"reason", "order done"}}));

  // Refused changes announce nothing; one rolled back with its transaction neither.
  EXPECT_FALSE(change(staff_, scid, ServiceState::kPending).ok());
  EXPECT_FALSE(change(acme_admin_, scid, ServiceState::kSuspended).ok());
  auto rolled_back = db_->with_transaction([&](soci::session& s) -> Result<Service> {
    auto changed = Services(s, clock_).change_state(staff_, scid, ServiceState::kSuspended, "x");
    if (!changed.ok()) return changed;
    return Error{"the caller's next step failed"};
  });
  ASSERT_FALSE(rolled_back.ok());
  EXPECT_EQ(feed_events().size(), events.size());
  auto still = get(staff_, scid);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->state, ServiceState::kActive);
}

TEST_P(ServicesTest, ApplyStateNeedsNoPrincipalAndIsAuditedWithItsActor) {
  const std::string scid = service(acme_, "CUST-ACME", ServiceState::kActive);
  const auto events_before = feed_events().size();
  clock_.advance(std::chrono::seconds(3));
  auto suspended = apply(scid, ServiceState::kSuspended, "non-payment: INV-2026-000001",
                         "collections", std::nullopt);
  ASSERT_TRUE(suspended.ok()) << suspended.error();
  EXPECT_EQ(suspended->state, ServiceState::kSuspended);
  auto restored = apply(scid, ServiceState::kActive, "paid", "Bea Billing", activation_.user_id);
  ASSERT_TRUE(restored.ok()) << restored.error();
  EXPECT_EQ(restored->state, ServiceState::kActive);

  auto trail = audit(scid);
  ASSERT_TRUE(trail.ok());
  ASSERT_GE(trail->records.size(), 2u);
  const AuditEntry& job = trail->records[trail->records.size() - 2].entry;
  EXPECT_EQ(job.action, "transition");
  EXPECT_EQ(job.from_state, "active");
  EXPECT_EQ(job.to_state, "suspended");
  EXPECT_EQ(job.reason, "non-payment: INV-2026-000001");
  EXPECT_FALSE(job.actor_user_id.has_value()) << "a job is no user";
  EXPECT_EQ(nlohmann::json::parse(job.details)["actor"], "collections");
  const AuditEntry& user = trail->records.back().entry;
  EXPECT_EQ(user.actor_user_id, activation_.user_id);
  EXPECT_EQ(nlohmann::json::parse(user.details)["actor"], "Bea Billing");

  auto events = feed_events();
  ASSERT_EQ(events.size(), events_before + 2);
  EXPECT_EQ(
      events[events.size() - 2].payload,
      (nlohmann::json{
          {"scid", scid}, {"state", "suspended"}, {"reason", "non-payment: INV-2026-000001"}}));
  EXPECT_EQ(events.back().payload,
            (nlohmann::json{{"scid", scid}, {"state", "active"}, {"reason", "paid"}}));
}

TEST_P(ServicesTest, ApplyStateAgainChangesNothing) {
  const std::string scid = service(acme_, "CUST-ACME", ServiceState::kSuspended);
  const auto events_before = feed_events().size();
  const auto audit_before = audit(scid)->records.size();
  auto same = db_->with_transaction([&](soci::session& s) -> Result<Service> {
    Services services(s, clock_);
    auto result = services.apply_state(scid, ServiceState::kSuspended, "non-payment: INV-1",
                                       "collections", std::nullopt);
    if (result.ok() && services.last_feed_sequence()) return Error{"an event was appended"};
    return result;
  });
  ASSERT_TRUE(same.ok()) << same.error();
  EXPECT_EQ(same->state, ServiceState::kSuspended);
  EXPECT_EQ(feed_events().size(), events_before);
  EXPECT_EQ(audit(scid)->records.size(), audit_before);
}

TEST_P(ServicesTest, ApplyStateRefusesWhatTheLifecycleOrTheInputDoesNotAllow) {
  const std::string pending = service(acme_, "CUST-ACME", ServiceState::kPending);
  const std::string gone = service(acme_, "CUST-ACME", ServiceState::kDisconnected);
  const auto events_before = feed_events().size();

  auto not_yet = apply(pending, ServiceState::kSuspended, "non-payment", "collections");
  ASSERT_FALSE(not_yet.ok());
  EXPECT_EQ(not_yet.error_kind(), ErrorKind::kConflict);
  auto final_state = apply(gone, ServiceState::kActive, "paid", "collections");
  ASSERT_FALSE(final_state.ok());
  EXPECT_EQ(final_state.error_kind(), ErrorKind::kConflict);
  EXPECT_NE(final_state.error().find("final"), std::string::npos) << final_state.error();
  auto no_reason = apply(pending, ServiceState::kActive, " ", "orders");
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.error_kind(), ErrorKind::kInvalid);
  ASSERT_EQ(no_reason.failure().fields.size(), 1u);
  EXPECT_EQ(no_reason.failure().fields[0].first, "/reason");
  auto same_no_reason = apply(gone, ServiceState::kDisconnected, "", "contracts");
  ASSERT_FALSE(same_no_reason.ok()) << "the reason is checked even when nothing would change";
  EXPECT_EQ(same_no_reason.error_kind(), ErrorKind::kInvalid);
  auto too_long = apply(pending, ServiceState::kActive,
                        std::string(Services::kMaxReasonLength + 1, 'x'), "orders");
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error_kind(), ErrorKind::kInvalid);
  auto unknown = apply(valid_unused_scid(), ServiceState::kActive, "go", "orders");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error_kind(), ErrorKind::kNotFound);
  auto malformed = apply("NOT-A-SCID", ServiceState::kActive, "go", "orders");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error_kind(), ErrorKind::kInvalid);

  EXPECT_EQ(feed_events().size(), events_before);
  EXPECT_EQ(get(staff_, pending)->state, ServiceState::kPending);
  EXPECT_EQ(get(staff_, gone)->state, ServiceState::kDisconnected);
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, ServicesTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace candela::control
