// Reference numbers: per kind and year, consecutive, never reused, also under concurrency.
#include "control/reference_numbers.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "store_test.hpp"

namespace candela::control {
namespace {

class ReferenceNumbersTest : public StoreTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(open_store(true)); }

  std::string allocate(ReferenceKind kind, SysTime at) {
    auto made = db_->with_transaction(
        [&](soci::session& session) { return next_reference(session, kind, at); });
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error());
    return made.ok() ? made.value() : "";
  }
};

TEST_P(ReferenceNumbersTest, CountsPerKindAndYearFromOne) {
  const SysTime y2026 = kStoreTestStart;
  const SysTime y2027 = from_epoch_ms(1798761600000);  // 2027-01-01T00:00:00Z
  EXPECT_EQ(allocate(ReferenceKind::kTicket, y2026), "TKT-2026-000001");
  EXPECT_EQ(allocate(ReferenceKind::kTicket, y2026), "TKT-2026-000002");
  EXPECT_EQ(allocate(ReferenceKind::kMaintenance, y2026), "MNT-2026-000001");
  EXPECT_EQ(allocate(ReferenceKind::kNocEvent, y2026), "EVT-2026-000001");
  EXPECT_EQ(allocate(ReferenceKind::kTicket, y2027), "TKT-2027-000001");
  EXPECT_EQ(allocate(ReferenceKind::kTicket, y2026), "TKT-2026-000003");
}

TEST_P(ReferenceNumbersTest, ARolledBackTransactionGivesItsNumberBack) {
  auto failed = db_->with_transaction([&](soci::session& session) -> Result<std::string> {
    auto made = next_reference(session, ReferenceKind::kOrder, kStoreTestStart);
    EXPECT_TRUE(made.ok());
    return Error{"the order was refused", ErrorKind::kInvalid};
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(allocate(ReferenceKind::kOrder, kStoreTestStart), "ORD-2026-000001");
}

TEST_P(ReferenceNumbersTest, ConcurrentTransactionsNeverShareANumber) {
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::mutex mutex;
  std::set<std::string> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        const std::string reference = allocate(ReferenceKind::kTicket, kStoreTestStart);
        std::lock_guard lock(mutex);
        seen.insert(reference);
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_TRUE(seen.contains("TKT-2026-000100"));
  EXPECT_FALSE(seen.contains(""));
}

INSTANTIATE_TEST_SUITE_P(Dialects, ReferenceNumbersTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
