// MTTR: the per-ticket walk (pure) and the report over a known set of tickets on SQLite and
// PostgreSQL — pending-customer time excluded, a reopened ticket counted once, month boundaries,
// rows per customer and severity, tenancy.
#include "control/mttr_report.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "support_fixture.hpp"

namespace candela::control {
namespace {

using namespace std::chrono;

SysTime utc(int month, int day, int hour, int minute = 0) {
  return sys_days{year{2026} / month / day} + hours(hour) + minutes(minute);
}

long long ms(int month, int day, int hour, int minute = 0) {
  return to_epoch_ms(utc(month, day, hour, minute));
}

constexpr long long kMinute = 60000;

TEST(RepairTime, CountsOnlyTheTimeTheClockRuns) {
  struct Case {
    const char* what;
    std::vector<StateChange> changes;
    long long repair_minutes, pending_minutes, resolved_minutes;
  };
  const long long created = ms(11, 2, 10);
  const long long resolved = ms(11, 2, 14);
  const std::vector<Case> cases = {
      {"straight through", {{ms(11, 2, 14), "in_progress", "resolved"}}, 240, 0, 0},
      {"two hours with the customer",
       {{ms(11, 2, 10, 10), "new", "acknowledged"},
        {ms(11, 2, 11), "acknowledged", "pending_customer"},
        {ms(11, 2, 13), "pending_customer", "in_progress"},
        {ms(11, 2, 14), "in_progress", "resolved"}},
       120,
       120,
       0},
      {"resolved straight from pending",
       {{ms(11, 2, 11), "new", "pending_customer"},
        {ms(11, 2, 14), "pending_customer", "resolved"}},
       60,
       180,
       0},
      {"resolved, reopened, resolved again",
       {{ms(11, 2, 11), "new", "resolved"},
        {ms(11, 2, 12), "resolved", "reopened"},
        {ms(11, 2, 12, 30), "reopened", "in_progress"},
        {ms(11, 2, 14), "in_progress", "resolved"}},
       180,
       0,
       60},
      {"closed before the reopening",
       {{ms(11, 2, 11), "new", "resolved"},
        {ms(11, 2, 11, 30), "resolved", "closed"},
        {ms(11, 2, 13), "closed", "reopened"},
        {ms(11, 2, 14), "reopened", "resolved"}},
       120,
       0,
       120},
      {"changes after the resolution are ignored",
       {{ms(11, 2, 14), "in_progress", "resolved"}, {ms(11, 3, 9), "resolved", "closed"}},
       240,
       0,
       0},
  };
  for (const auto& c : cases) {
    const auto time = repair_time(created, resolved, c.changes);
    EXPECT_EQ(time.repair_ms, c.repair_minutes * kMinute) << c.what;
    EXPECT_EQ(time.pending_customer_ms, c.pending_minutes * kMinute) << c.what;
    EXPECT_EQ(time.resolved_interval_ms, c.resolved_minutes * kMinute) << c.what;
  }
}

TEST(YearMonths, ParseFormatAndBoundaries) {
  EXPECT_EQ(parse_year_month("2026-11"), (YearMonth{2026, 11}));
  for (const char* bad :
       {"2026-13", "2026-00", "2026-1", "26-11", "2026/11", "2026-11-01", "", "abcd-ef", "1999-12"})
    EXPECT_FALSE(parse_year_month(bad)) << bad;
  EXPECT_EQ(format_year_month({2026, 3}), "2026-03");
  EXPECT_EQ(year_month_of(ms(11, 30, 23, 59)), (YearMonth{2026, 11}));
  EXPECT_EQ(year_month_of(ms(12, 1, 0)), (YearMonth{2026, 12}));
  EXPECT_EQ(month_start_ms({2026, 12}), ms(12, 1, 0));
  EXPECT_EQ(next_month({2026, 12}), (YearMonth{2027, 1}));
  EXPECT_EQ(months_between({2026, 10}, {2026, 11}), 2);
  EXPECT_EQ(months_between({2025, 12}, {2026, 1}), 2);
  EXPECT_EQ(months_between({2026, 11}, {2026, 10}), 0);
}

class MttrReportTest : public SupportStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SupportStoreTest::SetUp());
    // Acme, severity 1: 4 h open, 2 h of them pending the customer → 120 min.
    insert_ticket(acme_customer_, acme_, 1, utc(11, 2, 10),
                  {{utc(11, 2, 10, 10), "acknowledged"},
                   {utc(11, 2, 10, 20), "in_progress"},
                   {utc(11, 2, 11), "pending_customer"},
                   {utc(11, 2, 13), "in_progress"},
                   {utc(11, 2, 14), "resolved"}});
    // Acme, severity 1 (in a subgroup): 60 min.
    insert_ticket(acme_customer_, acme_video_, 1, utc(11, 5, 0),
                  {{utc(11, 5, 0, 5), "acknowledged"},
                   {utc(11, 5, 0, 10), "in_progress"},
                   {utc(11, 5, 1), "resolved"}});
    // Acme, severity 2, reopened a day later and resolved again: 2 h + 2 h, once, in November.
    insert_ticket(acme_customer_, acme_, 2, utc(11, 10, 8),
                  {{utc(11, 10, 8, 30), "acknowledged"},
                   {utc(11, 10, 9), "in_progress"},
                   {utc(11, 10, 10), "resolved"},
                   {utc(11, 11, 10), "reopened"},
                   {utc(11, 11, 10, 30), "in_progress"},
                   {utc(11, 11, 12), "resolved"},
                   {utc(11, 12, 12), "closed"}});
    // Globex, severity 1, opened in October, resolved just after midnight: November, 90 min.
    insert_ticket(globex_customer_, globex_, 1, utc(10, 31, 23),
                  {{utc(10, 31, 23, 15), "in_progress"}, {utc(11, 1, 0, 30), "resolved"}});
    // Globex, severity 1, resolved on the last evening of October: 90 min.
    insert_ticket(globex_customer_, globex_, 1, utc(10, 31, 22),
                  {{utc(10, 31, 22, 5), "in_progress"}, {utc(10, 31, 23, 30), "resolved"}});
    // Globex, severity 3, resolved straight from pending: 60 min, 240 min pending.
    insert_ticket(globex_customer_, globex_, 3, utc(11, 20, 0),
                  {{utc(11, 20, 1), "pending_customer"}, {utc(11, 20, 5), "resolved"}});
    // Acme, severity 3, resolved at the first instant of December: 30 min, December.
    insert_ticket(acme_customer_, acme_, 3, utc(11, 30, 23, 30), {{utc(12, 1, 0), "resolved"}});
    // Not counted: a service change, a ticket reopened and still open, an open ticket.
    insert_ticket(acme_customer_, acme_, 3, utc(11, 3, 0), {{utc(11, 3, 1), "resolved"}},
                  "service_change");
    insert_ticket(acme_customer_, acme_, 1, utc(11, 6, 0),
                  {{utc(11, 6, 1), "resolved"}, {utc(11, 7, 1), "reopened"}});
    insert_ticket(acme_customer_, acme_, 1, utc(11, 8, 0), {{utc(11, 8, 1), "in_progress"}});
  }

  Result<MttrReport> report(const Principal& who, const std::string& from, const std::string& to,
                            std::optional<std::string> customer = std::nullopt,
                            std::optional<int> severity = std::nullopt) {
    MttrQuery query{*parse_year_month(from), *parse_year_month(to), customer, severity};
    return db_->with_session([&](soci::session& s) { return mttr_report(s, who, query); });
  }
};

struct ExpectedRow {
  std::string month, customer;
  int severity, tickets;
  double mttr, pending;
};

void expect_rows(const MttrReport& report, const std::vector<ExpectedRow>& expected) {
  ASSERT_EQ(report.rows.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& row = report.rows[i];
    const auto& e = expected[i];
    EXPECT_EQ(row.month, e.month) << i;
    EXPECT_EQ(row.customer_number, e.customer) << i;
    EXPECT_EQ(row.severity, e.severity) << i;
    EXPECT_EQ(row.tickets, e.tickets) << i;
    EXPECT_DOUBLE_EQ(row.mttr_minutes, e.mttr) << i;
    EXPECT_DOUBLE_EQ(row.excluded_pending_minutes, e.pending) << i;
  }
}

TEST_P(MttrReportTest, StaffSeeEveryCustomerPerMonthAndSeverity) {
  auto result = report(admin_, "2026-10", "2026-11");
  ASSERT_TRUE(result.ok()) << result.error();
  expect_rows(*result, {{"2026-10", "C0000002", 1, 1, 90, 0},
                        {"2026-11", "C0000001", 1, 2, 90, 120},
                        {"2026-11", "C0000001", 2, 1, 240, 0},
                        {"2026-11", "C0000002", 1, 1, 90, 0},
                        {"2026-11", "C0000002", 3, 1, 60, 240}});
  EXPECT_EQ(result->rows[1].customer_name, "Acme Ltd");
  EXPECT_FALSE(result->rule.empty());
  ASSERT_EQ(result->totals.size(), 4u);
  EXPECT_EQ(result->totals[0].tickets, 4);  // 120, 60, 90, 90
  EXPECT_DOUBLE_EQ(*result->totals[0].mttr_minutes, 90);
  EXPECT_DOUBLE_EQ(result->totals[0].excluded_pending_minutes, 120);
  EXPECT_EQ(result->totals[1].tickets, 1);
  EXPECT_DOUBLE_EQ(*result->totals[1].mttr_minutes, 240);
  EXPECT_EQ(result->totals[2].tickets, 1);
  EXPECT_EQ(result->totals[3].tickets, 0);
  EXPECT_FALSE(result->totals[3].mttr_minutes);
}

TEST_P(MttrReportTest, MonthsFollowTheResolutionInUtc) {
  auto november = report(technician_, "2026-11", "2026-11");
  ASSERT_TRUE(november.ok()) << november.error();
  EXPECT_EQ(november->rows.size(), 4u);
  auto december = report(technician_, "2026-12", "2026-12");
  ASSERT_TRUE(december.ok()) << december.error();
  expect_rows(*december, {{"2026-12", "C0000001", 3, 1, 30, 0}});
  auto september = report(technician_, "2026-09", "2026-09");
  ASSERT_TRUE(september.ok());
  EXPECT_TRUE(september->rows.empty());
}

TEST_P(MttrReportTest, FiltersByCustomerAndSeverity) {
  auto globex = report(admin_, "2026-10", "2026-12", "C0000002", 1);
  ASSERT_TRUE(globex.ok()) << globex.error();
  expect_rows(*globex,
              {{"2026-10", "C0000002", 1, 1, 90, 0}, {"2026-11", "C0000002", 1, 1, 90, 0}});
  ASSERT_EQ(globex->totals.size(), 1u);
  EXPECT_EQ(globex->totals[0].severity, 1);
  EXPECT_EQ(globex->totals[0].tickets, 2);
}

TEST_P(MttrReportTest, CustomersSeeOnlyTheirOwnCustomers) {
  // A user of a subgroup sees its organisation's customer, as the organisation's admin does.
  for (const Principal* acme_user : {&acme_admin_, &video_technical_}) {
    auto acme = report(*acme_user, "2026-10", "2026-12");
    ASSERT_TRUE(acme.ok()) << acme.error();
    expect_rows(*acme, {{"2026-11", "C0000001", 1, 2, 90, 120},
                        {"2026-11", "C0000001", 2, 1, 240, 0},
                        {"2026-12", "C0000001", 3, 1, 30, 0}});
    EXPECT_EQ(acme->totals[0].tickets, 2);
  }
  auto other = report(acme_admin_, "2026-10", "2026-12", "C0000002");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error_kind(), ErrorKind::kNotFound);
  auto missing = report(acme_admin_, "2026-10", "2026-12", "C9999999");
  EXPECT_EQ(missing.error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(other.error(), "customer C0000002 not found");
  auto globex = report(globex_admin_, "2026-11", "2026-11");
  ASSERT_TRUE(globex.ok());
  expect_rows(*globex,
              {{"2026-11", "C0000002", 1, 1, 90, 0}, {"2026-11", "C0000002", 3, 1, 60, 240}});
}

TEST_P(MttrReportTest, RefusesBadRanges) {
  EXPECT_EQ(report(admin_, "2026-11", "2026-10").error_kind(), ErrorKind::kInvalid);
  EXPECT_EQ(report(admin_, "2023-01", "2026-01").error_kind(), ErrorKind::kInvalid);  // 37
  EXPECT_TRUE(report(admin_, "2023-02", "2026-01").ok());                             // 36
  EXPECT_EQ(report(admin_, "2026-11", "2026-11", std::nullopt, 5).error_kind(),
            ErrorKind::kInvalid);
}

INSTANTIATE_TEST_SUITE_P(Stores, MttrReportTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
