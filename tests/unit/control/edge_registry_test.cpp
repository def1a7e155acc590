// EdgeRegistry on SQLite and PostgreSQL: staff create and change edges (node token shown once,
// only its hash kept), edges authenticate by token, register, and acknowledge events once.
#include "control/edge_registry.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "control/audit_log.hpp"
#include "control/feed.hpp"
#include "store_test.hpp"

namespace candela::control {
namespace {

class EdgeRegistryTest : public StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_store(/*migrate=*/true));
    admin_.user_id = add_user("admin@provider.test");
    admin_.grants = {{Role::kProviderAdmin, std::nullopt}};
    director_.user_id = add_user("director@provider.test");
    director_.grants = {{Role::kAccountDirector, std::nullopt}};
    customer_.user_id = add_user("admin@customer.test");
    customer_.grants = {{Role::kAdmin, add_group()}};
  }

  long long add_user(const std::string& email) {
    auto id = db_->with_transaction([&](soci::session& s) -> Result<long long> {
      long long out = 0;
      const long long now = to_epoch_ms(clock_.now());
      s << "INSERT INTO users (name, email, created_at) VALUES (:n, :e, :t) RETURNING id",
          soci::use(email), soci::use(email), soci::use(now), soci::into(out);
      return out;
    });
    EXPECT_TRUE(id.ok()) << id.error();
    return id.ok() ? id.value() : 0;
  }

  long long add_group() {
    auto id = db_->with_transaction([&](soci::session& s) -> Result<long long> {
      long long out = 0;
      const long long now = to_epoch_ms(clock_.now());
      s << "INSERT INTO access_groups (name, created_at) VALUES ('customer', :t) RETURNING id",
          soci::use(now), soci::into(out);
      return out;
    });
    EXPECT_TRUE(id.ok()) << id.error();
    return id.ok() ? id.value() : 0;
  }

  template <typename Fn>
  auto with_registry(Fn fn) {
    return db_->with_transaction([&](soci::session& s) {
      EdgeRegistry registry(s, clock_, random_);
      return fn(registry);
    });
  }

  EdgeWithToken create(const std::string& id, EdgeNetwork network = EdgeNetwork::kProduction) {
    auto created = with_registry([&](EdgeRegistry& r) {
      return r.create(admin_, NewEdge{id, "lon1", "127.0.0.1:8080", EdgeRole::kEdge, network});
    });
    EXPECT_TRUE(created.ok()) << created.error();
    return created.ok() ? created.value() : EdgeWithToken{};
  }

  long long append_event() {
    auto sequence = db_->with_transaction([&](soci::session& s) {
      return Feed(s, clock_).append("deployment", nlohmann::json{{"scid", "AB12CD34E"}});
    });
    EXPECT_TRUE(sequence.ok()) << sequence.error();
    return sequence.ok() ? sequence.value() : 0;
  }

  SeededRandom random_{42};
  Principal admin_;
  Principal director_;
  Principal customer_;
};

TEST_P(EdgeRegistryTest, CreateShowsTheTokenOnceAndKeepsOnlyItsHash) {
  auto created = create("edge-a");
  ASSERT_TRUE(created.node_token.has_value());
  const std::string token = *created.node_token;
  EXPECT_EQ(token.size(), 43u) << "32 random bytes, base64url without padding";
  EXPECT_EQ(created.edge.edge_id, "edge-a");
  EXPECT_TRUE(created.edge.active);
  EXPECT_EQ(created.edge.registered_at, clock_.now());
  EXPECT_FALSE(created.edge.last_seen.has_value());

  auto stored = db_->with_session([&](soci::session& s) -> Result<std::string> {
    std::string hash;
    s << "SELECT node_token_hash FROM edges WHERE edge_id = 'edge-a'", soci::into(hash);
    return hash;
  });
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored.value(), EdgeRegistry::token_hash(token));
  EXPECT_EQ(stored->size(), 64u);
  EXPECT_EQ(stored->find(token), std::string::npos);

  auto shown = with_registry([&](EdgeRegistry& r) { return r.get(admin_, "edge-a"); });
  ASSERT_TRUE(shown.ok());
  auto authenticated = with_registry([&](EdgeRegistry& r) { return r.authenticate(token); });
  ASSERT_TRUE(authenticated.ok()) << authenticated.error();
  EXPECT_EQ(authenticated->edge_id, "edge-a");
}

TEST_P(EdgeRegistryTest, TokensDifferBetweenEdges) {
  EXPECT_NE(*create("edge-a").node_token, *create("edge-b").node_token);
}

TEST_P(EdgeRegistryTest, CreateReportsEveryInvalidFieldWithItsPointer) {
  auto created = with_registry([&](EdgeRegistry& r) {
    return r.create(admin_,
                    NewEdge{"Bad Id!", "", "nowhere", EdgeRole::kShield, EdgeNetwork::kStaging});
  });
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error_kind(), ErrorKind::kInvalid);
  std::vector<std::string> pointers;
  for (const auto& [pointer, message] : created.failure().fields)
    pointers.push_back(pointer);
  EXPECT_EQ(pointers, (std::vector<std::string>{"/edge_id", "/cache_group", "/address"}));
  auto count = db_->with_session([&](soci::session& s) -> Result<int> {
    int n = -1;
    s << "SELECT COUNT(*) FROM edges", soci::into(n);
    return n;
  });
  EXPECT_EQ(count.value(), 0);
}

TEST_P(EdgeRegistryTest, AcceptsIpv6AndNamedAddresses) {
  for (const char* address : {"[::1]:8080", "edge-a.lon1.example.net:80"}) {
    auto created = with_registry([&](EdgeRegistry& r) {
      return r.create(admin_, NewEdge{std::string("e") + std::to_string(address[0] == '[' ? 1 : 2),
                                      "lon1", address, EdgeRole::kEdge, EdgeNetwork::kProduction});
    });
    EXPECT_TRUE(created.ok()) << address << ": " << created.error();
  }
  for (const char* address : {"host:0", "host:99999", "host", ":80", "a b:80", "[::1]80"}) {
    auto created = with_registry([&](EdgeRegistry& r) {
      return r.create(admin_,
                      NewEdge{"e3", "lon1", address, EdgeRole::kEdge, EdgeNetwork::kProduction});
    });
    EXPECT_FALSE(created.ok()) << address;
  }
}

TEST_P(EdgeRegistryTest, ADuplicateEdgeIdIsAConflict) {
  create("edge-a");
  auto again = with_registry([&](EdgeRegistry& r) {
    return r.create(admin_, NewEdge{"edge-a", "par1", "127.0.0.2:80", EdgeRole::kEdge,
                                    EdgeNetwork::kProduction});
  });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error_kind(), ErrorKind::kConflict);
}

TEST_P(EdgeRegistryTest, OnlyProvisioningStaffChangeEdgesAndCustomersSeeNone) {
  create("edge-a");
  const NewEdge edge{"edge-b", "lon1", "127.0.0.1:80", EdgeRole::kEdge, EdgeNetwork::kProduction};
  auto by_director = with_registry([&](EdgeRegistry& r) { return r.create(director_, edge); });
  EXPECT_EQ(by_director.error_kind(), ErrorKind::kForbidden);
  auto listed = with_registry([&](EdgeRegistry& r) { return r.list(director_, std::nullopt, 10); });
  ASSERT_TRUE(listed.ok()) << listed.error();
  EXPECT_EQ(listed->edges.size(), 1u);
  EdgeChange deactivate;
  deactivate.active = false;
  auto patched =
      with_registry([&](EdgeRegistry& r) { return r.update(director_, "edge-a", deactivate); });
  EXPECT_EQ(patched.error_kind(), ErrorKind::kForbidden);

  EXPECT_EQ(with_registry([&](EdgeRegistry& r) { return r.create(customer_, edge); }).error_kind(),
            ErrorKind::kForbidden);
  EXPECT_EQ(with_registry([&](EdgeRegistry& r) {
              return r.list(customer_, std::nullopt, 10);
            }).error_kind(),
            ErrorKind::kForbidden);
  EXPECT_EQ(with_registry([&](EdgeRegistry& r) { return r.get(customer_, "edge-a"); }).error_kind(),
            ErrorKind::kForbidden);
}

TEST_P(EdgeRegistryTest, ListPagesInEdgeIdOrder) {
  for (const char* id : {"edge-c", "edge-a", "edge-b"})
    create(id);
  auto first = with_registry([&](EdgeRegistry& r) { return r.list(admin_, std::nullopt, 2); });
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_EQ(first->edges.size(), 2u);
  EXPECT_EQ(first->edges[0].edge_id, "edge-a");
  EXPECT_EQ(first->edges[1].edge_id, "edge-b");
  ASSERT_EQ(first->next_after, std::optional<std::string>("edge-b"));
  auto second =
      with_registry([&](EdgeRegistry& r) { return r.list(admin_, first->next_after, 2); });
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->edges.size(), 1u);
  EXPECT_EQ(second->edges[0].edge_id, "edge-c");
  EXPECT_FALSE(second->next_after.has_value());
  EXPECT_FALSE(
      with_registry([&](EdgeRegistry& r) { return r.list(admin_, std::nullopt, 0); }).ok());
}

TEST_P(EdgeRegistryTest, UpdateChangesActiveGroupAndNetworkAndIsAudited) {
  create("edge-a");
  EdgeChange change;
  change.active = false;
  change.cache_group = "par1";
  change.network = EdgeNetwork::kStaging;
  auto updated = with_registry([&](EdgeRegistry& r) { return r.update(admin_, "edge-a", change); });
  ASSERT_TRUE(updated.ok()) << updated.error();
  EXPECT_FALSE(updated->edge.active);
  EXPECT_EQ(updated->edge.cache_group, "par1");
  EXPECT_EQ(updated->edge.network, EdgeNetwork::kStaging);
  EXPECT_FALSE(updated->node_token.has_value());
  auto shown = with_registry([&](EdgeRegistry& r) { return r.get(admin_, "edge-a"); });
  EXPECT_FALSE(shown->active);
  EXPECT_EQ(shown->network, EdgeNetwork::kStaging);

  auto trail = db_->with_session(
      [&](soci::session& s) { return AuditLog(s, clock_).list_for_entity("edge", "edge-a"); });
  ASSERT_TRUE(trail.ok()) << trail.error();
  ASSERT_EQ(trail->records.size(), 2u);
  EXPECT_EQ(trail->records[0].entry.action, "create");
  EXPECT_EQ(trail->records[1].entry.action, "update");
  EXPECT_EQ(trail->records[1].entry.actor_user_id, admin_.user_id);
  EXPECT_EQ(trail->records[1].entry.from_state, "active");
  EXPECT_EQ(trail->records[1].entry.to_state, "inactive");

  EdgeChange bad;
  bad.cache_group = "";
  auto refused = with_registry([&](EdgeRegistry& r) { return r.update(admin_, "edge-a", bad); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.failure().fields.at(0).first, "/cache_group");
  EXPECT_EQ(
      with_registry([&](EdgeRegistry& r) { return r.update(admin_, "nope", change); }).error_kind(),
      ErrorKind::kNotFound);
}

TEST_P(EdgeRegistryTest, RegeneratingTheTokenRetiresTheOldOne) {
  const std::string old_token = *create("edge-a").node_token;
  EdgeChange change;
  change.regenerate_token = true;
  auto updated = with_registry([&](EdgeRegistry& r) { return r.update(admin_, "edge-a", change); });
  ASSERT_TRUE(updated.ok()) << updated.error();
  ASSERT_TRUE(updated->node_token.has_value());
  EXPECT_NE(*updated->node_token, old_token);
  EXPECT_EQ(with_registry([&](EdgeRegistry& r) { return r.authenticate(old_token); }).error_kind(),
            ErrorKind::kUnauthorized);
  EXPECT_TRUE(
      with_registry([&](EdgeRegistry& r) { return r.authenticate(*updated->node_token); }).ok());
}

TEST_P(EdgeRegistryTest, AuthenticateRefusesUnknownAndMalformedTokens) {
  const std::string token = *create("edge-a").node_token;
  std::string altered = token;
  altered[0] = altered[0] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {altered, std::string(), token + "x", std::string(43, '!'),
                                 EdgeRegistry::token_hash(token)}) {
    auto refused = with_registry([&](EdgeRegistry& r) { return r.authenticate(bad); });
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error_kind(), ErrorKind::kUnauthorized);
  }
}

TEST_P(EdgeRegistryTest, RegistrationRecordsAddressAndLastSeenAndRefusesMismatches) {
  const Edge edge = create("edge-a").edge;
  clock_.advance(std::chrono::minutes(5));
  Registration registration{"10.0.0.7:80", "lon1", EdgeRole::kEdge, EdgeNetwork::kProduction};
  auto registered =
      with_registry([&](EdgeRegistry& r) { return r.register_edge(edge, registration); });
  ASSERT_TRUE(registered.ok()) << registered.error();
  auto shown = with_registry([&](EdgeRegistry& r) { return r.get(admin_, "edge-a"); });
  EXPECT_EQ(shown->address, "10.0.0.7:80");
  EXPECT_EQ(shown->last_seen, clock_.now());

  registration.network = EdgeNetwork::kStaging;
  auto wrong_network =
      with_registry([&](EdgeRegistry& r) { return r.register_edge(edge, registration); });
  ASSERT_FALSE(wrong_network.ok());
  EXPECT_EQ(wrong_network.error_kind(), ErrorKind::kConflict);
  EXPECT_NE(wrong_network.error().find("network \"production\""), std::string::npos)
      << wrong_network.error();
  registration = Registration{"10.0.0.7:80", std::nullopt, EdgeRole::kShield, std::nullopt};
  EXPECT_EQ(with_registry([&](EdgeRegistry& r) {
              return r.register_edge(edge, registration);
            }).error_kind(),
            ErrorKind::kConflict);
  registration = Registration{"not an address", std::nullopt, std::nullopt, std::nullopt};
  auto bad = with_registry([&](EdgeRegistry& r) { return r.register_edge(edge, registration); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.failure().fields.at(0).first, "/address");
}

TEST_P(EdgeRegistryTest, AnAcknowledgementIsStoredOnceAndTheFirstOneStands) {
  create("edge-a");
  const long long sequence = append_event();
  auto first = with_registry([&](EdgeRegistry& r) {
    return r.acknowledge("edge-a", sequence, AckStatus::kFailed, "port out of range");
  });
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_TRUE(first->recorded);
  EXPECT_EQ(first->kind, "deployment");
  EXPECT_EQ(first->ack.status, AckStatus::kFailed);
  EXPECT_EQ(first->ack.detail, "port out of range");
  clock_.advance(std::chrono::seconds(3));
  auto repeat = with_registry(
      [&](EdgeRegistry& r) { return r.acknowledge("edge-a", sequence, AckStatus::kApplied, ""); });
  ASSERT_TRUE(repeat.ok()) << repeat.error();
  EXPECT_FALSE(repeat->recorded);
  EXPECT_EQ(repeat->ack.status, AckStatus::kFailed);
  EXPECT_EQ(repeat->ack.acknowledged_at, first->ack.acknowledged_at);

  auto unknown = with_registry([&](EdgeRegistry& r) {
    return r.acknowledge("edge-a", sequence + 100, AckStatus::kApplied, "");
  });
  EXPECT_EQ(unknown.error_kind(), ErrorKind::kNotFound);
  auto too_long = with_registry([&](EdgeRegistry& r) {
    return r.acknowledge("edge-a", sequence, AckStatus::kApplied,
                         std::string(EdgeRegistry::kMaxAckDetailLength + 1, 'x'));
  });
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.failure().fields.at(0).first, "/detail");
}

TEST_P(EdgeRegistryTest, EventStatusListsActiveEdgesAndThoseThatAcknowledged) {
  create("edge-a");
  create("edge-b");
  create("edge-c");
  create("edge-s", EdgeNetwork::kStaging);
  create("edge-gone");
  const long long sequence = append_event();
  ASSERT_TRUE(with_registry([&](EdgeRegistry& r) {
                return r.acknowledge("edge-a", sequence, AckStatus::kApplied, "");
              }).ok());
  ASSERT_TRUE(with_registry([&](EdgeRegistry& r) {
                return r.acknowledge("edge-c", sequence, AckStatus::kFailed, "bad");
              }).ok());
  EdgeChange deactivate;
  deactivate.active = false;
  ASSERT_TRUE(
      with_registry([&](EdgeRegistry& r) { return r.update(admin_, "edge-c", deactivate); }).ok());
  ASSERT_TRUE(with_registry([&](EdgeRegistry& r) {
                return r.update(admin_, "edge-gone", deactivate);
              }).ok());

  auto all = db_->with_session(
      [&](soci::session& s) { return edge_event_status(s, sequence, std::nullopt); });
  ASSERT_TRUE(all.ok()) << all.error();
  std::vector<std::string> ids;
  for (const auto& e : all.value())
    ids.push_back(e.edge_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"edge-a", "edge-b", "edge-c", "edge-s"}))
      << "inactive edges appear only when they acknowledged";
  EXPECT_EQ(all.value()[0].status, AckStatus::kApplied);
  EXPECT_EQ(all.value()[0].acknowledged_at, clock_.now());
  EXPECT_FALSE(all.value()[1].status.has_value());
  EXPECT_EQ(all.value()[2].status, AckStatus::kFailed);
  EXPECT_EQ(all.value()[2].detail, "bad");
  EXPECT_FALSE(all.value()[2].active);

  auto staging = db_->with_session(
      [&](soci::session& s) { return edge_event_status(s, sequence, EdgeNetwork::kStaging); });
  ASSERT_TRUE(staging.ok());
  ASSERT_EQ(staging->size(), 1u);
  EXPECT_EQ(staging.value()[0].edge_id, "edge-s");
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, EdgeRegistryTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace candela::control
