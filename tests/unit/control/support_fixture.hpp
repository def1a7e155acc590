// Store-test fixture for the support configuration and the MTTR report: two customer
// organisations (Acme C0000001, Globex C0000002), provider staff of several roles, customer
// admins, and helpers that insert tickets and their state changes with plain SQL (the columns of
// migration 11, as the support contract gives them).
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "control/principal.hpp"
#include "store_test.hpp"
#include "tenancy_rows.hpp"

namespace candela::control {

class SupportStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_store(/*migrate=*/true));
    auto seeded = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      acme_ = insert_group(s, "Acme", std::nullopt);
      acme_video_ = insert_group(s, "Acme video", acme_);
      globex_ = insert_group(s, "Globex", std::nullopt);
      acme_customer_ = insert_customer(s, "C0000001", "Acme Ltd", acme_);
      globex_customer_ = insert_customer(s, "C0000002", "Globex Corp", globex_);
      admin_ = make_principal(s, "Pat Admin", Role::kProviderAdmin, std::nullopt);
      noc_ = make_principal(s, "Nina Noc", Role::kNocEngineer, std::nullopt);
      technician_ = make_principal(s, "Ted Tech", Role::kCdnSupportTechnician, std::nullopt);
      ccm_ = make_principal(s, "Cora Care", Role::kCustomerCareManager, std::nullopt);
      acme_admin_ = make_principal(s, "Ann Acme", Role::kAdmin, acme_);
      video_technical_ = make_principal(s, "Vic Video", Role::kTechnical, acme_video_);
      globex_admin_ = make_principal(s, "Gus Globex", Role::kAdmin, globex_);
      return true;
    });
    ASSERT_TRUE(seeded.ok()) << seeded.error();
  }

  static long long insert_group(soci::session& s, const std::string& name,
                                std::optional<long long> parent) {
    return insert_group_row(s, name, parent);
  }

  static long long insert_customer(soci::session& s, const std::string& number,
                                   const std::string& name, long long organisation) {
    return insert_customer_row(s, number, name, organisation);
  }

  Principal make_principal(soci::session& s, const std::string& name, Role role,
                           std::optional<long long> group) {
    return insert_user_row(s, name, "user" + std::to_string(++users_) + "@example.test", role,
                           group);
  }

  // One state change of a ticket being inserted: to `state` at `at`.
  struct Change {
    SysTime at;
    std::string to;
  };

  // Inserts a ticket with its 'created' event and a state_changed event per change; the final
  // state and resolved_at follow the changes (resolved_at: the last change to "resolved").
  long long insert_ticket(long long customer_id, long long group, int severity, SysTime created,
                          const std::vector<Change>& changes,
                          const std::string& type = "service_impairment") {
    auto made = db_->with_transaction([&](soci::session& s) -> Result<long long> {
      const std::string reference = "TKT-2026-" + std::to_string(100000 + ++tickets_);
      std::string state = "new";
      std::optional<long long> resolved_at;
      for (const auto& c : changes) {
        state = c.to;
        if (c.to == "resolved") resolved_at = to_epoch_ms(c.at);
      }
      const long long created_ms = to_epoch_ms(created);
      long long resolved_ms = resolved_at.value_or(0);
      soci::indicator resolved_ind = resolved_at ? soci::i_ok : soci::i_null;
      long long id = 0;
      s << "INSERT INTO tickets (reference, type, origin, severity, state, customer_id,"
           " access_group_id, subject, centre_code, response_due_at, restore_due_at,"
           " resolved_at, created_at, updated_at) VALUES (:r, :t, 'customer', :sev, :st, :c,"
           " :g, 'test', 'DUB', :due, :due2, :res, :cr, :up) RETURNING id",
          soci::use(reference), soci::use(type), soci::use(severity), soci::use(state),
          soci::use(customer_id), soci::use(group), soci::use(created_ms), soci::use(created_ms),
          soci::use(resolved_ms, resolved_ind), soci::use(created_ms), soci::use(created_ms),
          soci::into(id);
      s << "INSERT INTO ticket_events (ticket_id, at, kind, visibility, to_state)"
           " VALUES (:id, :at, 'created', 'public', 'new')",
          soci::use(id), soci::use(created_ms);
      std::string from = "new";
      for (const auto& c : changes) {
        const long long at_ms = to_epoch_ms(c.at);
        s << "INSERT INTO ticket_events (ticket_id, at, kind, visibility, from_state, to_state)"
             " VALUES (:id, :at, 'state_changed', 'public', :f, :t)",
            soci::use(id), soci::use(at_ms), soci::use(from), soci::use(c.to);
        from = c.to;
      }
      return id;
    });
    EXPECT_TRUE(made.ok()) << made.error();
    return made.ok() ? *made : 0;
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

  long long acme_ = 0, acme_video_ = 0, globex_ = 0;
  long long acme_customer_ = 0, globex_customer_ = 0;
  int users_ = 0;
  int tickets_ = 0;
  Principal admin_, noc_, technician_, ccm_, acme_admin_, video_technical_, globex_admin_;
};

}  // namespace candela::control
