// ConfigurationStore: immutable numbered versions, every validation error located, the URL's
// SCID, CDN-wide alias ownership (owner named only to those who may see it), optimistic
// concurrency, listing, reading and diffing.
#include "control/configuration_store.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "control/audit_log.hpp"
#include "service_fixture.hpp"

namespace candela::control {
namespace {

using nlohmann::json;

class ConfigurationStoreTest : public ServiceStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceStoreTest::SetUp());
    acme_scid_ = service(acme_, "CUST-ACME");
    globex_scid_ = service(globex_, "CUST-GLOBEX");
  }

  Result<ConfigurationVersion> save(const Principal& p, const std::string& scid, const json& doc,
                                    std::optional<int> expected, const std::string& comment = "") {
    return db_->with_transaction([&](soci::session& s) {
      return ConfigurationStore(s, clock_).create(p, scid, doc, comment, expected);
    });
  }
  Result<ValidationErrors> check(const Principal& p, const std::string& scid, const json& doc) {
    return db_->with_transaction(
        [&](soci::session& s) { return ConfigurationStore(s, clock_).check(p, scid, doc); });
  }
  Result<ConfigurationVersion> get(const Principal& p, const std::string& scid,
                                   std::optional<int> version) {
    return db_->with_transaction(
        [&](soci::session& s) { return ConfigurationStore(s, clock_).get(p, scid, version); });
  }

  std::string acme_scid_;
  std::string globex_scid_;
};

TEST_P(ConfigurationStoreTest, StoresCanonicalVersionsWithAuthorTimeAndComment) {
  clock_.advance(std::chrono::seconds(3));
  json doc = document(acme_scid_, "WWW.Acme.example.");
  auto first = save(acme_technical_, acme_scid_, doc, 0, "first cut");
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->version, 1);
  EXPECT_EQ(first->author_user_id, acme_technical_.user_id);
  EXPECT_EQ(first->comment, "first cut");
  const json stored = json::parse(first->document);
  EXPECT_EQ(stored["properties"][0]["primary_alias"], "www.acme.example");
  EXPECT_EQ(stored["properties"][0]["origin"]["port"], 80) << "defaults written out";

  auto second = save(acme_admin_, acme_scid_,
                     document(acme_scid_, "www.acme.example", "o2.example"), 1, "new origin");
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(second->version, 2);

  auto read = get(acme_read_only_, acme_scid_, 1);
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read->document, first->document);
  EXPECT_EQ(read->author_name, "Tom Acme");
  EXPECT_EQ(to_epoch_ms(read->created_at), to_epoch_ms(kStoreTestStart) + 3000);
  auto latest = get(acme_read_only_, acme_scid_, std::nullopt);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version, 2);
  EXPECT_EQ(latest->comment, "new origin");

  auto trail = db_->with_session([&](soci::session& s) {
    return AuditLog(s, clock_).list_for_entity("configuration", acme_scid_ + "/2", 0, 10);
  });
  ASSERT_TRUE(trail.ok());
  ASSERT_EQ(trail->records.size(), 1u);
  EXPECT_EQ(trail->records[0].entry.actor_user_id, acme_admin_.user_id);
  EXPECT_EQ(trail->records[0].entry.reason, "new origin");
}

TEST_P(ConfigurationStoreTest, InvalidDocumentReportsEveryErrorAndStoresNothing) {
  json doc = document(acme_scid_, "www.acme.example");
  doc["properties"][0]["origin"]["port"] = 70000;
  doc["properties"][0]["aliases"] = json::array({"bad host!"});
  doc["properties"][0]["colour"] = "blue";
  auto refused = save(acme_technical_, acme_scid_, doc, 0);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  std::set<std::string> pointers;
  for (const auto& [pointer, message] : refused.failure().fields) {
    pointers.insert(pointer);
    EXPECT_FALSE(message.empty());
  }
  EXPECT_TRUE(pointers.count("/properties/0/origin/port")) << refused.error();
  EXPECT_TRUE(pointers.count("/properties/0/aliases/0")) << refused.error();
  EXPECT_TRUE(pointers.count("/properties/0/colour")) << refused.error();
  EXPECT_EQ(count("SELECT COUNT(*) FROM configurations"), 0);

  auto checked = check(acme_technical_, acme_scid_, doc);
  ASSERT_TRUE(checked.ok()) << checked.error();
  EXPECT_EQ(checked->size(), refused.failure().fields.size());
}

TEST_P(ConfigurationStoreTest, TheDocumentsScidMustBeTheServices) {
  auto refused = save(staff_, acme_scid_, document(globex_scid_, "www.acme.example"), 0);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  ASSERT_EQ(refused.failure().fields.size(), 1u);
  EXPECT_EQ(refused.failure().fields[0].first, "/scid");
  EXPECT_NE(refused.failure().fields[0].second.find(acme_scid_), std::string::npos);
}

TEST_P(ConfigurationStoreTest,
       AnAliasOfAnotherServiceIsAConflictNamingTheOwnerOnlyToThoseWhoSeeIt) {
  ASSERT_TRUE(save(staff_, globex_scid_, document(globex_scid_, "shared.example.com"), 0).ok());
  json doc = document(acme_scid_, "www.acme.example");
  doc["properties"][0]["aliases"] = json::array({"SHARED.example.com."});

  auto as_customer = save(acme_technical_, acme_scid_, doc, 0);
  ASSERT_FALSE(as_customer.ok());
  EXPECT_EQ(as_customer.error_kind(), ErrorKind::kConflict);
  ASSERT_EQ(as_customer.failure().fields.size(), 1u);
  EXPECT_EQ(as_customer.failure().fields[0].first, "/properties/0/aliases/0");
  EXPECT_NE(as_customer.failure().fields[0].second.find("another service"), std::string::npos);
  EXPECT_EQ(as_customer.failure().fields[0].second.find(globex_scid_), std::string::npos)
      << "a customer must not learn another customer's SCID";

  auto as_staff = save(staff_, acme_scid_, doc, 0);
  ASSERT_FALSE(as_staff.ok());
  EXPECT_EQ(as_staff.error_kind(), ErrorKind::kConflict);
  EXPECT_NE(as_staff.failure().fields[0].second.find(globex_scid_), std::string::npos);

  auto checked = check(acme_technical_, acme_scid_, doc);
  ASSERT_TRUE(checked.ok());
  ASSERT_EQ(checked->size(), 1u);
  EXPECT_EQ((*checked)[0].pointer, "/properties/0/aliases/0");
  EXPECT_EQ(count("SELECT COUNT(*) FROM configurations WHERE scid = '" + acme_scid_ + "'"), 0);
}

TEST_P(ConfigurationStoreTest, ASiblingGroupsOwnerIsNamedToTheSharedParentsUsers) {
  const std::string video_scid = service(acme_video_, "CUST-ACME");
  ASSERT_TRUE(save(staff_, video_scid, document(video_scid, "video.acme.example"), 0).ok());
  auto refused = save(acme_technical_, acme_scid_, document(acme_scid_, "video.acme.example"), 0);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.failure().fields[0].second.find(video_scid), std::string::npos);
}

TEST_P(ConfigurationStoreTest, AServiceMayMoveItsOwnAliasesAndFreedAliasesAreClaimable) {
  json doc = document(acme_scid_, "www.acme.example");
  doc["properties"][0]["aliases"] = json::array({"img.acme.example"});
  ASSERT_TRUE(save(acme_technical_, acme_scid_, doc, 0).ok());
  json moved = doc;
  moved["properties"][0]["aliases"] = json::array();
  moved["properties"].push_back(
      {{"id", "img"}, {"primary_alias", "img.acme.example"}, {"origin", {{"host", "o.example"}}}});
  auto second = save(acme_technical_, acme_scid_, moved, 1);
  ASSERT_TRUE(second.ok()) << second.error();

  // Once the latest version no longer names it (and nothing deployed does), another may take it.
  ASSERT_TRUE(save(acme_technical_, acme_scid_, document(acme_scid_, "www.acme.example"), 2).ok());
  auto taken = save(staff_, globex_scid_, document(globex_scid_, "img.acme.example"), 0);
  EXPECT_TRUE(taken.ok()) << taken.error();
}

TEST_P(ConfigurationStoreTest, ADisconnectedServiceReleasesItsAliasesAndTakesNoVersions) {
  ASSERT_TRUE(save(staff_, globex_scid_, document(globex_scid_, "old.example.com"), 0).ok());
  auto disconnected = db_->with_transaction([&](soci::session& s) {
    return Services(s, clock_).change_state(staff_, globex_scid_, ServiceState::kDisconnected,
                                            "contract ended");
  });
  ASSERT_TRUE(disconnected.ok()) << disconnected.error();
  auto refused = save(staff_, globex_scid_, document(globex_scid_, "new.example.com"), 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kConflict);
  auto taken = save(acme_technical_, acme_scid_, document(acme_scid_, "old.example.com"), 0);
  EXPECT_TRUE(taken.ok()) << taken.error();
}

TEST_P(ConfigurationStoreTest, AStaleExpectedVersionIsAPreconditionFailure) {
  ASSERT_TRUE(save(acme_technical_, acme_scid_, document(acme_scid_, "a.acme.example"), 0).ok());
  auto stale_first = save(acme_technical_, acme_scid_, document(acme_scid_, "b.acme.example"), 0);
  ASSERT_FALSE(stale_first.ok());
  EXPECT_EQ(stale_first.error_kind(), ErrorKind::kPrecondition);
  ASSERT_TRUE(save(acme_admin_, acme_scid_, document(acme_scid_, "c.acme.example"), 1).ok());
  auto stale = save(acme_technical_, acme_scid_, document(acme_scid_, "d.acme.example"), 1);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error_kind(), ErrorKind::kPrecondition);
  EXPECT_NE(stale.error().find("version 2"), std::string::npos) << stale.error();
  EXPECT_EQ(count("SELECT COUNT(*) FROM configurations"), 2);
}

TEST_P(ConfigurationStoreTest, ReadOnlyUsersReadButCannotSaveOrValidate) {
  ASSERT_TRUE(save(acme_technical_, acme_scid_, document(acme_scid_, "a.acme.example"), 0).ok());
  auto refused = save(acme_read_only_, acme_scid_, document(acme_scid_, "b.acme.example"), 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden);
  auto not_checked = check(acme_read_only_, acme_scid_, document(acme_scid_, "b.acme.example"));
  ASSERT_FALSE(not_checked.ok());
  EXPECT_EQ(not_checked.error_kind(), ErrorKind::kForbidden);
  EXPECT_TRUE(get(acme_read_only_, acme_scid_, 1).ok());
}

TEST_P(ConfigurationStoreTest, AnotherCustomersServiceLooksAbsent) {
  ASSERT_TRUE(save(staff_, globex_scid_, document(globex_scid_, "g.example.com"), 0).ok());
  auto read = get(acme_admin_, globex_scid_, 1);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error_kind(), ErrorKind::kNotFound);
  auto write = save(acme_admin_, globex_scid_, document(globex_scid_, "h.example.com"), 1);
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error_kind(), ErrorKind::kNotFound);
  auto validate = check(acme_admin_, globex_scid_, document(globex_scid_, "h.example.com"));
  ASSERT_FALSE(validate.ok());
  EXPECT_EQ(validate.error_kind(), ErrorKind::kNotFound);
}

TEST_P(ConfigurationStoreTest, UnknownVersionsAreNotFound) {
  auto none_yet = get(acme_admin_, acme_scid_, std::nullopt);
  ASSERT_FALSE(none_yet.ok());
  EXPECT_EQ(none_yet.error_kind(), ErrorKind::kNotFound);
  ASSERT_TRUE(save(acme_technical_, acme_scid_, document(acme_scid_, "a.acme.example"), 0).ok());
  auto missing = get(acme_admin_, acme_scid_, 2);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error_kind(), ErrorKind::kNotFound);
}

TEST_P(ConfigurationStoreTest, ListsVersionsNewestFirstInPages) {
  for (int v = 0; v < 5; ++v) {
    auto saved = save(acme_technical_, acme_scid_,
                      document(acme_scid_, "v" + std::to_string(v) + ".acme.example"), v,
                      "change " + std::to_string(v + 1));
    ASSERT_TRUE(saved.ok()) << saved.error();
  }
  std::vector<int> seen;
  std::optional<int> before;
  for (int guard = 0; guard < 5; ++guard) {
    auto page = db_->with_session([&](soci::session& s) {
      return ConfigurationStore(s, clock_).list(acme_read_only_, acme_scid_, before, 2);
    });
    ASSERT_TRUE(page.ok()) << page.error();
    for (const auto& v : page->versions) {
      seen.push_back(v.version);
      EXPECT_TRUE(v.document.empty());
      EXPECT_EQ(v.comment, "change " + std::to_string(v.version));
    }
    if (!page->next_before) break;
    before = page->next_before;
  }
  EXPECT_EQ(seen, (std::vector<int>{5, 4, 3, 2, 1}));
}

TEST_P(ConfigurationStoreTest, DiffsTwoVersions) {
  ASSERT_TRUE(save(acme_technical_, acme_scid_, document(acme_scid_, "a.acme.example"), 0).ok());
  ASSERT_TRUE(save(acme_technical_, acme_scid_,
                   document(acme_scid_, "a.acme.example", "new-origin.example"), 1)
                  .ok());
  auto diff = db_->with_session([&](soci::session& s) {
    return ConfigurationStore(s, clock_).diff(acme_read_only_, acme_scid_, 2, 1);
  });
  ASSERT_TRUE(diff.ok()) << diff.error();
  ASSERT_EQ(diff->changes.size(), 1u);
  EXPECT_EQ(diff->changes[0].pointer, "/properties/0/origin/host");
  EXPECT_EQ(diff->changes[0].old_value, "origin.example.com");
  EXPECT_EQ(diff->changes[0].new_value, "new-origin.example");
  EXPECT_EQ(diff->text.rfind("--- version 1\n+++ version 2\n", 0), 0u) << diff->text;
  auto unknown = db_->with_session([&](soci::session& s) {
    return ConfigurationStore(s, clock_).diff(acme_read_only_, acme_scid_, 2, 7);
  });
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error_kind(), ErrorKind::kNotFound);
}

// Two editors save at once on top of the same version: one wins, the other is told its copy is
// stale (never a storage error, never two versions with the same number).
TEST_P(ConfigurationStoreTest, ConcurrentSavesOnTheSameVersionLetExactlyOneWin) {
  ASSERT_TRUE(save(acme_technical_, acme_scid_, document(acme_scid_, "a.acme.example"), 0).ok());
  for (int round = 0; round < 3; ++round) {
    const int base = round + 1;
    std::vector<ErrorKind> failures;
    int successes = 0;
    std::mutex mutex;
    std::vector<std::thread> editors;
    for (int e = 0; e < 2; ++e) {
      editors.emplace_back([&, e] {
        auto saved = save(e == 0 ? acme_technical_ : acme_admin_, acme_scid_,
                          document(acme_scid_, "e" + std::to_string(e) + ".acme.example"), base);
        std::lock_guard lock(mutex);
        if (saved.ok()) {
          ++successes;
        } else {
          failures.push_back(saved.error_kind());
        }
      });
    }
    for (auto& editor : editors)
      editor.join();
    EXPECT_EQ(successes, 1);
    EXPECT_EQ(failures, (std::vector<ErrorKind>{ErrorKind::kPrecondition}));
    EXPECT_EQ(count("SELECT COUNT(*) FROM configurations"), base + 1);
  }
}

// Two services claim the same alias at once: one gets it, the other a conflict.
TEST_P(ConfigurationStoreTest, ConcurrentClaimsOfOneAliasLetExactlyOneWin) {
  for (int round = 0; round < 3; ++round) {
    const std::string alias = "race" + std::to_string(round) + ".example.com";
    std::string messages;
    std::vector<ErrorKind> failures;
    int successes = 0;
    std::mutex mutex;
    std::vector<std::thread> editors;
    for (const std::string& scid : {acme_scid_, globex_scid_}) {
      editors.emplace_back([&, scid] {
        auto saved = save(staff_, scid, document(scid, alias), std::nullopt);
        std::lock_guard lock(mutex);
        if (saved.ok()) {
          ++successes;
        } else {
          failures.push_back(saved.error_kind());
          messages += saved.error() + "\n";
        }
      });
    }
    for (auto& editor : editors)
      editor.join();
    EXPECT_EQ(successes, 1) << alias;
    EXPECT_EQ(failures, (std::vector<ErrorKind>{ErrorKind::kConflict})) << alias << messages;
  }
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, ConfigurationStoreTest,
                         ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace candela::control
