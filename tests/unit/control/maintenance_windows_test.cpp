// Maintenance windows on SQLite and PostgreSQL: validation, affected customers from edge traffic,
// notices to exactly the affected contacts (with the .ics), tenancy, the notice job (each notice
// once), reschedule, cancel, complete and draining.
#include "control/maintenance_windows.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <string>
#include <vector>

#include "control/maintenance_drain.hpp"
#include "control/usage_time.hpp"
#include "service_fixture.hpp"

namespace candela::control {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

MaintenanceChange retitle(std::string title) {
  MaintenanceChange change;
  change.title = std::move(title);
  return change;
}

class MaintenanceStoreTest : public ServiceStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceStoreTest::SetUp());
    acme_scid_ = service(acme_, "CUST-ACME");
    video_scid_ = service(acme_video_, "CUST-ACME");
    globex_scid_ = service(globex_, "CUST-GLOBEX");
    add_edge("lon-a", "lon1");
    add_edge("lon-b", "lon1");
    add_edge("par-a", "par1");
    // Acme served from London yesterday; its video service from London 40 days ago (outside
    // the 30-day look-back); Globex only from Paris.
    minute("lon-a", acme_scid_, clock_.now() - hours(24));
    minute("lon-b", video_scid_, clock_.now() - hours(24 * 40));
    minute("par-a", globex_scid_, clock_.now() - hours(2));
    auto seeded = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      noc_ = make_principal(s, "Nora NOC", Role::kNocEngineer, std::nullopt);
      for (const Principal* p : {&acme_admin_, &acme_technical_, &acme_read_only_,
                                 &video_technical_, &globex_admin_, &noc_, &account_director_}) {
        grant(s, *p);
      }
      return true;
    });
    ASSERT_TRUE(seeded.ok()) << seeded.error();
  }

  static void grant(soci::session& s, const Principal& p) {
    const std::string role(role_name(p.grants.front().role));
    long long group = p.grants.front().access_group_id.value_or(0);
    soci::indicator indicator = p.grants.front().access_group_id ? soci::i_ok : soci::i_null;
    s << "INSERT INTO user_roles (user_id, role, access_group_id) VALUES (:u, :r, :g)",
        soci::use(p.user_id), soci::use(role), soci::use(group, indicator);
  }

  void add_edge(const std::string& id, const std::string& group) {
    auto made = db_->with_session([&](soci::session& s) -> Result<bool> {
      s << "INSERT INTO edges (edge_id, cache_group, address, role, node_token_hash,"
           " registered_at) VALUES (:e, :g, '127.0.0.1:1', 'edge', :h, 0)",
          soci::use(id), soci::use(group), soci::use(id);
      return true;
    });
    ASSERT_TRUE(made.ok()) << made.error();
  }

  void minute(const std::string& edge, const std::string& scid, SysTime at) {
    const long long ms = bucket_start(to_epoch_ms(at), kMinuteMs);
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

  MaintenanceSettings settings() const {
    MaintenanceSettings s;
    s.public_url = "https://portal.test";
    s.organizer_email = "noc@candela.test";
    s.reminder_before = reminder_before_;
    return s;
  }

  NewMaintenanceWindow london(SysTime starts, hours length = hours(4)) const {
    NewMaintenanceWindow draft;
    draft.kind = MaintenanceKind::kScheduled;
    draft.impact = MaintenanceImpact::kServiceAffecting;
    draft.title = "Router upgrade in London";
    draft.description = "New line cards; traffic moves to other locations.";
    draft.starts_at = starts;
    draft.ends_at = starts + length;
    draft.cache_groups = {"lon1"};
    return draft;
  }

  Result<MaintenanceWindow> schedule(const Principal& who, const NewMaintenanceWindow& draft) {
    return db_->with_transaction([&](soci::session& s) {
      return MaintenanceWindows(s, clock_, settings()).schedule(who, draft);
    });
  }

  template <typename Fn>
  auto in_tx(Fn&& fn) {
    return db_->with_transaction([&](soci::session& s) {
      MaintenanceWindows windows(s, clock_, settings());
      return fn(windows);
    });
  }

  // What the portal's job does: find due windows, advance each in its own transaction.
  MaintenanceRun run_job() {
    MaintenanceRun total;
    auto due = db_->with_session(
        [&](soci::session& s) { return MaintenanceWindows(s, clock_, settings()).due_windows(); });
    EXPECT_TRUE(due.ok()) << due.error();
    if (!due.ok()) return total;
    for (const long long id : *due) {
      auto run = in_tx([&](MaintenanceWindows& w) { return w.advance(id); });
      EXPECT_TRUE(run.ok()) << run.error();
      if (!run.ok()) continue;
      total.reminders += run->reminders;
      total.started += run->started;
      total.completed += run->completed;
    }
    return total;
  }

  std::map<std::string, std::string> draining() {
    auto drains =
        db_->with_session([&](soci::session& s) { return draining_edges(s, clock_.now()); });
    EXPECT_TRUE(drains.ok()) << drains.error();
    return drains.ok() ? *drains : std::map<std::string, std::string>{};
  }

  // Addresses that got mail with `template_id` about `reference`, sorted.
  std::vector<std::string> mailed(const std::string& reference, const std::string& template_id) {
    auto rows = db_->with_session([&](soci::session& s) -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      soci::rowset<std::string> addresses =
          (s.prepare << "SELECT to_address FROM mail_outbox WHERE entity_id = :r AND template = :t"
                        " ORDER BY to_address",
           soci::use(reference), soci::use(template_id));
      for (const auto& address : addresses)
        out.push_back(address);
      return out;
    });
    EXPECT_TRUE(rows.ok()) << rows.error();
    return rows.ok() ? *rows : std::vector<std::string>{};
  }

  std::string mail_body(const std::string& reference, const std::string& template_id,
                        const std::string& to) {
    auto body = db_->with_session([&](soci::session& s) -> Result<std::string> {
      std::string subject, text;
      s << "SELECT subject, body FROM mail_outbox WHERE entity_id = :r AND template = :t"
           " AND to_address = :a",
          soci::use(reference), soci::use(template_id), soci::use(to), soci::into(subject),
          soci::into(text);
      return subject + "\n" + text;
    });
    EXPECT_TRUE(body.ok()) << body.error();
    return body.ok() ? *body : "";
  }

  long long notices(const std::string& reference, const std::string& template_id) {
    return count(
        "SELECT COUNT(*) FROM maintenance_notices n JOIN maintenance_windows w ON w.id ="
        " n.window_id WHERE w.reference = '" +
        reference + "' AND n.template = '" + template_id + "'");
  }

  std::string acme_scid_, video_scid_, globex_scid_;
  Principal noc_;
  hours reminder_before_{24};
};

TEST_P(MaintenanceStoreTest, ScheduleStoresTheWindowAndNotifiesOnlyTheAffectedContacts) {
  // 2026-01-04T02:00:00Z, three days after the test clock's start (a Sunday).
  const SysTime starts = clock_.now() + hours(24 * 3 + 2);
  auto made = schedule(noc_, london(starts));
  ASSERT_TRUE(made.ok()) << made.error();
  EXPECT_EQ(made->reference, "MNT-2026-000001");
  EXPECT_EQ(made->state, MaintenanceState::kScheduled);
  EXPECT_EQ(made->sequence, 0);
  EXPECT_EQ(made->cache_groups, std::vector<std::string>{"lon1"});
  ASSERT_EQ(made->affected.size(), 1u);  // not the video service (traffic 40 days ago), not Globex
  EXPECT_EQ(made->affected[0].scid, acme_scid_);
  EXPECT_EQ(made->affected[0].customer_number, "CUST-ACME");
  ASSERT_EQ(made->notices.size(), 1u);
  EXPECT_EQ(made->notices[0].template_id, "maintenance.scheduled");
  ASSERT_TRUE(made->reminder_due_at.has_value());
  EXPECT_EQ(*made->reminder_due_at, starts - hours(24));

  // Acme's admin and technical contact (roles on the service's group); not read-only, not the
  // video team (whose group does not hold the service), not Globex; and the NOC.
  EXPECT_EQ(mailed(made->reference, "maintenance.scheduled"),
            (std::vector<std::string>{acme_admin_.email, acme_technical_.email, noc_.email}));
  const std::string text = mail_body(made->reference, "maintenance.scheduled", acme_admin_.email);
  EXPECT_NE(text.find("Sun 04 Jan 2026 02:00 GMT"), std::string::npos) << text;
  EXPECT_NE(text.find("Sun 04 Jan 2026 06:00 GMT"), std::string::npos) << text;
  EXPECT_NE(text.find(acme_scid_), std::string::npos) << text;
  EXPECT_NE(text.find("Service affecting"), std::string::npos) << text;
  EXPECT_EQ(text.find(globex_scid_), std::string::npos);
  const std::string staff_text = mail_body(made->reference, "maintenance.scheduled", noc_.email);
  EXPECT_NE(staff_text.find("CUST-ACME"), std::string::npos) << staff_text;

  // Every mail carries the calendar entry.
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_attachments a JOIN mail_outbox o ON o.id ="
                  " a.outbox_id WHERE o.entity_id = 'MNT-2026-000001' AND a.filename ="
                  " 'MNT-2026-000001.ics' AND a.content_type LIKE 'text/calendar%method=REQUEST'"),
            3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'maintenance' AND"
                  " entity_id = 'MNT-2026-000001' AND action = 'schedule'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM maintenance_affected"), 1);
}

TEST_P(MaintenanceStoreTest, InvalidWindowsReportEveryFieldAndStoreNothing) {
  NewMaintenanceWindow draft;
  draft.kind = MaintenanceKind::kScheduled;
  draft.title = "   ";
  draft.starts_at = clock_.now() - minutes(5);
  draft.ends_at = clock_.now() - hours(1);
  draft.cache_groups = {"lon1", "nowhere", "lon1"};
  draft.edges = {"no-such-edge", ""};
  auto refused = schedule(noc_, draft);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  std::map<std::string, std::string> fields(refused.failure().fields.begin(),
                                            refused.failure().fields.end());
  for (const char* pointer : {"/title", "/starts_at", "/ends_at", "/cache_groups/1",
                              "/cache_groups/2", "/edges/0", "/edges/1"}) {
    EXPECT_TRUE(fields.count(pointer)) << pointer << " not reported: " << refused.error();
  }
  EXPECT_EQ(fields.count("/cache_groups/0"), 0u);

  NewMaintenanceWindow too_long = london(clock_.now() + hours(48), hours(24 * 7 + 1));
  too_long.cache_groups.clear();
  auto refused_too = schedule(noc_, too_long);
  ASSERT_FALSE(refused_too.ok());
  std::map<std::string, std::string> more(refused_too.failure().fields.begin(),
                                          refused_too.failure().fields.end());
  EXPECT_TRUE(more.count("/ends_at"));
  EXPECT_TRUE(more.count("/cache_groups"));  // names nothing at all

  NewMaintenanceWindow no_start = london(clock_.now() + hours(48));
  no_start.starts_at.reset();
  auto refused_start = schedule(noc_, no_start);
  ASSERT_FALSE(refused_start.ok());
  EXPECT_EQ(refused_start.failure().fields.front().first, "/starts_at");

  EXPECT_EQ(count("SELECT COUNT(*) FROM maintenance_windows"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM maintenance_targets"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'maintenance'"), 0);
  // The first accepted window still gets the first number: refusals hand theirs back.
  auto made = schedule(noc_, london(clock_.now() + hours(48)));
  ASSERT_TRUE(made.ok()) << made.error();
  EXPECT_EQ(made->reference, "MNT-2026-000001");
}

TEST_P(MaintenanceStoreTest, OnlyNocEngineersAndProviderAdminsManageWindows) {
  for (const Principal* who : {&acme_admin_, &account_director_, &globex_admin_}) {
    auto refused = schedule(*who, london(clock_.now() + hours(48)));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden) << who->name;
  }
  auto made = schedule(staff_, london(clock_.now() + hours(48)));  // provider admin
  ASSERT_TRUE(made.ok()) << made.error();
  const std::string ref = made->reference;
  auto cancel = in_tx([&](MaintenanceWindows& w) { return w.cancel(acme_admin_, ref, "no"); });
  EXPECT_EQ(cancel.error_kind(), ErrorKind::kForbidden);
  auto change = in_tx(
      [&](MaintenanceWindows& w) { return w.reschedule(account_director_, ref, retitle("x")); });
  EXPECT_EQ(change.error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(count("SELECT COUNT(*) FROM maintenance_windows WHERE sequence = 0"), 1);
}

TEST_P(MaintenanceStoreTest, CustomersSeeOnlyWindowsAffectingTheirOwnServices) {
  auto london_work = schedule(noc_, london(clock_.now() + hours(48)));
  ASSERT_TRUE(london_work.ok()) << london_work.error();
  NewMaintenanceWindow paris = london(clock_.now() + hours(72));
  paris.cache_groups = {"par1"};
  auto paris_work = schedule(noc_, paris);
  ASSERT_TRUE(paris_work.ok()) << paris_work.error();

  auto list_as = [&](const Principal& who) {
    auto page = db_->with_session([&](soci::session& s) {
      return MaintenanceWindows(s, clock_, settings()).list(who, MaintenanceQuery{});
    });
    EXPECT_TRUE(page.ok()) << page.error();
    std::vector<std::string> refs;
    if (page.ok()) {
      for (const auto& w : page->windows)
        refs.push_back(w.reference);
    }
    return refs;
  };
  EXPECT_EQ(list_as(acme_admin_), std::vector<std::string>{london_work->reference});
  EXPECT_EQ(list_as(globex_admin_), std::vector<std::string>{paris_work->reference});
  EXPECT_TRUE(list_as(video_technical_).empty());
  EXPECT_EQ(list_as(account_director_).size(), 2u);  // staff see everything

  auto get_as = [&](const Principal& who, const std::string& ref) {
    return db_->with_session(
        [&](soci::session& s) { return MaintenanceWindows(s, clock_, settings()).get(who, ref); });
  };
  EXPECT_EQ(get_as(globex_admin_, london_work->reference).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(get_as(acme_admin_, paris_work->reference).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(get_as(acme_admin_, "MNT-2026-999999").error_kind(), ErrorKind::kNotFound);
  auto seen = get_as(acme_admin_, london_work->reference);
  ASSERT_TRUE(seen.ok()) << seen.error();
  EXPECT_EQ(seen->affected.size(), 1u);
  auto calendar = db_->with_session([&](soci::session& s) {
    return MaintenanceWindows(s, clock_, settings())
        .calendar(globex_admin_, london_work->reference);
  });
  EXPECT_EQ(calendar.error_kind(), ErrorKind::kNotFound);

  // Time range and state filters.
  MaintenanceQuery later;
  later.from = clock_.now() + hours(70);
  auto page = db_->with_session([&](soci::session& s) {
    return MaintenanceWindows(s, clock_, settings()).list(noc_, later);
  });
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page->windows.size(), 1u);
  EXPECT_EQ(page->windows[0].reference, paris_work->reference);
  MaintenanceQuery first_only;
  first_only.limit = 1;
  auto first = db_->with_session([&](soci::session& s) {
    return MaintenanceWindows(s, clock_, settings()).list(noc_, first_only);
  });
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_EQ(first->windows.size(), 1u);
  ASSERT_TRUE(first->next_after.has_value());
  first_only.after = first->next_after;
  auto second = db_->with_session([&](soci::session& s) {
    return MaintenanceWindows(s, clock_, settings()).list(noc_, first_only);
  });
  ASSERT_TRUE(second.ok()) << second.error();
  ASSERT_EQ(second->windows.size(), 1u);
  EXPECT_EQ(second->windows[0].reference, paris_work->reference);
  EXPECT_FALSE(second->next_after.has_value());
}

TEST_P(MaintenanceStoreTest, TheJobSendsReminderStartAndCompletionOnceEachAndDrains) {
  const SysTime starts = clock_.now() + hours(48);
  auto made = schedule(noc_, london(starts));
  ASSERT_TRUE(made.ok()) << made.error();
  const std::string ref = made->reference;

  EXPECT_EQ(run_job().reminders, 0);  // too early
  clock_.set(starts - hours(24) + minutes(1));
  EXPECT_EQ(run_job().reminders, 1);
  EXPECT_EQ(run_job().reminders, 0);
  EXPECT_TRUE(draining().empty());

  clock_.set(starts + minutes(1));
  // Before the job runs, the window's time alone drains its edges.
  EXPECT_EQ(draining(), (std::map<std::string, std::string>{{"lon-a", ref}, {"lon-b", ref}}));
  EXPECT_EQ(run_job().started, 1);
  EXPECT_EQ(run_job().started, 0);
  EXPECT_EQ(draining(), (std::map<std::string, std::string>{{"lon-a", ref}, {"lon-b", ref}}));
  auto running = in_tx([&](MaintenanceWindows& w) { return w.get(noc_, ref); });
  ASSERT_TRUE(running.ok()) << running.error();
  EXPECT_EQ(running->state, MaintenanceState::kInProgress);

  clock_.set(starts + hours(4));
  EXPECT_EQ(run_job().completed, 1);
  EXPECT_EQ(run_job().completed, 0);
  EXPECT_TRUE(draining().empty());

  for (const char* tmpl : {"maintenance.scheduled", "maintenance.reminder", "maintenance.started",
                           "maintenance.completed"}) {
    EXPECT_EQ(notices(ref, tmpl), 1) << tmpl;
    EXPECT_EQ(mailed(ref, tmpl),
              (std::vector<std::string>{acme_admin_.email, acme_technical_.email, noc_.email}))
        << tmpl;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_id = '" + ref +
                  "' AND action IN ('start', 'complete') AND actor_user_id IS NULL"),
            2);
}

TEST_P(MaintenanceStoreTest, RescheduleBumpsTheSequenceResetsTheReminderAndTellsEveryone) {
  const SysTime starts = clock_.now() + hours(48);
  auto made = schedule(noc_, london(starts));
  ASSERT_TRUE(made.ok()) << made.error();
  const std::string ref = made->reference;
  clock_.advance(hours(24) + minutes(1));
  EXPECT_EQ(run_job().reminders, 1);

  // Globex starts using London before the reschedule: it is told from now on.
  minute("lon-b", globex_scid_, clock_.now() - minutes(3));
  MaintenanceChange later;
  later.starts_at = starts + hours(72);
  later.ends_at = starts + hours(75);
  auto moved = in_tx([&](MaintenanceWindows& w) { return w.reschedule(noc_, ref, later); });
  ASSERT_TRUE(moved.ok()) << moved.error();
  EXPECT_EQ(moved->sequence, 1);
  EXPECT_EQ(moved->starts_at, starts + hours(72));
  EXPECT_EQ(moved->affected.size(), 2u);
  EXPECT_FALSE(moved->reminder_notice_at.has_value());
  EXPECT_EQ(mailed(ref, "maintenance.rescheduled"),
            (std::vector<std::string>{acme_admin_.email, acme_technical_.email, globex_admin_.email,
                                      noc_.email}));
  const std::string text = mail_body(ref, "maintenance.rescheduled", acme_admin_.email);
  EXPECT_NE(text.find("Sat 03 Jan 2026 00:00 GMT"), std::string::npos) << text;  // before
  EXPECT_NE(text.find("Tue 06 Jan 2026 00:00 GMT"), std::string::npos) << text;  // after
  auto calendar = db_->with_session([&](soci::session& s) {
    return MaintenanceWindows(s, clock_, settings()).calendar(acme_admin_, ref);
  });
  ASSERT_TRUE(calendar.ok()) << calendar.error();
  EXPECT_NE(calendar->find("\r\nSEQUENCE:1\r\n"), std::string::npos) << *calendar;
  EXPECT_NE(calendar->find("\r\nDTSTART:20260106T000000Z\r\n"), std::string::npos) << *calendar;

  // The new start gets its own reminder, once.
  clock_.set(*later.starts_at - hours(23));
  EXPECT_EQ(run_job().reminders, 1);
  EXPECT_EQ(run_job().reminders, 0);
  EXPECT_EQ(notices(ref, "maintenance.reminder"), 2);

  // Nothing changed: no new sequence, no notice.
  auto same = in_tx([&](MaintenanceWindows& w) {
    return w.reschedule(noc_, ref, retitle("Router upgrade in London"));
  });
  ASSERT_TRUE(same.ok()) << same.error();
  EXPECT_EQ(same->sequence, 1);
  // A new title only: "updated", sequence 2.
  auto retitled = in_tx([&](MaintenanceWindows& w) {
    return w.reschedule(noc_, ref, retitle("Core router upgrade"));
  });
  ASSERT_TRUE(retitled.ok()) << retitled.error();
  EXPECT_EQ(retitled->sequence, 2);
  EXPECT_EQ(notices(ref, "maintenance.updated"), 1);
  EXPECT_EQ(notices(ref, "maintenance.rescheduled"), 1);

  // Bad changes are located and change nothing.
  MaintenanceChange bad;
  bad.starts_at = clock_.now() - hours(1);
  bad.ends_at = clock_.now() - hours(2);
  auto refused = in_tx([&](MaintenanceWindows& w) { return w.reschedule(noc_, ref, bad); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  EXPECT_EQ(refused.failure().fields.front().first, "/starts_at");
  EXPECT_EQ(count("SELECT COUNT(*) FROM maintenance_windows WHERE sequence = 2"), 1);
}

TEST_P(MaintenanceStoreTest, AWindowInProgressMayBeExtendedButNotMoved) {
  const SysTime starts = clock_.now() + hours(2);
  auto made = schedule(noc_, london(starts));
  ASSERT_TRUE(made.ok()) << made.error();
  const std::string ref = made->reference;
  EXPECT_FALSE(made->reminder_due_at.has_value());  // scheduled inside the reminder period
  clock_.set(starts + minutes(5));
  EXPECT_EQ(run_job().started, 1);

  MaintenanceChange move;
  move.starts_at = starts + hours(1);
  auto refused = in_tx([&](MaintenanceWindows& w) { return w.reschedule(noc_, ref, move); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.failure().fields.front().first, "/starts_at");

  MaintenanceChange extend;
  extend.ends_at = starts + hours(6);
  auto extended = in_tx([&](MaintenanceWindows& w) { return w.reschedule(noc_, ref, extend); });
  ASSERT_TRUE(extended.ok()) << extended.error();
  clock_.set(starts + hours(4) + minutes(1));
  EXPECT_EQ(run_job().completed, 0);  // extended: still running
  EXPECT_EQ(draining().size(), 2u);
  clock_.set(starts + hours(6));
  EXPECT_EQ(run_job().completed, 1);
  EXPECT_EQ(notices(ref, "maintenance.reminder"), 0);
}

TEST_P(MaintenanceStoreTest, CancelSendsTheCancelCalendarAndEndsTheWindow) {
  auto made = schedule(noc_, london(clock_.now() + hours(48)));
  ASSERT_TRUE(made.ok()) << made.error();
  const std::string ref = made->reference;
  auto no_reason = in_tx([&](MaintenanceWindows& w) { return w.cancel(noc_, ref, ""); });
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.failure().fields.front().first, "/reason");

  auto cancelled =
      in_tx([&](MaintenanceWindows& w) { return w.cancel(noc_, ref, "vendor delayed the parts"); });
  ASSERT_TRUE(cancelled.ok()) << cancelled.error();
  EXPECT_EQ(cancelled->state, MaintenanceState::kCancelled);
  EXPECT_EQ(cancelled->sequence, 1);
  EXPECT_EQ(mailed(ref, "maintenance.cancelled"),
            (std::vector<std::string>{acme_admin_.email, acme_technical_.email, noc_.email}));
  EXPECT_NE(
      mail_body(ref, "maintenance.cancelled", acme_admin_.email).find("vendor delayed the parts"),
      std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_attachments a JOIN mail_outbox o ON o.id ="
                  " a.outbox_id WHERE o.template = 'maintenance.cancelled' AND a.content_type"
                  " LIKE '%method=CANCEL'"),
            3);
  auto calendar = db_->with_session([&](soci::session& s) {
    return MaintenanceWindows(s, clock_, settings()).calendar(acme_admin_, ref);
  });
  ASSERT_TRUE(calendar.ok()) << calendar.error();
  EXPECT_NE(calendar->find("\r\nMETHOD:CANCEL\r\n"), std::string::npos);
  EXPECT_NE(calendar->find("\r\nSTATUS:CANCELLED\r\n"), std::string::npos);
  EXPECT_NE(calendar->find("\r\nSEQUENCE:1\r\n"), std::string::npos);

  auto again = in_tx([&](MaintenanceWindows& w) { return w.cancel(noc_, ref, "twice"); });
  EXPECT_EQ(again.error_kind(), ErrorKind::kConflict);
  auto moved =
      in_tx([&](MaintenanceWindows& w) { return w.reschedule(noc_, ref, retitle("back on")); });
  EXPECT_EQ(moved.error_kind(), ErrorKind::kConflict);
  clock_.advance(hours(49));
  EXPECT_EQ(run_job().started, 0);
  EXPECT_TRUE(draining().empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_id = '" + ref +
                  "' AND action = 'cancel' AND to_state = 'cancelled'"),
            1);
}

TEST_P(MaintenanceStoreTest, EmergencyWorkStartsNowWithoutAReminderAndCanBeCompletedEarly) {
  NewMaintenanceWindow emergency;
  emergency.kind = MaintenanceKind::kEmergency;
  emergency.impact = MaintenanceImpact::kNonServiceAffecting;
  emergency.title = "Replace failed power supply";
  emergency.ends_at = clock_.now() + hours(2);
  emergency.edges = {"lon-a"};
  auto made = schedule(noc_, emergency);
  ASSERT_TRUE(made.ok()) << made.error();
  const std::string ref = made->reference;
  EXPECT_EQ(made->starts_at, clock_.now());
  EXPECT_FALSE(made->reminder_due_at.has_value());
  EXPECT_EQ(draining(), (std::map<std::string, std::string>{{"lon-a", ref}}));
  EXPECT_NE(mail_body(ref, "maintenance.scheduled", acme_admin_.email).find("Emergency"),
            std::string::npos);

  clock_.advance(minutes(1));
  auto completed = in_tx([&](MaintenanceWindows& w) { return w.complete(noc_, ref); });
  ASSERT_TRUE(completed.ok()) << completed.error();
  EXPECT_EQ(completed->state, MaintenanceState::kCompleted);
  EXPECT_TRUE(draining().empty());
  EXPECT_EQ(notices(ref, "maintenance.started"), 1);  // the job had not run yet
  EXPECT_EQ(notices(ref, "maintenance.completed"), 1);
  EXPECT_EQ(run_job().completed, 0);
  EXPECT_EQ(notices(ref, "maintenance.completed"), 1);

  auto not_started = schedule(noc_, london(clock_.now() + hours(48)));
  ASSERT_TRUE(not_started.ok()) << not_started.error();
  auto early =
      in_tx([&](MaintenanceWindows& w) { return w.complete(noc_, not_started->reference); });
  EXPECT_EQ(early.error_kind(), ErrorKind::kConflict);
  auto twice = in_tx([&](MaintenanceWindows& w) { return w.complete(noc_, ref); });
  EXPECT_EQ(twice.error_kind(), ErrorKind::kConflict);

  NewMaintenanceWindow backdated = emergency;
  backdated.starts_at = clock_.now() - hours(2);
  auto refused = schedule(noc_, backdated);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.failure().fields.front().first, "/starts_at");
}

TEST_P(MaintenanceStoreTest, AWindowThatPassedUnseenIsOnlyCompleted) {
  auto made = schedule(noc_, london(clock_.now() + hours(1), hours(1)));
  ASSERT_TRUE(made.ok()) << made.error();
  clock_.advance(hours(3));  // the portal was down for the whole window
  const MaintenanceRun run = run_job();
  EXPECT_EQ(run.started, 0);
  EXPECT_EQ(run.completed, 1);
  EXPECT_EQ(notices(made->reference, "maintenance.started"), 0);
  EXPECT_EQ(notices(made->reference, "maintenance.completed"), 1);
}

TEST_P(MaintenanceStoreTest, AWindowAffectingNobodyTellsOnlyTheNoc) {
  // lon-b last served the video service 40 days ago: nobody is affected now.
  NewMaintenanceWindow quiet = london(clock_.now() + hours(48));
  quiet.cache_groups.clear();
  quiet.edges = {"lon-b"};
  quiet.impact = MaintenanceImpact::kNonServiceAffecting;
  auto made = schedule(noc_, quiet);
  ASSERT_TRUE(made.ok()) << made.error();
  EXPECT_TRUE(made->affected.empty());
  EXPECT_EQ(mailed(made->reference, "maintenance.scheduled"), std::vector<std::string>{noc_.email});
  const std::string text = mail_body(made->reference, "maintenance.scheduled", noc_.email);
  EXPECT_NE(text.find("none had traffic on these edges in the last 30 days"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Non-service affecting"), std::string::npos) << text;
  EXPECT_NE(text.find("edge lon-b"), std::string::npos) << text;
}

TEST_P(MaintenanceStoreTest, DisabledContactsAreNotTold) {
  ASSERT_TRUE(db_->with_session([&](soci::session& s) -> Result<bool> {
                   s << "UPDATE users SET disabled = 1 WHERE id = :id",
                       soci::use(acme_technical_.user_id);
                   return true;
                 })
                  .ok());
  auto made = schedule(noc_, london(clock_.now() + hours(48)));
  ASSERT_TRUE(made.ok()) << made.error();
  EXPECT_EQ(mailed(made->reference, "maintenance.scheduled"),
            (std::vector<std::string>{acme_admin_.email, noc_.email}));
}

TEST_P(MaintenanceStoreTest, TheReminderPeriodIsASetting) {
  reminder_before_ = hours(2);
  const SysTime starts = clock_.now() + hours(10);
  auto made = schedule(noc_, london(starts));
  ASSERT_TRUE(made.ok()) << made.error();
  ASSERT_TRUE(made->reminder_due_at.has_value());  // 10 h ahead: outside a 2-hour period
  EXPECT_EQ(*made->reminder_due_at, starts - hours(2));
  clock_.set(starts - hours(2) - minutes(1));
  EXPECT_EQ(run_job().reminders, 0);
  clock_.set(starts - hours(2));
  EXPECT_EQ(run_job().reminders, 1);
  EXPECT_NE(mail_body(made->reference, "maintenance.reminder", acme_admin_.email)
                .find("starts at " + std::string("Thu 01 Jan 2026 10:00 GMT")),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Stores, MaintenanceStoreTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
