// Store-test fixture for tickets: two customers (Acme C0000001 with a sub-group "Acme video",
// Globex C0000002), a service of each group, provider staff of several roles, customer users of
// every role, and helpers to open tickets and read what was stored.
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "common/ids.hpp"
#include "control/principal.hpp"
#include "control/tickets.hpp"
#include "store_test.hpp"
#include "tenancy_rows.hpp"

namespace candela::control {

class TicketStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_store(/*migrate=*/true));
    // 2026-01-05 is a Monday; 09:00 UTC is Dublin's shift (06:00-14:00).
    clock_.set(from_epoch_ms(1767603600000));
    auto seeded = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      acme_ = insert_group(s, "Acme", std::nullopt);
      acme_video_ = insert_group(s, "Acme video", acme_);
      globex_ = insert_group(s, "Globex", std::nullopt);
      acme_customer_ = insert_customer(s, "C0000001", "Acme Ltd", acme_);
      globex_customer_ = insert_customer(s, "C0000002", "Globex Corp", globex_);
      acme_scid_ = insert_service(s, acme_, acme_customer_);
      video_scid_ = insert_service(s, acme_video_, acme_customer_);
      globex_scid_ = insert_service(s, globex_, globex_customer_);
      admin_ = make_principal(s, "Pat Admin", Role::kProviderAdmin, std::nullopt);
      noc_ = make_principal(s, "Nina Noc", Role::kNocEngineer, std::nullopt);
      technician_ = make_principal(s, "Ted Tech", Role::kCdnSupportTechnician, std::nullopt);
      ccm_ = make_principal(s, "Cora Care", Role::kCustomerCareManager, std::nullopt);
      director_ = make_principal(s, "Al Director", Role::kAccountDirector, std::nullopt);
      acme_admin_ = make_principal(s, "Ann Acme", Role::kAdmin, acme_);
      acme_billing_ = make_principal(s, "Bill Acme", Role::kBilling, acme_);
      acme_reader_ = make_principal(s, "Rita Acme", Role::kReadOnly, acme_);
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

  std::string insert_service(soci::session& s, long long group, long long customer) {
    std::string scid = generate_scid(random_);
    s << "INSERT INTO services (scid, state, access_group_id, customer_id, created_at, updated_at)"
         " VALUES (:scid, 'active', :g, :c, 0, 0)",
        soci::use(scid), soci::use(group), soci::use(customer);
    return scid;
  }

  Principal make_principal(soci::session& s, const std::string& name, Role role,
                           std::optional<long long> group) {
    return insert_user_row(s, name, "user" + std::to_string(++users_) + "@example.test", role,
                           group);
  }

  // A complete customer-reported impairment of `scid`.
  TicketDraft impairment(const std::string& scid, int severity = 3) {
    TicketDraft draft;
    draft.type = "service_impairment";
    draft.severity = severity;
    draft.subject = "Video segments time out";
    draft.scid = scid;
    draft.description = "Players stall on every segment from the EU edges.";
    draft.alarm_info = "5xx rate 12% on www";
    draft.problem_started_at = clock_.now() - std::chrono::minutes(30);
    draft.contact = {"Ann Acme", "ann@acme.example", {"+44 20 7946 0000"}, "NOC +44 20 7946 0999"};
    return draft;
  }

  template <typename Fn>
  auto tx(Fn&& fn) {
    return db_->with_transaction([&](soci::session& s) {
      Tickets tickets(s, clock_);
      return fn(tickets);
    });
  }

  // Opens a ticket; fails the test when it cannot.
  Ticket open(const Principal& who, const TicketDraft& draft) {
    auto opened = tx([&](Tickets& t) { return t.open(who, draft); });
    EXPECT_TRUE(opened.ok()) << opened.error();
    return opened.ok() ? opened.value() : Ticket{};
  }

  Result<Ticket> move(const Principal& who, const std::string& reference, const std::string& to) {
    return tx([&](Tickets& t) { return t.transition(who, reference, to, "test"); });
  }

  long long count(const std::string& sql, const std::string& text = "") {
    auto n = db_->with_session([&](soci::session& s) -> Result<long long> {
      long long value = 0;
      if (text.empty()) {
        s << sql, soci::into(value);
      } else {
        s << sql, soci::use(text), soci::into(value);
      }
      return value;
    });
    EXPECT_TRUE(n.ok()) << n.error();
    return n.ok() ? n.value() : -1;
  }

  // Outbox rows of `tmpl` for a ticket.
  long long mails(const std::string& reference, const std::string& tmpl) {
    return count(
        "SELECT COUNT(*) FROM mail_outbox WHERE entity_id = :r AND template = '" + tmpl + "'",
        reference);
  }

  SeededRandom random_{7};
  int users_ = 0;
  long long acme_ = 0, acme_video_ = 0, globex_ = 0;
  long long acme_customer_ = 0, globex_customer_ = 0;
  std::string acme_scid_, video_scid_, globex_scid_;
  Principal admin_, noc_, technician_, ccm_, director_;
  Principal acme_admin_, acme_billing_, acme_reader_, video_technical_, globex_admin_;
};

}  // namespace candela::control
