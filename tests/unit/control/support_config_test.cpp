// Support configuration in the store (SQLite and PostgreSQL): the seeded defaults, routing
// through the stored schedule, and changes that are authorised, validated whole and audited.
#include "control/support_config.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "control/escalation_levels.hpp"
#include "control/severity_matrix.hpp"
#include "control/support_centres.hpp"
#include "support_fixture.hpp"

namespace candela::control {
namespace {

using namespace std::chrono;
using std::chrono::minutes;

const std::vector<int> kEveryDay = {0, 1, 2, 3, 4, 5, 6};

// 2026-11-23 is a Monday.
SysTime monday_at(int hour, int minute = 0) {
  return sys_days{year{2026} / November / 23} + hours(hour) + minutes(minute);
}

class SupportConfigTest : public SupportStoreTest {
 protected:
  std::string on_duty(SysTime at, const std::string& language, bool* matched = nullptr) {
    auto duty =
        db_->with_session([&](soci::session& s) { return on_duty_centre(s, at, language); });
    EXPECT_TRUE(duty.ok()) << duty.error();
    if (!duty.ok()) return "";
    if (matched) *matched = duty->language_matched;
    return duty->centre.code;
  }

  Result<std::vector<ScheduleEntry>> replace(const Principal& actor,
                                             const std::vector<ScheduleEntry>& schedule) {
    return db_->with_transaction([&](soci::session& s) {
      return replace_support_schedule(s, clock_, actor, schedule, "new rota");
    });
  }

  std::vector<ScheduleEntry> stored_schedule() {
    auto schedule = db_->with_session([&](soci::session& s) { return support_schedule(s); });
    EXPECT_TRUE(schedule.ok()) << schedule.error();
    return schedule.ok() ? *schedule : std::vector<ScheduleEntry>{};
  }

  long long audit_rows(const std::string& entity_type) {
    return count("SELECT COUNT(*) FROM audit_log WHERE entity_type = '" + entity_type + "'");
  }
};

TEST_P(SupportConfigTest, SeedsTheHandbookCentresAndSchedule) {
  auto centres = db_->with_session([&](soci::session& s) { return support_centres(s); });
  ASSERT_TRUE(centres.ok()) << centres.error();
  ASSERT_EQ(centres->size(), 4u);
  EXPECT_EQ((*centres)[0].code, "BRM");
  EXPECT_EQ((*centres)[0].city, "Broomfield, CO");
  EXPECT_EQ((*centres)[0].languages, (std::vector<std::string>{"en", "es"}));
  EXPECT_EQ((*centres)[1].code, "TUL");
  EXPECT_EQ((*centres)[2].languages, (std::vector<std::string>{"en", "ga", "fr", "de"}));
  EXPECT_EQ((*centres)[3].code, "LON");
  EXPECT_EQ((*centres)[3].languages, (std::vector<std::string>{"en", "fr", "es", "it"}));
  const std::vector<ScheduleEntry> expected = {{"DUB", kEveryDay, 360, 840, 1},
                                               {"LON", kEveryDay, 600, 1080, 2},
                                               {"BRM", kEveryDay, 840, 1320, 3},
                                               {"TUL", kEveryDay, 1320, 360, 4}};
  EXPECT_EQ(stored_schedule(), expected);
}

TEST_P(SupportConfigTest, RoutesByTheStoredSchedule) {
  bool matched = false;
  EXPECT_EQ(on_duty(monday_at(8), "en", &matched), "DUB");
  EXPECT_TRUE(matched);
  EXPECT_EQ(on_duty(monday_at(12), "es", &matched), "LON");
  EXPECT_TRUE(matched);
  EXPECT_EQ(on_duty(monday_at(19), "es"), "BRM");
  EXPECT_EQ(on_duty(monday_at(3), "es", &matched), "TUL");
  EXPECT_FALSE(matched);
  EXPECT_EQ(on_duty(monday_at(23, 30), "en"), "TUL");
}

TEST_P(SupportConfigTest, ProviderAdminReplacesTheScheduleWithAnAuditRecord) {
  // Broomfield takes the whole US day, Tulsa only the night after it.
  const std::vector<ScheduleEntry> schedule = {{"DUB", kEveryDay, 360, 840, 1},
                                               {"BRM", kEveryDay, 840, 1440, 1},
                                               {"TUL", kEveryDay, 0, 360, 1}};
  auto replaced = replace(admin_, schedule);
  ASSERT_TRUE(replaced.ok()) << replaced.error();
  EXPECT_EQ(*replaced, schedule);
  EXPECT_EQ(stored_schedule(), schedule);
  EXPECT_EQ(on_duty(monday_at(16), "fr"), "BRM");
  EXPECT_EQ(on_duty(monday_at(23, 59), "en"), "BRM");
  EXPECT_EQ(on_duty(monday_at(0), "en"), "TUL");
  EXPECT_EQ(audit_rows("support_schedule"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'support_schedule'"
                  " AND reason = 'new rota' AND actor_user_id = " +
                  std::to_string(admin_.user_id)),
            1);
}

TEST_P(SupportConfigTest, RefusedSchedulesChangeNothing) {
  const auto before = stored_schedule();
  // A gap on weekday evenings.
  auto gap = replace(admin_, {{"DUB", kEveryDay, 360, 840, 1}, {"TUL", kEveryDay, 1320, 360, 1}});
  ASSERT_FALSE(gap.ok());
  EXPECT_EQ(gap.error_kind(), ErrorKind::kInvalid);
  ASSERT_EQ(gap.failure().fields.size(), 7u);
  EXPECT_EQ(gap.failure().fields[0].second, "no centre on duty on mon 14:00–22:00 UTC");
  // An unknown centre.
  auto unknown = replace(admin_, {{"PAR", kEveryDay, 0, 1440, 1}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.failure().fields.at(0).first, "/schedule/0/centre");
  // Not a provider admin: NOC engineer, customer admin.
  const std::vector<ScheduleEntry> whole_day = {{"DUB", kEveryDay, 0, 1440, 1}};
  for (const Principal* who : {&noc_, &technician_, &acme_admin_}) {
    auto refused = replace(*who, whole_day);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden) << who->name;
  }
  EXPECT_EQ(stored_schedule(), before);
  EXPECT_EQ(audit_rows("support_schedule"), 0);
}

TEST_P(SupportConfigTest, TheAuditRecordCommitsOrRollsBackWithTheChange) {
  const auto before = stored_schedule();
  auto failed = db_->with_transaction([&](soci::session& s) -> Result<bool> {
    auto replaced =
        replace_support_schedule(s, clock_, admin_, {{"DUB", kEveryDay, 0, 1440, 1}}, "x");
    if (!replaced.ok()) return Error{replaced.failure()};
    return Error{"a later step of the same transaction failed", ErrorKind::kInternal};
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(stored_schedule(), before);
  EXPECT_EQ(audit_rows("support_schedule"), 0);
}

TEST_P(SupportConfigTest, CentreLanguagesAreIso639AndAudited) {
  SupportCentre tulsa{"TUL", "Tulsa", "Tulsa, OK", "US", {"en", "es"}};
  auto updated = db_->with_transaction([&](soci::session& s) {
    return update_support_centre(s, clock_, admin_, tulsa, "hired Spanish speakers");
  });
  ASSERT_TRUE(updated.ok()) << updated.error();
  bool matched = false;
  EXPECT_EQ(on_duty(monday_at(3), "es", &matched), "TUL");
  EXPECT_TRUE(matched);
  EXPECT_EQ(audit_rows("support_centre"), 1);

  SupportCentre bad{"TUL", "", "Tulsa, OK", "USA", {"en", "xx", "en"}};
  auto refused = db_->with_transaction(
      [&](soci::session& s) { return update_support_centre(s, clock_, admin_, bad, ""); });
  ASSERT_FALSE(refused.ok());
  std::vector<std::string> where;
  for (const auto& f : refused.failure().fields)
    where.push_back(f.first);
  EXPECT_EQ(where, (std::vector<std::string>{"/name", "/country", "/languages/1", "/languages/2"}));
  auto forbidden = db_->with_transaction(
      [&](soci::session& s) { return update_support_centre(s, clock_, noc_, tulsa, ""); });
  EXPECT_EQ(forbidden.error_kind(), ErrorKind::kForbidden);
  SupportCentre paris{"PAR", "Paris", "Paris", "FR", {"fr"}};
  auto missing = db_->with_transaction(
      [&](soci::session& s) { return update_support_centre(s, clock_, admin_, paris, ""); });
  EXPECT_EQ(missing.error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(audit_rows("support_centre"), 1);
}

TEST_P(SupportConfigTest, SeedsTheSeveritiesMatrix) {
  auto matrix = db_->with_session([&](soci::session& s) { return severity_matrix(s); });
  ASSERT_TRUE(matrix.ok()) << matrix.error();
  ASSERT_EQ(matrix->size(), 4u);
  struct Expected {
    const char* name;
    int initial, update, restoration;
  };
  const Expected expected[] = {{"Critical", 15, 60, 240},
                               {"Major", 30, 120, 480},
                               {"Minor", 240, 1440, 4320},
                               {"Informational", 1440, 4320, 14400}};
  for (int i = 0; i < 4; ++i) {
    const auto& level = (*matrix)[static_cast<std::size_t>(i)];
    EXPECT_EQ(level.severity, i + 1);
    EXPECT_EQ(level.name, expected[i].name);
    EXPECT_FALSE(level.definition.empty());
    EXPECT_EQ(level.examples.size(), 3u);
    EXPECT_EQ(level.initial_response, minutes(expected[i].initial));
    EXPECT_EQ(level.update_interval, minutes(expected[i].update));
    EXPECT_EQ(level.restoration, minutes(expected[i].restoration));
  }
  auto one = db_->with_session([&](soci::session& s) { return severity_level(s, 2); });
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->name, "Major");
  for (int bad : {0, 5, -1}) {
    auto missing = db_->with_session([&](soci::session& s) { return severity_level(s, bad); });
    EXPECT_EQ(missing.error_kind(), ErrorKind::kNotFound);
  }
}

TEST_P(SupportConfigTest, ProviderAdminChangesASeverityLevel) {
  SeverityLevel level{1,           "Critical",  "Total outage.", {"Nothing is served"},
                      minutes(10), minutes(30), minutes(180)};
  auto changed = db_->with_transaction([&](soci::session& s) {
    return update_severity_level(s, clock_, admin_, level, "tighter targets");
  });
  ASSERT_TRUE(changed.ok()) << changed.error();
  EXPECT_EQ(changed->initial_response, minutes(10));
  EXPECT_EQ(changed->examples, (std::vector<std::string>{"Nothing is served"}));
  EXPECT_EQ(audit_rows("severity_level"), 1);

  SeverityLevel bad{1, "", "", {"", "ok"}, minutes(0), minutes(200000), minutes(60)};
  auto refused = db_->with_transaction(
      [&](soci::session& s) { return update_severity_level(s, clock_, admin_, bad, ""); });
  ASSERT_FALSE(refused.ok());
  std::vector<std::string> where;
  for (const auto& f : refused.failure().fields)
    where.push_back(f.first);
  EXPECT_EQ(where,
            (std::vector<std::string>{"/name", "/definition", "/examples/0",
                                      "/initial_response_minutes", "/update_interval_minutes"}));
  SeverityLevel slow_response = level;
  slow_response.initial_response = minutes(600);
  auto inverted = db_->with_transaction([&](soci::session& s) {
    return update_severity_level(s, clock_, admin_, slow_response, "");
  });
  ASSERT_FALSE(inverted.ok());
  EXPECT_EQ(inverted.failure().fields.at(0).first, "/initial_response_minutes");
  auto forbidden = db_->with_transaction(
      [&](soci::session& s) { return update_severity_level(s, clock_, technician_, level, ""); });
  EXPECT_EQ(forbidden.error_kind(), ErrorKind::kForbidden);
  auto after = db_->with_session([&](soci::session& s) { return severity_level(s, 1); });
  EXPECT_EQ(after->initial_response, minutes(10));
  EXPECT_EQ(audit_rows("severity_level"), 1);
}

TEST_P(SupportConfigTest, SeedsEscalationLevelsAndNamesTheirRecipients) {
  auto levels = db_->with_session([&](soci::session& s) { return escalation_levels(s); });
  ASSERT_TRUE(levels.ok()) << levels.error();
  ASSERT_EQ(levels->size(), 4u);
  EXPECT_EQ((*levels)[0].name, "Senior CDN support technician");
  EXPECT_EQ((*levels)[0].notify_role, Role::kCdnSupportTechnician);
  EXPECT_EQ((*levels)[1].notify_role, Role::kNocEngineer);
  EXPECT_EQ((*levels)[2].notify_account_team_role, Role::kCustomerCareManager);
  EXPECT_FALSE((*levels)[2].notify_role);
  EXPECT_EQ((*levels)[3].notify_role, Role::kProviderAdmin);

  const auto recipients = [&](int level, long long customer) {
    return db_->with_session(
        [&](soci::session& s) { return escalation_recipients(s, level, customer); });
  };
  auto first = recipients(1, acme_customer_);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->roles, std::vector<Role>{Role::kCdnSupportTechnician});
  EXPECT_TRUE(first->user_ids.empty());
  // Nobody in Acme's CCM slot yet: every customer care manager hears.
  auto unassigned = recipients(3, acme_customer_);
  ASSERT_TRUE(unassigned.ok());
  EXPECT_EQ(unassigned->roles, std::vector<Role>{Role::kCustomerCareManager});
  EXPECT_TRUE(unassigned->user_ids.empty());
  ASSERT_TRUE(db_->with_session([&](soci::session& s) -> Result<bool> {
                   s << "INSERT INTO account_team (customer_id, role, user_id)"
                        " VALUES (:c, 'customer_care_manager', :u)",
                       soci::use(acme_customer_), soci::use(ccm_.user_id);
                   return true;
                 })
                  .ok());
  auto assigned = recipients(3, acme_customer_);
  ASSERT_TRUE(assigned.ok());
  EXPECT_TRUE(assigned->roles.empty());
  EXPECT_EQ(assigned->user_ids, std::vector<long long>{ccm_.user_id});
  // Globex still has nobody assigned.
  EXPECT_EQ(recipients(3, globex_customer_)->roles, std::vector<Role>{Role::kCustomerCareManager});
  EXPECT_EQ(recipients(5, acme_customer_).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(recipients(0, acme_customer_).error_kind(), ErrorKind::kNotFound);
}

TEST_P(SupportConfigTest, EscalationLevelsAreReplacedWholeByProviderAdmins) {
  const std::vector<EscalationLevel> levels = {
      {1, "Shift lead", Role::kCdnSupportTechnician, std::nullopt, {technician_.user_id}},
      {2, "Duty manager", Role::kNocEngineer, std::nullopt, {}},
      {3, "Customer care", std::nullopt, Role::kCustomerCareManager, {noc_.user_id}}};
  const auto replace = [&](const Principal& who, const std::vector<EscalationLevel>& wanted) {
    return db_->with_transaction([&](soci::session& s) {
      return replace_escalation_levels(s, clock_, who, wanted, "three levels");
    });
  };
  auto replaced = replace(admin_, levels);
  ASSERT_TRUE(replaced.ok()) << replaced.error();
  ASSERT_EQ(replaced->size(), 3u);
  EXPECT_EQ((*replaced)[0].notify_user_ids, std::vector<long long>{technician_.user_id});
  auto top = db_->with_session(
      [&](soci::session& s) { return escalation_recipients(s, 3, globex_customer_); });
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top->user_ids, std::vector<long long>{noc_.user_id});
  EXPECT_EQ(top->roles, std::vector<Role>{Role::kCustomerCareManager});
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'escalation_levels'"), 1);

  // Bad numbering, no recipient, a customer user, a customer role, a repeated user.
  const std::vector<EscalationLevel> bad = {
      {1, "", std::nullopt, std::nullopt, {}},
      {3, "Skipped", Role::kAdmin, std::nullopt, {acme_admin_.user_id}},
      {3, "Twice", std::nullopt, Role::kNocEngineer, {noc_.user_id, noc_.user_id}}};
  auto refused = replace(admin_, bad);
  ASSERT_FALSE(refused.ok());
  std::vector<std::string> where;
  for (const auto& f : refused.failure().fields)
    where.push_back(f.first);
  EXPECT_EQ(where, (std::vector<std::string>{
                       "/levels/0/name", "/levels/0/notify_role", "/levels/1/level",
                       "/levels/1/notify_role", "/levels/1/notify_user_ids/0",
                       "/levels/2/notify_account_team_role", "/levels/2/notify_user_ids/1"}));
  EXPECT_FALSE(replace(admin_, {}).ok());
  EXPECT_EQ(replace(noc_, levels).error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(replace(acme_admin_, levels).error_kind(), ErrorKind::kForbidden);
  auto stored = db_->with_session([&](soci::session& s) { return escalation_levels(s); });
  EXPECT_EQ(stored->size(), 3u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'escalation_levels'"), 1);

  // Staff read them; customers may not.
  auto staff_read =
      db_->with_session([&](soci::session& s) { return escalation_levels_for(s, technician_); });
  EXPECT_TRUE(staff_read.ok());
  auto customer_read =
      db_->with_session([&](soci::session& s) { return escalation_levels_for(s, acme_admin_); });
  EXPECT_EQ(customer_read.error_kind(), ErrorKind::kForbidden);
}

INSTANTIATE_TEST_SUITE_P(Stores, SupportConfigTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
