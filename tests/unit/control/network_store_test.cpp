// The edge network on SQLite and PostgreSQL: monitors' health reports (validated as a whole,
// nothing stored on error, newer reports win), their freshness window, the topology (active edges
// of one network, drains, health, answerable services, who may read it) and the registration's
// admin address and capacity.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <cmath>
#include <limits>

#include "control/edge_health.hpp"
#include "control/edge_registry.hpp"
#include "control/network_topology.hpp"
#include "noc_fixture.hpp"

namespace candela::control {
namespace {

using std::chrono::seconds;

class NetworkStoreTest : public NocStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(NocStoreTest::SetUp());
    auto seeded = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      auto second = NocMonitors(s, clock_, random_).create(system_principal(), "monitor-2", "");
      if (!second.ok()) return Error{second.failure()};
      s << "UPDATE edges SET role = 'shield', cache_group = 'ams1' WHERE edge_id = 'edge-b'";
      s << "UPDATE edges SET network = 'staging' WHERE edge_id = 'edge-c'";
      return true;
    });
    ASSERT_TRUE(seeded.ok()) << seeded.error();
  }

  static HealthReportEdge report_edge(const std::string& id, MonitorState state, SysTime since) {
    HealthReportEdge edge;
    edge.edge_id = id;
    edge.state = state;
    edge.since = since;
    edge.requests_per_second = 12.5;
    edge.bytes_per_second = 10240.0;
    edge.error_rate = 0.25;
    edge.overloaded = false;
    edge.detail = "ok";
    return edge;
  }

  Result<int> store(const std::string& monitor, const HealthReport& report) {
    return db_->with_transaction(
        [&](soci::session& s) { return EdgeHealthStore(s, clock_).store(monitor, report); });
  }

  Result<std::map<std::string, MonitorHealth>> fresh() {
    return db_->with_session(
        [&](soci::session& s) { return fresh_monitor_health(s, clock_.now()); });
  }

  Result<NetworkTopology> topology(const TopologyReader& reader,
                                   EdgeNetwork network = EdgeNetwork::kProduction) {
    return db_->with_session(
        [&](soci::session& s) { return network_topology(s, clock_, reader, network); });
  }

  static TopologyReader as_monitor() {
    TopologyReader reader;
    reader.monitor_id = "monitor-1";
    return reader;
  }

  static bool has_field(const Error& error, const std::string& pointer) {
    for (const auto& [at, message] : error.fields)
      if (at == pointer) return true;
    return false;
  }
};

TEST_P(NetworkStoreTest, StoresAReportAndReadsItBackExactly) {
  const SysTime since = clock_.now() - seconds(60);
  HealthReport report{clock_.now(),
                      {report_edge("edge-a", MonitorState::kUp, since),
                       report_edge("edge-b", MonitorState::kDraining, since)}};
  auto stored = store("monitor-1", report);
  ASSERT_TRUE(stored.ok()) << stored.error();
  EXPECT_EQ(*stored, 2);
  auto health = fresh();
  ASSERT_TRUE(health.ok()) << health.error();
  ASSERT_EQ(health->size(), 2u);
  const MonitorHealth& a = health->at("edge-a");
  EXPECT_EQ(a.monitor_id, "monitor-1");
  EXPECT_EQ(a.state, MonitorState::kUp);
  EXPECT_EQ(a.since, since);
  EXPECT_EQ(a.checked_at, clock_.now());
  EXPECT_DOUBLE_EQ(a.requests_per_second, 12.5);
  EXPECT_DOUBLE_EQ(a.bytes_per_second, 10240.0);
  EXPECT_DOUBLE_EQ(a.error_rate, 0.25);
  EXPECT_FALSE(a.overloaded);
  EXPECT_EQ(a.detail, "ok");
  EXPECT_EQ(health->at("edge-b").state, MonitorState::kDraining);
}

TEST_P(NetworkStoreTest, ANewReportReplacesTheMonitorsPreviousOneButNotANewerOne) {
  const SysTime start = clock_.now();
  ASSERT_TRUE(store("monitor-1", {start, {report_edge("edge-a", MonitorState::kUp, start)}}).ok());
  clock_.advance(seconds(5));
  auto down = report_edge("edge-a", MonitorState::kDown, clock_.now());
  down.detail = "connect refused";
  auto stored = store("monitor-1", {clock_.now(), {down}});
  ASSERT_TRUE(stored.ok()) << stored.error();
  EXPECT_EQ(*stored, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM edge_health"), 1);
  // A retried report observed before the stored one is ignored (and not counted).
  auto late = store("monitor-1", {start, {report_edge("edge-a", MonitorState::kUp, start)}});
  ASSERT_TRUE(late.ok()) << late.error();
  EXPECT_EQ(*late, 0);
  auto health = fresh();
  ASSERT_TRUE(health.ok()) << health.error();
  EXPECT_EQ(health->at("edge-a").state, MonitorState::kDown);
  EXPECT_EQ(health->at("edge-a").detail, "connect refused");
}

TEST_P(NetworkStoreTest, TheFreshestMonitorWinsAndReportsOlderThanThirtySecondsAreIgnored) {
  const SysTime start = clock_.now();
  ASSERT_TRUE(store("monitor-1", {start, {report_edge("edge-a", MonitorState::kUp, start)}}).ok());
  clock_.advance(seconds(10));
  ASSERT_TRUE(
      store("monitor-2", {clock_.now(), {report_edge("edge-a", MonitorState::kDown, start)}}).ok());
  auto health = fresh();
  ASSERT_TRUE(health.ok()) << health.error();
  EXPECT_EQ(health->at("edge-a").monitor_id, "monitor-2");
  EXPECT_EQ(health->at("edge-a").state, MonitorState::kDown);
  // 30 s after monitor-2's report it still counts; a moment later nothing does.
  clock_.advance(seconds(30));
  health = fresh();
  ASSERT_TRUE(health.ok()) << health.error();
  EXPECT_EQ(health->count("edge-a"), 1u);
  clock_.advance(std::chrono::milliseconds(1));
  health = fresh();
  ASSERT_TRUE(health.ok()) << health.error();
  EXPECT_TRUE(health->empty());
}

TEST_P(NetworkStoreTest, AnInvalidReportIsRefusedWithPointersAndNothingIsStored) {
  const SysTime now = clock_.now();
  auto good = report_edge("edge-a", MonitorState::kUp, now);
  auto unknown = report_edge("edge-zz", MonitorState::kUp, now);
  auto bad_numbers = report_edge("edge-b", MonitorState::kUp, now);
  bad_numbers.requests_per_second = -1;
  bad_numbers.bytes_per_second = std::numeric_limits<double>::infinity();
  bad_numbers.error_rate = 1.5;
  bad_numbers.detail = "two\nlines";
  auto repeated = report_edge("edge-a", MonitorState::kUp, now + seconds(1));
  auto refused = store("monitor-1", {now, {good, unknown, bad_numbers, repeated}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  for (const char* pointer :
       {"/edges/1/edge_id", "/edges/2/requests_per_second", "/edges/2/bytes_per_second",
        "/edges/2/error_rate", "/edges/2/detail", "/edges/3/edge_id", "/edges/3/since"}) {
    EXPECT_TRUE(has_field(refused.failure(), pointer)) << pointer;
  }
  EXPECT_FALSE(has_field(refused.failure(), "/edges/0/edge_id"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM edge_health"), 0);

  auto long_detail = report_edge("edge-a", MonitorState::kUp, now);
  long_detail.detail = std::string(EdgeHealthStore::kMaxDetailLength + 1, 'x');
  auto too_long = store("monitor-1", {now, {long_detail}});
  ASSERT_FALSE(too_long.ok());
  EXPECT_TRUE(has_field(too_long.failure(), "/edges/0/detail"));
  auto nan_rate = report_edge("edge-a", MonitorState::kUp, now);
  nan_rate.error_rate = std::nan("");
  auto not_a_number = store("monitor-1", {now, {nan_rate}});
  ASSERT_FALSE(not_a_number.ok());
  EXPECT_TRUE(has_field(not_a_number.failure(), "/edges/0/error_rate"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM edge_health"), 0);
}

TEST_P(NetworkStoreTest, ObservedAtMayBeAtMostSixtySecondsAhead) {
  const SysTime ahead = clock_.now() + seconds(60);
  ASSERT_TRUE(store("monitor-1", {ahead, {report_edge("edge-a", MonitorState::kUp, ahead)}}).ok());
  const SysTime too_far = clock_.now() + seconds(61);
  auto refused = store("monitor-1", {too_far, {report_edge("edge-b", MonitorState::kUp, too_far)}});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(has_field(refused.failure(), "/observed_at"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM edge_health WHERE edge_id = 'edge-b'"), 0);
}

TEST_P(NetworkStoreTest, TopologyListsTheActiveEdgesOfOneNetworkWithDrainAndHealth) {
  const long long now = to_epoch_ms(clock_.now());
  auto drained = db_->with_transaction([&](soci::session& s) -> Result<bool> {
    s << "INSERT INTO edges (edge_id, cache_group, address, role, node_token_hash, active,"
         " registered_at) VALUES ('edge-off', 'lon1', '127.0.0.1:2', 'edge', 'x', 0, 0)";
    s << "INSERT INTO maintenance_windows (reference, kind, impact, state, title, starts_at,"
         " ends_at, created_at, updated_at) VALUES ('MNT-2026-000001', 'scheduled',"
         " 'non_service_affecting', 'in_progress', 'swap disks', :a, :b, :c, :d)",
        soci::use(now), soci::use(now + 3600000), soci::use(now), soci::use(now);
    s << "INSERT INTO maintenance_targets (window_id, edge_id) SELECT id, 'edge-b'"
         " FROM maintenance_windows WHERE reference = 'MNT-2026-000001'";
    return true;
  });
  ASSERT_TRUE(drained.ok()) << drained.error();
  ASSERT_TRUE(store("monitor-1", {clock_.now(),
                                  {report_edge("edge-a", MonitorState::kUp, clock_.now()),
                                   report_edge("edge-c", MonitorState::kDown, clock_.now())}})
                  .ok());

  auto production = topology(as_monitor());
  ASSERT_TRUE(production.ok()) << production.error();
  EXPECT_EQ(production->network, EdgeNetwork::kProduction);
  EXPECT_EQ(production->generated_at, clock_.now());
  ASSERT_EQ(production->edges.size(), 2u);  // edge-c is staging, edge-off inactive
  const TopologyEdge& a = production->edges[0];
  EXPECT_EQ(a.edge.edge_id, "edge-a");
  EXPECT_FALSE(a.draining);
  ASSERT_TRUE(a.health.has_value());
  EXPECT_EQ(a.health->state, MonitorState::kUp);
  const TopologyEdge& b = production->edges[1];
  EXPECT_EQ(b.edge.edge_id, "edge-b");
  EXPECT_EQ(b.edge.role, EdgeRole::kShield);
  EXPECT_EQ(b.edge.cache_group, "ams1");
  EXPECT_TRUE(b.draining);
  EXPECT_EQ(b.maintenance_reference, "MNT-2026-000001");
  EXPECT_FALSE(b.health.has_value());
  // Active and suspended services, sorted; the fixture has five services, all answerable.
  std::vector<std::string> expected = {acme_scid_, globex_scid_, video_recent_scid_,
                                       video_old_scid_, suspended_scid_};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(production->services, expected);

  auto staging = topology(as_monitor(), EdgeNetwork::kStaging);
  ASSERT_TRUE(staging.ok()) << staging.error();
  ASSERT_EQ(staging->edges.size(), 1u);
  EXPECT_EQ(staging->edges[0].edge.edge_id, "edge-c");
  ASSERT_TRUE(staging->edges[0].health.has_value());
  EXPECT_EQ(staging->edges[0].health->state, MonitorState::kDown);
}

TEST_P(NetworkStoreTest, PendingAndDisconnectedServicesAreNotAnswered) {
  const std::string pending = service(acme_, "CUST-ACME", ServiceState::kPending);
  const std::string gone = service(acme_, "CUST-ACME", ServiceState::kDisconnected);
  auto built = topology(as_monitor());
  ASSERT_TRUE(built.ok()) << built.error();
  EXPECT_EQ(std::count(built->services.begin(), built->services.end(), pending), 0);
  EXPECT_EQ(std::count(built->services.begin(), built->services.end(), gone), 0);
  EXPECT_EQ(std::count(built->services.begin(), built->services.end(), suspended_scid_), 1);
}

TEST_P(NetworkStoreTest, StaffEdgesOfTheSameNetworkAndMonitorsMayReadTheTopology) {
  TopologyReader staff;
  staff.principal = noc_engineer_;
  EXPECT_TRUE(topology(staff).ok());
  TopologyReader customer;
  customer.principal = acme_admin_;
  auto refused = topology(customer);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden);
  TopologyReader nobody;
  EXPECT_EQ(topology(nobody).error_kind(), ErrorKind::kForbidden);

  Edge edge;
  edge.edge_id = "edge-c";
  edge.network = EdgeNetwork::kStaging;
  TopologyReader staging_edge;
  staging_edge.edge = edge;
  EXPECT_TRUE(topology(staging_edge, EdgeNetwork::kStaging).ok());
  auto other_network = topology(staging_edge, EdgeNetwork::kProduction);
  ASSERT_FALSE(other_network.ok());
  EXPECT_EQ(other_network.error_kind(), ErrorKind::kForbidden);
}

TEST_P(NetworkStoreTest, RegistrationStoresAdminAddressAndCapacityAndKeepsThemWhenAbsent) {
  auto registered = db_->with_transaction([&](soci::session& s) -> Result<Edge> {
    EdgeRegistry registry(s, clock_, random_);
    Edge edge;
    edge.edge_id = "edge-a";
    edge.cache_group = "lon1";
    Registration first;
    first.address = "127.0.0.1:8081";
    first.admin_address = "127.0.0.1:9181";
    first.capacity = EdgeCapacity{20000, 125000000};
    auto result = registry.register_edge(edge, first);
    if (!result.ok()) return result;
    Registration again;  // an older edge: no admin address, no capacity
    again.address = "127.0.0.1:8082";
    return registry.register_edge(edge, again);
  });
  ASSERT_TRUE(registered.ok()) << registered.error();
  EXPECT_EQ(registered->address, "127.0.0.1:8082");
  EXPECT_EQ(registered->admin_address, "127.0.0.1:9181");
  EXPECT_EQ(registered->capacity, (EdgeCapacity{20000, 125000000}));
  auto listed = topology(as_monitor());
  ASSERT_TRUE(listed.ok()) << listed.error();
  EXPECT_EQ(listed->edges[0].edge.admin_address, "127.0.0.1:9181");
  EXPECT_EQ(listed->edges[0].edge.capacity, (EdgeCapacity{20000, 125000000}));
  EXPECT_FALSE(listed->edges[1].edge.admin_address.has_value());
  EXPECT_EQ(listed->edges[1].edge.capacity, EdgeCapacity{});
}

TEST_P(NetworkStoreTest, AnInvalidRegistrationNamesEveryBadMemberAndStoresNothing) {
  auto refused = db_->with_transaction([&](soci::session& s) -> Result<Edge> {
    Edge edge;
    edge.edge_id = "edge-a";
    Registration bad;
    bad.address = "127.0.0.1:8081";
    bad.admin_address = "no-port";
    bad.capacity = EdgeCapacity{-1, EdgeRegistry::kMaxCapacity + 1};
    return EdgeRegistry(s, clock_, random_).register_edge(edge, bad);
  });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  EXPECT_TRUE(has_field(refused.failure(), "/admin_address"));
  EXPECT_TRUE(has_field(refused.failure(), "/capacity/requests_per_second"));
  EXPECT_TRUE(has_field(refused.failure(), "/capacity/bytes_per_second"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM edges WHERE admin_address IS NOT NULL OR last_seen IS NOT"
                  " NULL OR address = '127.0.0.1:8081'"),
            0);
}

TEST_P(NetworkStoreTest, TheDatabaseRefusesBadHealthRowsFromAnyCodePath) {
  auto attempt = [&](const std::string& values) {
    return db_->with_transaction([&](soci::session& s) -> Result<bool> {
      s << "INSERT INTO edge_health (monitor_id, edge_id, state, since, checked_at,"
           " requests_per_second, bytes_per_second, error_rate, overloaded, detail) VALUES (" +
               values + ")";
      return true;
    });
  };
  EXPECT_TRUE(attempt("'monitor-1', 'edge-a', 'up', 0, 0, 1.5, 2.5, 0.5, 0, ''").ok());
  EXPECT_FALSE(attempt("'monitor-2', 'edge-a', 'sideways', 0, 0, 0, 0, 0, 0, ''").ok());
  EXPECT_FALSE(attempt("'monitor-2', 'edge-a', 'up', 0, 0, -1, 0, 0, 0, ''").ok());
  EXPECT_FALSE(attempt("'monitor-2', 'edge-a', 'up', 0, 0, 0, 0, 2, 0, ''").ok());
  EXPECT_FALSE(attempt("'monitor-2', 'edge-nope', 'up', 0, 0, 0, 0, 0, 0, ''").ok());
  EXPECT_FALSE(attempt("'monitor-1', 'edge-a', 'up', 0, 0, 0, 0, 0, 0, ''").ok());  // primary key
  EXPECT_EQ(count("SELECT COUNT(*) FROM edge_health"), 1);
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, NetworkStoreTest,
                         ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
