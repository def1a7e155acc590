// The cessation job's domain part on SQLite and PostgreSQL: a service is disconnected the day
// after the last day of its last item, once, and never while an item is still in service.
#include "control/service_cessation.hpp"

#include <gtest/gtest.h>

#include "contract_fixture.hpp"
#include "control/audit_log.hpp"

namespace candela::control {
namespace {

class ServiceCessationTest : public ContractStoreTest {
 protected:
  Result<std::vector<EndedService>> due(const CivilDate& today) {
    return db_->with_session([&](soci::session& s) { return services_to_cease(s, today); });
  }
  Result<std::optional<long long>> cease(const std::string& scid) {
    return db_->with_transaction([&](soci::session& s) { return cease_service(s, clock_, scid); });
  }
  ServiceState state_of(const std::string& scid) {
    auto service =
        db_->with_session([&](soci::session& s) { return Services(s, clock_).get(staff_, scid); });
    EXPECT_TRUE(service.ok()) << service.error();
    return service.ok() ? service->state : ServiceState::kPending;
  }
};

TEST_P(ServiceCessationTest, DisconnectsTheDayAfterTheLastItemEnds) {
  const std::string ending = service(acme_, "CUST-ACME");
  const std::string running = service(acme_, "CUST-ACME");
  const std::string bare = service(globex_, "CUST-GLOBEX");  // no items: never touched
  auto opened = open(ending, "CUST-ACME", {standard("cdn-delivery"), standard("log-delivery")},
                     d(2026, 1, 1));
  ASSERT_TRUE(opened.ok()) << opened.error();
  ASSERT_TRUE(open(running, "CUST-ACME", {standard("cdn-delivery")}, d(2026, 1, 1)).ok());
  ASSERT_TRUE(items([&](ServiceItems& s) {
                return s.end((*opened)[0].id, d(2026, 1, 20), "ORD-2026-000005");
              }).ok());
  ASSERT_TRUE(items([&](ServiceItems& s) {
                return s.end((*opened)[1].id, d(2026, 1, 10), "ORD-2026-000005");
              }).ok());

  auto on_last_day = due(d(2026, 1, 20));
  ASSERT_TRUE(on_last_day.ok()) << on_last_day.error();
  EXPECT_TRUE(on_last_day->empty());
  auto after = due(d(2026, 1, 21));
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ(after->front().scid, ending);
  EXPECT_EQ(after->front().last_day, d(2026, 1, 20));

  clock_.set(start_of_day(d(2026, 1, 21)) + std::chrono::hours(3));
  EXPECT_FALSE(cease(running)->has_value());  // still in service: untouched
  auto ceased = cease(ending);
  ASSERT_TRUE(ceased.ok()) << ceased.error();
  EXPECT_TRUE(ceased->has_value());  // a feed event for the edges
  EXPECT_EQ(state_of(ending), ServiceState::kDisconnected);
  EXPECT_EQ(state_of(running), ServiceState::kActive);
  EXPECT_EQ(state_of(bare), ServiceState::kActive);

  auto trail = db_->with_session([&](soci::session& s) {
    return AuditLog(s, clock_).list_for_entity("service", ending, 0, 50);
  });
  ASSERT_TRUE(trail.ok());
  ASSERT_FALSE(trail->records.empty());
  EXPECT_EQ(trail->records.back().entry.to_state, "disconnected");
  EXPECT_EQ(trail->records.back().entry.reason, "contract ended: last day 2026-01-20");

  // Idempotent: nothing left to do.
  auto again = due(d(2026, 1, 22));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  EXPECT_FALSE(cease(ending)->has_value());
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, ServiceCessationTest,
                         ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace candela::control
