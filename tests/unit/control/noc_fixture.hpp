// Store-test fixture for the NOC: the service fixture's customers plus edges, usage minutes that
// make some services "affected" by an edge, a monitor, a NOC engineer, and alarm helpers.
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <string>

#include "control/noc_alarms.hpp"
#include "control/noc_monitors.hpp"
#include "control/principal_audit.hpp"
#include "service_fixture.hpp"

namespace candela::control {

class NocStoreTest : public ServiceStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceStoreTest::SetUp());
    acme_scid_ = service(acme_, "CUST-ACME");
    globex_scid_ = service(globex_, "CUST-GLOBEX");
    video_recent_scid_ = service(acme_video_, "CUST-ACME");
    video_old_scid_ = service(acme_video_, "CUST-ACME");
    suspended_scid_ = service(acme_, "CUST-ACME", ServiceState::kSuspended);
    for (const char* edge : {"edge-a", "edge-b", "edge-c"})
      add_edge(edge);
    // edge-a served acme and globex within the last 24 hours, the old video service two days
    // ago, and the (now) suspended service; edge-b served the recent video service.
    minute("edge-a", acme_scid_, ago(std::chrono::minutes(10)));
    minute("edge-a", acme_scid_, ago(std::chrono::minutes(9)));
    minute("edge-a", globex_scid_, ago(std::chrono::hours(23)));
    minute("edge-a", video_old_scid_, ago(std::chrono::hours(48)));
    minute("edge-a", suspended_scid_, ago(std::chrono::hours(1)));
    minute("edge-b", video_recent_scid_, ago(std::chrono::minutes(5)));
    auto seeded = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      noc_engineer_ = make_principal(s, "Nora NOC", Role::kNocEngineer, std::nullopt);
      auto monitor =
          NocMonitors(s, clock_, random_).create(system_principal(), "monitor-1", "test monitor");
      if (!monitor.ok()) return Error{monitor.failure()};
      monitor_token_ = monitor->token;
      return true;
    });
    ASSERT_TRUE(seeded.ok()) << seeded.error();
  }

  SysTime ago(std::chrono::milliseconds d) const { return clock_.now() - d; }

  void add_edge(const std::string& id) {
    auto made = db_->with_session([&](soci::session& s) -> Result<bool> {
      s << "INSERT INTO edges (edge_id, cache_group, address, role, node_token_hash,"
           " registered_at) VALUES (:e, 'lon1', '127.0.0.1:1', 'edge', :h, 0)",
          soci::use(id), soci::use(id);
      return true;
    });
    ASSERT_TRUE(made.ok()) << made.error();
  }

  void minute(const std::string& edge, const std::string& scid, SysTime at) {
    const long long ms = to_epoch_ms(at);
    auto stored = db_->with_session([&](soci::session& s) -> Result<bool> {
      s << "INSERT INTO usage_minute (edge_id, scid, property, minute, revision, requests, bytes,"
           " body_bytes, fill_bytes, hits, misses, stale, revalidated, passes, errors, status_1xx,"
           " status_2xx, status_3xx, status_4xx, status_5xx, http, https, peak_rps)"
           " VALUES (:e, :s, 'www', :m, 1, 1, 100, 50, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0,"
           " 1)",
          soci::use(edge), soci::use(scid), soci::use(ms);
      return true;
    });
    ASSERT_TRUE(stored.ok()) << stored.error();
  }

  static Alarm edge_down(const std::string& edge, SysTime observed) {
    Alarm alarm;
    alarm.kind = NocEventKind::kEdgeDown;
    alarm.edge_id = edge;
    alarm.state = AlarmState::kFiring;
    alarm.observed_at = observed;
    alarm.summary = edge + " does not answer health checks";
    alarm.details = R"({"checks_failed":3})";
    return alarm;
  }

  Alarm service_alarm(NocEventKind kind, const std::string& scid,
                      const std::string& property) const {
    Alarm alarm;
    alarm.kind = kind;
    alarm.scid = scid;
    if (!property.empty()) alarm.property = property;
    alarm.observed_at = clock_.now();
    alarm.summary = "trouble with " + scid;
    return alarm;
  }

  // As the monitor.
  Result<AlarmOutcome> raise(const Alarm& alarm) {
    return db_->with_transaction([&](soci::session& s) {
      return NocAlarms(s, clock_).handle(AlarmSource{"monitor-1", std::nullopt}, alarm);
    });
  }

  Result<AlarmOutcome> raise_as(const Principal& who, const Alarm& alarm) {
    return db_->with_transaction([&](soci::session& s) {
      return NocAlarms(s, clock_).handle(AlarmSource{std::nullopt, who}, alarm);
    });
  }

  long long public_notes_mentioning(const std::string& ticket, const std::string& text) {
    return count(
        "SELECT COUNT(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id"
        " WHERE t.reference = '" +
        ticket + "' AND e.kind = 'note' AND e.visibility = 'public' AND e.body LIKE '%" + text +
        "%'");
  }

  std::string acme_scid_, globex_scid_, video_recent_scid_, video_old_scid_, suspended_scid_;
  Principal noc_engineer_;
  std::string monitor_token_;
};

}  // namespace candela::control
