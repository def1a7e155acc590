// services_served_by on SQLite and PostgreSQL: which active services had usage minutes on the
// given edges since a time — the "affected services" rule of NOC events and maintenance windows.
#include "control/edge_traffic.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>

#include "service_fixture.hpp"

namespace candela::control {
namespace {

constexpr long long kMinute = 60'000;
constexpr long long kDay = 24 * 60 * kMinute;
// Whole minutes before the store tests' clock (2026-01-01T00:00:00Z).
const long long kNow = to_epoch_ms(kStoreTestStart);

class EdgeTrafficTest : public ServiceStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceStoreTest::SetUp());
    acme_scid_ = service(acme_, "CUST-ACME");
    video_scid_ = service(acme_video_, "CUST-ACME");
    globex_scid_ = service(globex_, "CUST-GLOBEX");
  }

  // One usage minute of `scid`'s property on `edge` (counters are irrelevant to the rule).
  void minute(const std::string& edge, const std::string& scid, const std::string& property,
              long long at) {
    auto stored = db_->with_session([&](soci::session& s) -> Result<bool> {
      s << "INSERT INTO usage_minute (edge_id, scid, property, minute, revision, requests, bytes,"
           " body_bytes, fill_bytes, hits, misses, stale, revalidated, passes, errors, status_1xx,"
           " status_2xx, status_3xx, status_4xx, status_5xx, http, https, peak_rps)"
           " VALUES (:e, :s, :p, :m, 1, 1, 100, 50, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1)",
          soci::use(edge), soci::use(scid), soci::use(property), soci::use(at);
      return true;
    });
    ASSERT_TRUE(stored.ok()) << stored.error();
  }

  std::vector<ServedService> served(const std::vector<std::string>& edges, long long since) {
    auto found = db_->with_session(
        [&](soci::session& s) { return services_served_by(s, edges, from_epoch_ms(since)); });
    EXPECT_TRUE(found.ok()) << (found.ok() ? "" : found.error());
    return found.ok() ? found.value() : std::vector<ServedService>{};
  }

  static std::vector<std::string> scids(const std::vector<ServedService>& services) {
    std::vector<std::string> out;
    for (const auto& s : services)
      out.push_back(s.scid);
    return out;
  }

  long long customer_id(const std::string& number) {
    return count("SELECT id FROM customers WHERE customer_number = '" + number + "'");
  }

  std::string acme_scid_, video_scid_, globex_scid_;
};

TEST_P(EdgeTrafficTest, EachServiceWithTrafficOnTheEdgeOnceWithItsCustomerAndGroup) {
  // Several properties and minutes of one service count once.
  minute("edge-a", acme_scid_, "www", kNow - 10 * kMinute);
  minute("edge-a", acme_scid_, "img", kNow - 10 * kMinute);
  minute("edge-a", acme_scid_, "www", kNow - 5 * kMinute);
  minute("edge-a", globex_scid_, "www", kNow - 3 * kMinute);
  const auto found = served({"edge-a"}, kNow - 60 * kMinute);
  ASSERT_EQ(found.size(), 2u);
  std::vector<std::string> expected = {acme_scid_, globex_scid_};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(scids(found), expected);  // ordered by SCID
  for (const auto& s : found) {
    if (s.scid == acme_scid_) {
      EXPECT_EQ(s.customer_id, customer_id("CUST-ACME"));
      EXPECT_EQ(s.access_group_id, acme_);
    } else {
      EXPECT_EQ(s.customer_id, customer_id("CUST-GLOBEX"));
      EXPECT_EQ(s.access_group_id, globex_);
    }
  }
}

TEST_P(EdgeTrafficTest, OnlyTheNamedEdgesCountAndEveryOneOfThem) {
  minute("edge-a", acme_scid_, "www", kNow - kMinute);
  minute("edge-b", video_scid_, "www", kNow - kMinute);
  minute("edge-c", globex_scid_, "www", kNow - kMinute);
  EXPECT_EQ(scids(served({"edge-b"}, kNow - kDay)), std::vector<std::string>{video_scid_});
  auto two = scids(served({"edge-a", "edge-b"}, kNow - kDay));
  std::vector<std::string> expected = {acme_scid_, video_scid_};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(two, expected);
  // The same service on two named edges is still listed once.
  minute("edge-b", acme_scid_, "www", kNow - kMinute);
  EXPECT_EQ(served({"edge-a", "edge-b"}, kNow - kDay).size(), 2u);
  EXPECT_TRUE(served({"edge-unknown"}, kNow - kDay).empty());
  EXPECT_TRUE(served({}, kNow - kDay).empty());
}

TEST_P(EdgeTrafficTest, MinutesBeforeSinceDoNotCountAndSinceItselfDoes) {
  const long long since = kNow - kDay;
  minute("edge-a", acme_scid_, "www", since - kMinute);  // a minute too old
  minute("edge-a", globex_scid_, "www", since);          // exactly at the boundary
  EXPECT_EQ(scids(served({"edge-a"}, since)), std::vector<std::string>{globex_scid_});
  EXPECT_EQ(served({"edge-a"}, since - kMinute).size(), 2u);
  EXPECT_TRUE(served({"edge-a"}, since + kMinute).empty());
}

TEST_P(EdgeTrafficTest, OnlyActiveServicesAreServed) {
  const std::string suspended = service(acme_, "CUST-ACME", ServiceState::kSuspended);
  const std::string disconnected = service(globex_, "CUST-GLOBEX", ServiceState::kDisconnected);
  const std::string pending = service(globex_, "CUST-GLOBEX", ServiceState::kPending);
  for (const auto& scid : {suspended, disconnected, pending, acme_scid_})
    minute("edge-a", scid, "www", kNow - kMinute);
  EXPECT_EQ(scids(served({"edge-a"}, kNow - kDay)), std::vector<std::string>{acme_scid_});
}

INSTANTIATE_TEST_SUITE_P(Stores, EdgeTrafficTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
