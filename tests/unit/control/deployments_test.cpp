// Deployments: a stored version goes to staging or production through one feed event committed
// with its deployment row; rollback steps back through older versions; per-edge status comes
// from the edges' acknowledgements.
#include "control/deployments.hpp"

#include <gtest/gtest.h>

#include "control/configuration_store.hpp"
#include "control/edge_translation.hpp"
#include "control/feed.hpp"
#include "service_fixture.hpp"

namespace candela::control {
namespace {

using nlohmann::json;

class DeploymentsTest : public ServiceStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceStoreTest::SetUp());
    scid_ = service(acme_, "CUST-ACME");
    for (int v = 1; v <= 3; ++v) {
      ASSERT_NO_FATAL_FAILURE(
          save(scid_, document(scid_, "www.acme.example", "o" + std::to_string(v) + ".example")));
    }
  }

  void save(const std::string& scid, const json& doc) {
    auto saved = db_->with_transaction([&](soci::session& s) {
      return ConfigurationStore(s, clock_).create(staff_, scid, doc, "", std::nullopt);
    });
    ASSERT_TRUE(saved.ok()) << saved.error();
  }
  Result<Deployment> deploy(const Principal& p, const std::string& scid, int version,
                            Environment env, const std::string& comment = "") {
    return db_->with_transaction([&](soci::session& s) {
      return Deployments(s, clock_).deploy(p, scid, {version, env, comment});
    });
  }
  Result<Deployment> rollback(const Principal& p, Environment env) {
    return db_->with_transaction(
        [&](soci::session& s) { return Deployments(s, clock_).rollback(p, scid_, env, ""); });
  }
  Result<CurrentDeployments> current(const Principal& p) {
    return db_->with_transaction(
        [&](soci::session& s) { return Deployments(s, clock_).current(p, scid_); });
  }
  // The deployment events in the feed (the services' state changes are events of their own).
  std::vector<FeedEvent> feed() {
    auto events =
        db_->with_session([&](soci::session& s) { return Feed(s, clock_).after(0, 100); });
    EXPECT_TRUE(events.ok()) << events.error();
    std::vector<FeedEvent> deployments;
    for (auto& e : events.ok() ? events.value() : std::vector<FeedEvent>{}) {
      if (e.kind == "deployment") deployments.push_back(std::move(e));
    }
    return deployments;
  }

  std::string scid_;
};

TEST_P(DeploymentsTest, DeployingAppendsOneFeedEventWithTheEdgeProperties) {
  clock_.advance(std::chrono::seconds(9));
  auto deployed = deploy(acme_technical_, scid_, 2, Environment::kProduction, "go live");
  ASSERT_TRUE(deployed.ok()) << deployed.error();
  EXPECT_EQ(deployed->version, 2);
  EXPECT_EQ(deployed->environment, Environment::kProduction);
  EXPECT_EQ(deployed->action, "deploy");
  EXPECT_EQ(deployed->comment, "go live");
  EXPECT_EQ(deployed->requested_by, acme_technical_.user_id);

  auto events = feed();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].sequence, deployed->feed_sequence);
  EXPECT_EQ(events[0].kind, "deployment");
  auto stored = db_->with_session(
      [&](soci::session& s) { return ConfigurationStore(s, clock_).load(scid_, 2); });
  ASSERT_TRUE(stored.ok());
  const json expected = {
      {"deployment_id", deployed->id},
      {"scid", scid_},
      {"version", 2},
      {"environment", "production"},
      {"properties", to_edge_properties(parse_configuration(stored->document).value())}};
  EXPECT_EQ(events[0].payload, expected);

  auto now = current(acme_read_only_);
  ASSERT_TRUE(now.ok()) << now.error();
  ASSERT_TRUE(now->production.has_value());
  EXPECT_EQ(now->production->id, deployed->id);
  EXPECT_EQ(now->production->requested_by_name, "Tom Acme");
  EXPECT_EQ(to_epoch_ms(now->production->requested_at), to_epoch_ms(kStoreTestStart) + 9000);
  EXPECT_FALSE(now->staging.has_value());

  auto again = db_->with_transaction(
      [&](soci::session& s) { return Deployments(s, clock_).get(acme_read_only_, deployed->id); });
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again->feed_sequence, deployed->feed_sequence);
}

TEST_P(DeploymentsTest, TheServiceStateDecidesWhereItMayBeDeployed) {
  const std::string pending = service(acme_, "CUST-ACME", ServiceState::kPending);
  ASSERT_NO_FATAL_FAILURE(save(pending, document(pending, "p.acme.example")));
  EXPECT_TRUE(deploy(staff_, pending, 1, Environment::kStaging).ok());
  auto production = deploy(staff_, pending, 1, Environment::kProduction);
  ASSERT_FALSE(production.ok());
  EXPECT_EQ(production.error_kind(), ErrorKind::kConflict);
  EXPECT_NE(production.error().find("staging only"), std::string::npos);

  auto suspended = db_->with_transaction([&](soci::session& s) {
    return Services(s, clock_).change_state(staff_, scid_, ServiceState::kSuspended, "unpaid");
  });
  ASSERT_TRUE(suspended.ok()) << suspended.error();
  for (Environment env : {Environment::kStaging, Environment::kProduction}) {
    auto refused = deploy(staff_, scid_, 1, env);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error_kind(), ErrorKind::kConflict);
  }
  EXPECT_EQ(feed().size(), 1u) << "only the pending service's staging deployment";
}

TEST_P(DeploymentsTest, AnUnknownVersionIsLocatedAtVersionAndNothingIsSent) {
  auto refused = deploy(staff_, scid_, 4, Environment::kStaging);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  ASSERT_EQ(refused.failure().fields.size(), 1u);
  EXPECT_EQ(refused.failure().fields[0].first, "/version");
  EXPECT_NE(refused.failure().fields[0].second.find("1 to 3"), std::string::npos);
  EXPECT_TRUE(feed().empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM deployments"), 0);
}

TEST_P(DeploymentsTest, ReadOnlyUsersCannotDeployAndOtherCustomersCannotSee) {
  auto read_only = deploy(acme_read_only_, scid_, 1, Environment::kStaging);
  ASSERT_FALSE(read_only.ok());
  EXPECT_EQ(read_only.error_kind(), ErrorKind::kForbidden);
  auto stranger = deploy(globex_admin_, scid_, 1, Environment::kStaging);
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error_kind(), ErrorKind::kNotFound);
  auto deployed = deploy(staff_, scid_, 1, Environment::kStaging);
  ASSERT_TRUE(deployed.ok()) << deployed.error();
  auto hidden = db_->with_transaction(
      [&](soci::session& s) { return Deployments(s, clock_).get(globex_admin_, deployed->id); });
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(hidden.error(), "deployment " + std::to_string(deployed->id) + " does not exist");
  EXPECT_EQ(feed().size(), 1u);
}

TEST_P(DeploymentsTest, RollbackStepsBackThroughOlderVersionsPerEnvironment) {
  for (int v : {1, 2, 3})
    ASSERT_TRUE(deploy(staff_, scid_, v, Environment::kProduction).ok());
  ASSERT_TRUE(deploy(staff_, scid_, 3, Environment::kStaging).ok());

  auto first = rollback(acme_technical_, Environment::kProduction);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->version, 2);
  EXPECT_EQ(first->action, "rollback");
  EXPECT_EQ(first->comment, "rollback from version 3 to version 2");
  auto second = rollback(acme_technical_, Environment::kProduction);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(second->version, 1);
  auto nothing_older = rollback(acme_technical_, Environment::kProduction);
  ASSERT_FALSE(nothing_older.ok());
  EXPECT_EQ(nothing_older.error_kind(), ErrorKind::kConflict);
  auto staging_alone = rollback(acme_technical_, Environment::kStaging);
  ASSERT_FALSE(staging_alone.ok()) << "staging only ever had version 3";

  auto now = current(staff_);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->production->version, 1);
  EXPECT_EQ(now->staging->version, 3);
  EXPECT_EQ(feed().size(), 6u);
}

TEST_P(DeploymentsTest, RollingBackToAnAliasAnotherServiceHasClaimedSinceIsRefused) {
  const std::string other = service(globex_, "CUST-GLOBEX");
  ASSERT_NO_FATAL_FAILURE(save(scid_, document(scid_, "new.acme.example")));  // v4 drops www
  ASSERT_NO_FATAL_FAILURE(save(other, document(other, "www.acme.example")));
  auto refused = deploy(acme_technical_, scid_, 1, Environment::kProduction);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kConflict);
  EXPECT_NE(refused.error().find("www.acme.example"), std::string::npos) << refused.error();
  EXPECT_EQ(refused.error().find(other), std::string::npos) << "not visible to this customer";
  EXPECT_TRUE(feed().empty());
}

TEST_P(DeploymentsTest, ListsNewestFirstInPages) {
  for (int v : {1, 2, 3, 2})
    ASSERT_TRUE(deploy(staff_, scid_, v, Environment::kStaging).ok());
  std::vector<int> versions;
  std::optional<long long> before;
  for (int guard = 0; guard < 4; ++guard) {
    auto page = db_->with_session([&](soci::session& s) {
      return Deployments(s, clock_).list(acme_read_only_, scid_, before, 3);
    });
    ASSERT_TRUE(page.ok()) << page.error();
    for (const auto& d : page->deployments)
      versions.push_back(d.version);
    if (!page->next_before_sequence) break;
    before = page->next_before_sequence;
  }
  EXPECT_EQ(versions, (std::vector<int>{2, 3, 2, 1}));
}

TEST_P(DeploymentsTest, StatusShowsEachEdgeOfTheNetworkAndCompletesWhenAllApplied) {
  auto deployed = deploy(staff_, scid_, 1, Environment::kProduction);
  ASSERT_TRUE(deployed.ok()) << deployed.error();
  const long long seq = deployed->feed_sequence;
  auto seeded = db_->with_transaction([&](soci::session& s) -> Result<bool> {
    s << "INSERT INTO edges (edge_id, cache_group, address, role, node_token_hash, active,"
         " registered_at, network) VALUES"
         " ('edge-a', 'lon1', '127.0.0.1:1', 'edge', 'h1', 1, 0, 'production'),"
         " ('edge-b', 'lon1', '127.0.0.1:2', 'edge', 'h2', 1, 0, 'production'),"
         " ('edge-s', 'lon1', '127.0.0.1:3', 'edge', 'h3', 1, 0, 'staging'),"
         " ('edge-x', 'lon1', '127.0.0.1:4', 'edge', 'h4', 0, 0, 'production')";
    s << "INSERT INTO event_acks (sequence, edge_id, applied_at, status, detail)"
         " VALUES (:seq, 'edge-a', 5000, 'applied', '')",
        soci::use(seq);
    return true;
  });
  ASSERT_TRUE(seeded.ok()) << seeded.error();
  auto status = [&] {
    return db_->with_session([&](soci::session& s) {
      return Deployments(s, clock_).status(acme_read_only_, deployed->id);
    });
  };
  auto partial = status();
  ASSERT_TRUE(partial.ok()) << partial.error();
  ASSERT_EQ(partial->edges.size(), 2u) << "active production edges only";
  EXPECT_EQ(partial->edges[0].edge_id, "edge-a");
  EXPECT_EQ(partial->edges[0].status, AckStatus::kApplied);
  EXPECT_EQ(to_epoch_ms(*partial->edges[0].acknowledged_at), 5000);
  EXPECT_EQ(partial->edges[1].edge_id, "edge-b");
  EXPECT_FALSE(partial->edges[1].status.has_value());
  EXPECT_EQ(partial->applied, 1);
  EXPECT_EQ(partial->pending, 1);
  EXPECT_FALSE(partial->complete);

  auto acked = db_->with_transaction([&](soci::session& s) -> Result<bool> {
    s << "INSERT INTO event_acks (sequence, edge_id, applied_at, status, detail)"
         " VALUES (:seq, 'edge-b', 6000, 'failed', 'origin host does not resolve')",
        soci::use(seq);
    return true;
  });
  ASSERT_TRUE(acked.ok()) << acked.error();
  auto failed = status();
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->failed, 1);
  EXPECT_EQ(failed->edges[1].detail, "origin host does not resolve");
  EXPECT_FALSE(failed->complete) << "a failed edge has not applied it";

  auto fixed = db_->with_transaction([&](soci::session& s) -> Result<bool> {
    s << "UPDATE event_acks SET status = 'applied' WHERE edge_id = 'edge-b'";
    return true;
  });
  ASSERT_TRUE(fixed.ok());
  auto done = status();
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->complete);
  EXPECT_EQ(done->applied, 2);
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, DeploymentsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace candela::control
