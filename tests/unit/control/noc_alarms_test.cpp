// NOC alarms on SQLite and PostgreSQL: events with dedupe, affected services from usage minutes,
// one proactive ticket per service per event, clearing (resolve + public notes), refusals of bad
// alarms and of customers, audit in the same transaction.
#include "control/noc_alarms.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "control/noc_events.hpp"
#include "control/principal_audit.hpp"
#include "noc_fixture.hpp"

namespace candela::control {
namespace {

class NocAlarmsTest : public NocStoreTest {};

TEST_P(NocAlarmsTest, EdgeDownOpensOneEventWithOneTicketPerServiceThatHadTrafficThere) {
  const auto opened = raise(edge_down("edge-a", ago(std::chrono::minutes(2))));
  ASSERT_TRUE(opened.ok()) << opened.error();
  EXPECT_EQ(opened->action, AlarmAction::kOpened);
  ASSERT_TRUE(opened->event);
  const NocEvent& event = opened->event->event;
  EXPECT_EQ(event.reference, "EVT-2026-000001");
  EXPECT_EQ(event.state, NocEventState::kOpen);
  EXPECT_EQ(event.severity, 2);
  EXPECT_EQ(event.occurrences, 1);
  EXPECT_EQ(event.raised_by, "monitor:monitor-1");
  EXPECT_EQ(event.dedupe_key, "edge_down|edge-a||");
  // acme and globex served on edge-a in the last 24 h; video only 2 days ago; the suspended
  // service and edge-b's service are not affected.
  std::vector<std::string> expected = {acme_scid_, globex_scid_};
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(opened->event->services.size(), 2u);
  EXPECT_EQ(opened->event->services[0].scid, expected[0]);
  EXPECT_EQ(opened->event->services[1].scid, expected[1]);
  EXPECT_EQ(opened->tickets_opened.size(), 2u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM tickets WHERE origin = 'proactive' AND severity = 2"
                  " AND noc_event_id = " +
                  std::to_string(event.id)),
            2);
  for (const auto& service : opened->event->services) {
    EXPECT_EQ(service.ticket_state, "new");
    EXPECT_EQ(count("SELECT COUNT(*) FROM tickets t JOIN services s ON s.scid = t.scid"
                    " WHERE t.reference = '" +
                    service.ticket_reference +
                    "' AND t.customer_id = s.customer_id AND s.scid = '" + service.scid + "'"),
              1);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'noc_event'"
                  " AND entity_id = 'EVT-2026-000001' AND action = 'open'"),
            1);
  // Staff (role noc_engineer) were told.
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications WHERE entity_type = 'noc_event'"
                  " AND entity_id = 'EVT-2026-000001' AND recipient_role = 'noc_engineer'"),
            1);
}

TEST_P(NocAlarmsTest, ARepeatedAlarmUpdatesTheOpenEventAndOpensNoTicket) {
  ASSERT_TRUE(raise(edge_down("edge-a", ago(std::chrono::minutes(3)))).ok());
  Alarm again = edge_down("edge-a", ago(std::chrono::minutes(1)));
  again.summary = "edge-a still not answering";
  const auto updated = raise(again);
  ASSERT_TRUE(updated.ok()) << updated.error();
  EXPECT_EQ(updated->action, AlarmAction::kUpdated);
  EXPECT_TRUE(updated->tickets_opened.empty());
  EXPECT_EQ(updated->event->event.reference, "EVT-2026-000001");
  EXPECT_EQ(updated->event->event.occurrences, 2);
  EXPECT_EQ(updated->event->event.summary, "edge-a still not answering");
  EXPECT_EQ(updated->event->event.first_seen_at, ago(std::chrono::minutes(3)));
  EXPECT_EQ(updated->event->event.last_seen_at, ago(std::chrono::minutes(1)));
  // An alarm observed earlier than the last one does not move last_seen_at back.
  const auto late = raise(edge_down("edge-a", ago(std::chrono::minutes(2))));
  ASSERT_TRUE(late.ok()) << late.error();
  EXPECT_EQ(late->event->event.occurrences, 3);
  EXPECT_EQ(late->event->event.last_seen_at, ago(std::chrono::minutes(1)));
  EXPECT_EQ(count("SELECT COUNT(*) FROM noc_events"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM tickets"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'noc_event'"
                  " AND action = 'occurrence'"),
            2);
  // Staff heard of the event once.
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications WHERE entity_type = 'noc_event'"), 1);
}

TEST_P(NocAlarmsTest, AnotherEdgeOrKindIsAnotherEvent) {
  ASSERT_TRUE(raise(edge_down("edge-a", ago(std::chrono::minutes(1)))).ok());
  const auto other_edge = raise(edge_down("edge-b", ago(std::chrono::minutes(1))));
  ASSERT_TRUE(other_edge.ok()) << other_edge.error();
  EXPECT_EQ(other_edge->action, AlarmAction::kOpened);
  EXPECT_EQ(other_edge->event->event.reference, "EVT-2026-000002");
  // edge-b served only the video service.
  ASSERT_EQ(other_edge->event->services.size(), 1u);
  EXPECT_EQ(other_edge->event->services[0].scid, video_recent_scid_);
  Alarm errors = edge_down("edge-a", ago(std::chrono::minutes(1)));
  errors.kind = NocEventKind::kErrorRate;
  const auto error_rate = raise(errors);
  ASSERT_TRUE(error_rate.ok()) << error_rate.error();
  EXPECT_EQ(error_rate->action, AlarmAction::kOpened);
  EXPECT_EQ(error_rate->event->event.severity, 3);
  EXPECT_EQ(error_rate->event->services.size(), 2u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM noc_events WHERE state = 'open'"), 3);
}

TEST_P(NocAlarmsTest, AServiceAlarmAffectsThatServiceOnlyAndPropertiesAreSeparateEvents) {
  Alarm origin = service_alarm(NocEventKind::kOriginUnreachable, globex_scid_, "www");
  const auto opened = raise(origin);
  ASSERT_TRUE(opened.ok()) << opened.error();
  ASSERT_EQ(opened->event->services.size(), 1u);
  EXPECT_EQ(opened->event->services[0].scid, globex_scid_);
  EXPECT_EQ(opened->event->services[0].customer_number, "CUST-GLOBEX");
  EXPECT_EQ(opened->event->event.dedupe_key, "origin_unreachable||" + globex_scid_ + "|www");
  // Another property of the same service is its own event, with its own ticket.
  const auto other = raise(service_alarm(NocEventKind::kOriginUnreachable, globex_scid_, "img"));
  ASSERT_TRUE(other.ok()) << other.error();
  EXPECT_EQ(other->action, AlarmAction::kOpened);
  EXPECT_EQ(other->tickets_opened.size(), 1u);
  // A service without traffic is still affected when the alarm names it.
  const auto quiet = raise(service_alarm(NocEventKind::kErrorRate, video_old_scid_, ""));
  ASSERT_TRUE(quiet.ok()) << quiet.error();
  EXPECT_EQ(quiet->tickets_opened.size(), 1u);
  // A suspended service gets no ticket.
  const auto suspended =
      raise(service_alarm(NocEventKind::kOriginUnreachable, suspended_scid_, ""));
  ASSERT_TRUE(suspended.ok()) << suspended.error();
  EXPECT_TRUE(suspended->tickets_opened.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM tickets"), 3);
}

TEST_P(NocAlarmsTest, ClearingResolvesTheEventAndNotesItsOpenTicketsInPublic) {
  const auto opened = raise(edge_down("edge-a", ago(std::chrono::minutes(5))));
  ASSERT_TRUE(opened.ok()) << opened.error();
  ASSERT_EQ(opened->tickets_opened.size(), 2u);
  // The support staff already resolved one ticket: it gets no note.
  const std::string done = opened->tickets_opened[0];
  const std::string still_open = opened->tickets_opened[1];
  ASSERT_TRUE(
      db_->with_session([&](soci::session& s) -> Result<bool> {
           s << "UPDATE tickets SET state = 'resolved', resolved_at = 1 WHERE reference = :r",
               soci::use(done);
           return true;
         })
          .ok());
  Alarm cleared = edge_down("edge-a", ago(std::chrono::minutes(1)));
  cleared.state = AlarmState::kCleared;
  cleared.summary = "edge-a answers again";
  const auto resolved = raise(cleared);
  ASSERT_TRUE(resolved.ok()) << resolved.error();
  EXPECT_EQ(resolved->action, AlarmAction::kResolved);
  EXPECT_EQ(resolved->event->event.state, NocEventState::kResolved);
  ASSERT_TRUE(resolved->event->event.resolved_at);
  EXPECT_EQ(*resolved->event->event.resolved_at, ago(std::chrono::minutes(1)));
  EXPECT_EQ(resolved->tickets_noted, std::vector<std::string>{still_open});
  EXPECT_EQ(public_notes_mentioning(still_open, "EVT-2026-000001"), 1);
  EXPECT_EQ(public_notes_mentioning(done, "EVT-2026-000001"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'noc_event'"
                  " AND action = 'resolve' AND to_state = 'resolved'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications WHERE entity_type = 'noc_event'"), 2);

  // Clearing again finds nothing open.
  const auto again = raise(cleared);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again->action, AlarmAction::kIgnored);
  EXPECT_EQ(public_notes_mentioning(still_open, "EVT-2026-000001"), 1);
  // Firing after the clear is a new incident: a new event and new tickets.
  const auto reopened = raise(edge_down("edge-a", clock_.now()));
  ASSERT_TRUE(reopened.ok()) << reopened.error();
  EXPECT_EQ(reopened->action, AlarmAction::kOpened);
  EXPECT_EQ(reopened->event->event.reference, "EVT-2026-000002");
  EXPECT_EQ(reopened->tickets_opened.size(), 2u);
}

TEST_P(NocAlarmsTest, AClearObservedBeforeTheLastFiringIsIgnored) {
  ASSERT_TRUE(raise(edge_down("edge-a", ago(std::chrono::minutes(5)))).ok());
  ASSERT_TRUE(raise(edge_down("edge-a", ago(std::chrono::minutes(1)))).ok());
  Alarm stale = edge_down("edge-a", ago(std::chrono::minutes(3)));
  stale.state = AlarmState::kCleared;
  const auto ignored = raise(stale);
  ASSERT_TRUE(ignored.ok()) << ignored.error();
  EXPECT_EQ(ignored->action, AlarmAction::kIgnored);
  EXPECT_FALSE(ignored->reason.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM noc_events WHERE state = 'open'"), 1);
}

TEST_P(NocAlarmsTest, BadAlarmsAreRefusedWithLocatedErrorsAndStoreNothing) {
  struct Case {
    std::string name;
    Alarm alarm;
    std::string pointer;
  };
  std::vector<Case> cases;
  cases.push_back({"unknown edge", edge_down("edge-zzz", clock_.now()), "/edge_id"});
  {
    Alarm a = service_alarm(NocEventKind::kOriginUnreachable, "ABCDEFGHJ", "");
    cases.push_back({"unknown scid", a, "/scid"});
  }
  {
    Alarm a = service_alarm(NocEventKind::kOriginUnreachable, "not-a-scid", "");
    cases.push_back({"malformed scid", a, "/scid"});
  }
  {
    Alarm a = edge_down("edge-a", clock_.now());
    a.scid = acme_scid_;
    cases.push_back({"edge_down with scid", a, "/scid"});
  }
  {
    Alarm a = edge_down("edge-a", clock_.now());
    a.edge_id.reset();
    cases.push_back({"edge_down without edge", a, "/edge_id"});
  }
  {
    Alarm a = service_alarm(NocEventKind::kOriginUnreachable, acme_scid_, "");
    a.scid.reset();
    cases.push_back({"origin_unreachable without scid", a, "/scid"});
  }
  {
    Alarm a = service_alarm(NocEventKind::kErrorRate, acme_scid_, "www");
    a.scid.reset();
    a.edge_id = "edge-a";
    cases.push_back({"property without scid", a, "/property"});
  }
  {
    Alarm a = edge_down("edge-a", clock_.now() + std::chrono::minutes(5));
    cases.push_back({"observed in the future", a, "/observed_at"});
  }
  {
    Alarm a = edge_down("edge-a", clock_.now());
    a.summary = "";
    cases.push_back({"empty summary", a, "/summary"});
  }
  {
    Alarm a = edge_down("edge-a", clock_.now());
    a.summary = "two\nlines";
    cases.push_back({"summary with a newline", a, "/summary"});
  }
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto refused = raise(c.alarm);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
    bool located = false;
    for (const auto& [pointer, message] : refused.failure().fields)
      located = located || pointer == c.pointer;
    EXPECT_TRUE(located) << refused.error();
  }
  // A few seconds of clock skew are tolerated.
  EXPECT_TRUE(raise(edge_down("edge-c", clock_.now() + std::chrono::seconds(30))).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM noc_events WHERE edge_id <> 'edge-c' OR edge_id IS NULL"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM tickets"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'noc_event'"), 1);
}

TEST_P(NocAlarmsTest, OnlyNocEngineersAndProviderAdminsRaiseAlarmsAsUsers) {
  const Alarm alarm = edge_down("edge-a", clock_.now());
  for (const Principal* who : {&acme_admin_, &globex_admin_, &account_director_}) {
    SCOPED_TRACE(who->name);
    const auto refused = raise_as(*who, alarm);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM noc_events"), 0);
  const auto by_engineer = raise_as(noc_engineer_, alarm);
  ASSERT_TRUE(by_engineer.ok()) << by_engineer.error();
  EXPECT_EQ(by_engineer->event->event.raised_by, "user:" + std::to_string(noc_engineer_.user_id));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'noc_event'"
                  " AND actor_user_id = " +
                  std::to_string(noc_engineer_.user_id)),
            1);
}

INSTANTIATE_TEST_SUITE_P(Stores, NocAlarmsTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
