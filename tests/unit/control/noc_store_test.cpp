// NOC monitors, event listing and the dashboard on SQLite and PostgreSQL: tokens stored only as
// hashes and refused once revoked; staff-only reading; edge health from last_seen; open tickets
// by severity.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "control/noc_dashboard.hpp"
#include "control/noc_events.hpp"
#include "noc_fixture.hpp"

namespace candela::control {
namespace {

class NocReadingTest : public NocStoreTest {
 protected:
  Result<NocMonitor> authenticate(const std::string& token) {
    return db_->with_transaction(
        [&](soci::session& s) { return NocMonitors(s, clock_, random_).authenticate(token); });
  }
  Result<NocDashboard> dashboard(const Principal& who) {
    return db_->with_session(
        [&](soci::session& s) { return noc_dashboard(s, clock_, random_, who); });
  }
  void set_last_seen(const std::string& edge, std::optional<SysTime> at) {
    const long long ms = at ? to_epoch_ms(*at) : 0;
    soci::indicator ind = at ? soci::i_ok : soci::i_null;
    ASSERT_TRUE(db_->with_session([&](soci::session& s) -> Result<bool> {
                     s << "UPDATE edges SET last_seen = :t WHERE edge_id = :e", soci::use(ms, ind),
                         soci::use(edge);
                     return true;
                   })
                    .ok());
  }
};

TEST_P(NocReadingTest, AMonitorTokenIsStoredOnlyAsAHashAndStopsWorkingWhenRevoked) {
  ASSERT_EQ(monitor_token_.size(), 43u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM noc_monitors WHERE token_hash = '" + monitor_token_ + "'"),
            0);
  auto known = authenticate(monitor_token_);
  ASSERT_TRUE(known.ok()) << known.error();
  EXPECT_EQ(known->monitor_id, "monitor-1");
  EXPECT_TRUE(known->last_used_at.has_value());
  std::string wrong = monitor_token_;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {wrong, std::string("short"), std::string(43, '!'), std::string()}) {
    auto refused = authenticate(bad);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error_kind(), ErrorKind::kUnauthorized);
  }
  auto revoked = db_->with_transaction([&](soci::session& s) {
    return NocMonitors(s, clock_, random_).revoke(staff_, "monitor-1");
  });
  ASSERT_TRUE(revoked.ok()) << revoked.error();
  EXPECT_TRUE(revoked->revoked_at.has_value());
  auto after = authenticate(monitor_token_);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error_kind(), ErrorKind::kUnauthorized);
  auto twice = db_->with_transaction([&](soci::session& s) {
    return NocMonitors(s, clock_, random_).revoke(staff_, "monitor-1");
  });
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error_kind(), ErrorKind::kConflict);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'noc_monitor'"
                  " AND action IN ('create', 'revoke')"),
            2);
}

TEST_P(NocReadingTest, MonitorsAreManagedByProviderAdminsWithLocatedErrors) {
  auto create = [&](const Principal& who, const std::string& id, const std::string& text) {
    return db_->with_transaction(
        [&](soci::session& s) { return NocMonitors(s, clock_, random_).create(who, id, text); });
  };
  auto duplicate = create(staff_, "monitor-1", "");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error_kind(), ErrorKind::kConflict);
  auto invalid = create(staff_, "Bad Id!", "tab\there");
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error_kind(), ErrorKind::kInvalid);
  ASSERT_EQ(invalid.failure().fields.size(), 2u);
  EXPECT_EQ(invalid.failure().fields[0].first, "/monitor_id");
  EXPECT_EQ(invalid.failure().fields[1].first, "/description");
  for (const Principal* who : {&noc_engineer_, &acme_admin_}) {
    auto refused = create(*who, "monitor-2", "");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM noc_monitors"), 1);
  // NOC engineers see the monitors, a page at a time; customers do not.
  ASSERT_TRUE(create(staff_, "monitor-2", "second").ok());
  ASSERT_TRUE(create(staff_, "monitor-3", "third").ok());
  auto list = [&](const Principal& who, std::optional<std::string> after, int limit) {
    return db_->with_session(
        [&](soci::session& s) { return NocMonitors(s, clock_, random_).list(who, after, limit); });
  };
  auto first = list(noc_engineer_, std::nullopt, 2);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_EQ(first->monitors.size(), 2u);
  EXPECT_EQ(first->monitors[0].description, "test monitor");
  EXPECT_EQ(first->next_after, "monitor-2");
  auto rest = list(noc_engineer_, first->next_after, 2);
  ASSERT_TRUE(rest.ok()) << rest.error();
  ASSERT_EQ(rest->monitors.size(), 1u);
  EXPECT_EQ(rest->monitors[0].monitor_id, "monitor-3");
  EXPECT_FALSE(rest->next_after);
  auto hidden = list(acme_admin_, std::nullopt, 50);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error_kind(), ErrorKind::kForbidden);
}

TEST_P(NocReadingTest, EventsAreListedNewestFirstByStateAndKindForStaffOnly) {
  ASSERT_TRUE(raise(edge_down("edge-a", ago(std::chrono::minutes(3)))).ok());
  ASSERT_TRUE(raise(edge_down("edge-b", ago(std::chrono::minutes(2)))).ok());
  ASSERT_TRUE(raise(service_alarm(NocEventKind::kOriginUnreachable, acme_scid_, "www")).ok());
  Alarm cleared = edge_down("edge-a", clock_.now());
  cleared.state = AlarmState::kCleared;
  ASSERT_TRUE(raise(cleared).ok());
  auto list = [&](const Principal& who, NocEventFilter filter, std::optional<long long> before,
                  int limit) {
    return db_->with_session(
        [&](soci::session& s) { return NocEvents(s).list(who, filter, before, limit); });
  };
  auto first = list(account_director_, {}, std::nullopt, 2);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_EQ(first->events.size(), 2u);
  EXPECT_EQ(first->events[0].reference, "EVT-2026-000003");
  EXPECT_EQ(first->events[1].reference, "EVT-2026-000002");
  ASSERT_TRUE(first->next_before);
  auto second = list(account_director_, {}, first->next_before, 2);
  ASSERT_TRUE(second.ok()) << second.error();
  ASSERT_EQ(second->events.size(), 1u);
  EXPECT_EQ(second->events[0].reference, "EVT-2026-000001");
  EXPECT_FALSE(second->next_before);
  auto open = list(staff_, {NocEventState::kOpen, std::nullopt}, std::nullopt, 50);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->events.size(), 2u);
  auto edge_down_resolved =
      list(staff_, {NocEventState::kResolved, NocEventKind::kEdgeDown}, std::nullopt, 50);
  ASSERT_TRUE(edge_down_resolved.ok());
  ASSERT_EQ(edge_down_resolved->events.size(), 1u);
  EXPECT_EQ(edge_down_resolved->events[0].affected_services, 2);
  auto refused = list(acme_admin_, {}, std::nullopt, 50);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden);
  auto detail = db_->with_session(
      [&](soci::session& s) { return NocEvents(s).get(staff_, "EVT-2026-000001"); });
  ASSERT_TRUE(detail.ok()) << detail.error();
  EXPECT_EQ(detail->services.size(), 2u);
  auto hidden = db_->with_session(
      [&](soci::session& s) { return NocEvents(s).get(globex_admin_, "EVT-2026-000001"); });
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error_kind(), ErrorKind::kForbidden);
  auto missing = db_->with_session(
      [&](soci::session& s) { return NocEvents(s).get(staff_, "EVT-2026-000999"); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error_kind(), ErrorKind::kNotFound);
}

TEST(EdgeHealthTest, UpWithinAMinuteStaleWithinFiveDownAfterOrNever) {
  const SysTime now = kStoreTestStart;
  EXPECT_EQ(edge_health(now, now), EdgeHealth::kUp);
  EXPECT_EQ(edge_health(now - std::chrono::seconds(60), now), EdgeHealth::kUp);
  EXPECT_EQ(edge_health(now - std::chrono::seconds(61), now), EdgeHealth::kStale);
  EXPECT_EQ(edge_health(now - std::chrono::seconds(300), now), EdgeHealth::kStale);
  EXPECT_EQ(edge_health(now - std::chrono::seconds(301), now), EdgeHealth::kDown);
  EXPECT_EQ(edge_health(std::nullopt, now), EdgeHealth::kDown);
}

TEST_P(NocReadingTest, TheDashboardShowsEdgeHealthOpenEventsAndOpenTicketsBySeverity) {
  set_last_seen("edge-a", ago(std::chrono::seconds(20)));
  set_last_seen("edge-b", ago(std::chrono::minutes(2)));
  set_last_seen("edge-c", ago(std::chrono::minutes(10)));
  ASSERT_TRUE(raise(edge_down("edge-c", ago(std::chrono::minutes(1)))).ok());
  ASSERT_TRUE(raise(edge_down("edge-a", ago(std::chrono::minutes(1)))).ok());  // 2 tickets, sev 2
  ASSERT_TRUE(raise(service_alarm(NocEventKind::kErrorRate, globex_scid_, "")).ok());  // sev 3
  auto board = dashboard(account_director_);
  ASSERT_TRUE(board.ok()) << board.error();
  ASSERT_EQ(board->edges.size(), 3u);
  EXPECT_EQ(board->edges[0].edge.edge_id, "edge-a");
  EXPECT_EQ(board->edges[0].health, EdgeHealth::kUp);
  EXPECT_EQ(board->edges[1].health, EdgeHealth::kStale);
  EXPECT_EQ(board->edges[2].health, EdgeHealth::kDown);
  EXPECT_FALSE(board->edges[0].draining);
  ASSERT_EQ(board->open_events.size(), 3u);
  EXPECT_EQ(board->open_events[0].severity, 2);
  EXPECT_EQ(board->open_events[2].severity, 3);
  EXPECT_EQ(board->open_tickets_by_severity.at(1), 0);
  EXPECT_EQ(board->open_tickets_by_severity.at(2), 2);
  EXPECT_EQ(board->open_tickets_by_severity.at(3), 1);
  EXPECT_EQ(board->open_tickets_by_severity.at(4), 0);
  ASSERT_EQ(board->open_tickets.size(), 3u);
  EXPECT_EQ(board->open_tickets[0].severity, 2);
  EXPECT_EQ(board->open_tickets[2].severity, 3);
  EXPECT_EQ(board->open_tickets[2].scid, globex_scid_);
  EXPECT_EQ(board->open_tickets[2].customer_number, "CUST-GLOBEX");
  EXPECT_EQ(board->open_tickets[2].origin, "proactive");
  auto refused = dashboard(acme_admin_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden);
}

INSTANTIATE_TEST_SUITE_P(Stores, NocReadingTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
