// Store-test fixture for services, configurations and deployments: two customer organisations
// with users of every customer role, provider staff, and helpers that run domain calls in a
// transaction.
#pragma once

#include <soci/soci.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/ids.hpp"
#include "control/access_groups.hpp"
#include "control/principal.hpp"
#include "control/services.hpp"
#include "store_test.hpp"

namespace candela::control {

class ServiceStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_store(/*migrate=*/true));
    auto seeded = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      AccessGroups groups(s, clock_);
      auto acme = groups.create(std::nullopt, "Acme");
      auto acme_video = acme.ok() ? groups.create(acme->id, "Acme video") : acme;
      auto globex = groups.create(std::nullopt, "Globex");
      if (!acme.ok() || !acme_video.ok() || !globex.ok()) return Error{"could not make groups"};
      acme_ = acme->id;
      acme_video_ = acme_video->id;
      globex_ = globex->id;
      insert_customer(s, "CUST-ACME", acme_);
      insert_customer(s, "CUST-GLOBEX", globex_);
      staff_ = make_principal(s, "Sam Staff", Role::kProviderAdmin, std::nullopt);
      activation_ = make_principal(s, "Ada Activation", Role::kActivationEngineer, std::nullopt);
      account_director_ = make_principal(s, "Al Director", Role::kAccountDirector, std::nullopt);
      acme_admin_ = make_principal(s, "Ann Acme", Role::kAdmin, acme_);
      acme_technical_ = make_principal(s, "Tom Acme", Role::kTechnical, acme_);
      acme_read_only_ = make_principal(s, "Rita Acme", Role::kReadOnly, acme_);
      video_technical_ = make_principal(s, "Vic Video", Role::kTechnical, acme_video_);
      globex_admin_ = make_principal(s, "Gus Globex", Role::kAdmin, globex_);
      return true;
    });
    ASSERT_TRUE(seeded.ok()) << seeded.error();
  }

  static void insert_customer(soci::session& s, const std::string& number, long long org) {
    s << "INSERT INTO customers (customer_number, name, country, created_at, organisation_id)"
         " VALUES (:n, :name, 'GB', 0, :org)",
        soci::use(number), soci::use(number), soci::use(org);
  }

  Principal make_principal(soci::session& s, const std::string& name, Role role,
                           std::optional<long long> group) {
    Principal p;
    p.name = name;
    p.email = std::to_string(++users_) + "@example.test";
    s << "INSERT INTO users (name, email, created_at) VALUES (:n, :e, 0) RETURNING id",
        soci::use(p.name), soci::use(p.email), soci::into(p.user_id);
    p.grants.push_back({role, group});
    return p;
  }

  // Creates a service as staff and moves it to `state` (via active when needed).
  std::string service(long long group, const std::string& customer,
                      ServiceState state = ServiceState::kActive) {
    auto made = db_->with_transaction([&](soci::session& s) -> Result<Service> {
      Services services(s, clock_);
      auto created = services.create(staff_, {group, customer, "test"}, random_);
      if (!created.ok() || state == ServiceState::kPending) return created;
      if (state != ServiceState::kDisconnected) {
        auto active = services.change_state(staff_, created->scid, ServiceState::kActive, "go");
        if (!active.ok() || state == ServiceState::kActive) return active;
      }
      return services.change_state(staff_, created->scid, state, "test");
    });
    EXPECT_TRUE(made.ok()) << made.error();
    return made.ok() ? made->scid : "";
  }

  // The smallest valid document: one property answering `alias`.
  static nlohmann::json document(const std::string& scid, const std::string& alias,
                                 const std::string& origin = "origin.example.com") {
    return {{"scid", scid},
            {"properties",
             {{{"id", "www"}, {"primary_alias", alias}, {"origin", {{"host", origin}}}}}}};
  }

  long long count(const std::string& sql) {
    auto n = db_->with_session([&](soci::session& s) -> Result<long long> {
      long long value = 0;
      s << sql, soci::into(value);
      return value;
    });
    EXPECT_TRUE(n.ok()) << n.error();
    return n.ok() ? n.value() : -1;
  }

  SeededRandom random_{42};
  long long acme_ = 0;
  long long acme_video_ = 0;
  long long globex_ = 0;
  int users_ = 0;
  Principal staff_, activation_, account_director_, acme_admin_, acme_technical_, acme_read_only_,
      video_technical_, globex_admin_;
};

}  // namespace candela::control
