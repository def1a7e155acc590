// Store-test fixture for orders: Acme (C0000001, with a sub-group "Acme video"), Globex
// (C0000002) and Initech (C0000003, a transfer target), provider staff of every order role
// (the account team of Acme holds the AD and the CDN support technician), customer users, and
// helpers that place orders and walk them through their states.
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "common/ids.hpp"
#include "control/orders.hpp"
#include "control/principal.hpp"
#include "store_test.hpp"
#include "tenancy_rows.hpp"

namespace candela::control {

// 2026-02-10T09:00:00Z: the activation day (a common year; 19 of 28 February days).
inline const SysTime kOrderTestNow = from_epoch_ms(1770714000000);

class OrderStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_store(/*migrate=*/true));
    clock_.set(kOrderTestNow);
    auto seeded = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      acme_ = insert_group_row(s, "Acme", std::nullopt);
      acme_video_ = insert_group_row(s, "Acme video", acme_);
      globex_ = insert_group_row(s, "Globex", std::nullopt);
      initech_ = insert_group_row(s, "Initech", std::nullopt);
      acme_customer_ = insert_customer_row(s, "C0000001", "Acme Ltd", acme_);
      globex_customer_ = insert_customer_row(s, "C0000002", "Globex Corp", globex_);
      initech_customer_ = insert_customer_row(s, "C0000003", "Initech Inc", initech_);
      director_ = user(s, "Al Director", Role::kAccountDirector, std::nullopt);
      sales_ = user(s, "Sue Sales", Role::kSalesEngineer, std::nullopt);
      ccm_ = user(s, "Cora Care", Role::kCustomerCareManager, std::nullopt);
      activation_ = user(s, "Ada Activation", Role::kActivationEngineer, std::nullopt);
      provider_admin_ = user(s, "Pat Admin", Role::kProviderAdmin, std::nullopt);
      billing_ = user(s, "Bea Billing", Role::kBillingCoordinator, std::nullopt);
      technician_ = user(s, "Ted Tech", Role::kCdnSupportTechnician, std::nullopt);
      acme_admin_ = user(s, "Ann Acme", Role::kAdmin, acme_);
      acme_technical_ = user(s, "Tom Acme", Role::kTechnical, acme_);
      video_admin_ = user(s, "Vic Video", Role::kAdmin, acme_video_);
      globex_admin_ = user(s, "Gus Globex", Role::kAdmin, globex_);
      s << "UPDATE users SET phone_office = '+1 303 555 0100' WHERE id = :u",
          soci::use(technician_.user_id);
      s << "INSERT INTO account_team (customer_id, role, user_id) VALUES (:c,"
           " 'account_director', :u)",
          soci::use(acme_customer_), soci::use(director_.user_id);
      s << "INSERT INTO account_team (customer_id, role, user_id) VALUES (:c,"
           " 'cdn_support_technician', :u)",
          soci::use(acme_customer_), soci::use(technician_.user_id);
      return true;
    });
    ASSERT_TRUE(seeded.ok()) << seeded.error();
  }

  Principal user(soci::session& s, const std::string& name, Role role,
                 std::optional<long long> group) {
    return insert_user_row(s, name, "user" + std::to_string(++users_) + "@example.test", role,
                           group);
  }

  template <typename Fn>
  auto tx(Fn&& fn) {
    return db_->with_transaction([&](soci::session& s) {
      Orders orders(s, clock_, random_, settings_);
      return fn(orders);
    });
  }

  static CivilDate date(const char* text) { return *parse_civil_date(text); }
  CivilDate today() const { return utc_date_of(clock_.now()); }

  static OrderItem item(const std::string& product, ItemAction action = ItemAction::kAdd,
                        std::optional<long long> item_id = std::nullopt) {
    OrderItem out;
    out.action = action;
    out.item_id = item_id;
    const Product* p = find_product(product);
    out.terms.product = product;
    if (p) {
      out.terms.description = p->name;
      out.terms.mrc_minor = p->standard_mrc_minor;
      out.terms.nrc_minor = p->standard_nrc_minor;
      out.terms.usage_plan = p->standard_usage_plan;
    }
    out.terms.term_months = 12;
    out.terms.etc_percent = 100;
    return out;
  }

  // A new-service draft for Acme's top group with one CDN delivery item and a unique alias.
  OrderDraft new_service_draft(long long group = 0) {
    OrderDraft draft;
    draft.type = "new_service";
    draft.customer_number = "C0000001";
    draft.access_group_id = group ? group : acme_;
    draft.customer_commit_date = date("2026-03-01");
    draft.items = std::vector<OrderItem>{item("cdn-delivery")};
    TechnicalDetails technical;
    technical.aliases = {"www" + std::to_string(++aliases_) + ".acme.example",
                         "img" + std::to_string(aliases_) + ".acme.example"};
    technical.origin = {"origin.acme.example", 443, "https"};
    draft.technical = technical;
    return draft;
  }

  Order place(const Principal& who, const OrderDraft& draft) {
    auto placed = tx([&](Orders& o) { return o.create(who, draft); });
    EXPECT_TRUE(placed.ok()) << placed.error();
    return placed.ok() ? placed.value() : Order{};
  }

  Result<Order> move(const Principal& who, const std::string& number, OrderState to,
                     const std::string& reason = "") {
    OrderTransitionRequest request;
    request.to = to;
    request.reason = reason;
    if (to == OrderState::kSigned) {
      request.signer_name = "Ann Acme";
      request.signer_title = "Head of Web";
    }
    auto moved = tx([&](Orders& o) { return o.transition(who, number, request); });
    if (!moved.ok()) return Error{moved.failure()};
    return moved->order;
  }

  // Walks an order forward from where it is with the right people up to `state` (draft → … →
  // completed; cancelled and rejected via the shortest path).
  void walk(const std::string& number, OrderState state) {
    const std::vector<std::pair<OrderState, const Principal*>> path{
        {OrderState::kQuoted, &director_},
        {OrderState::kSigned, &acme_admin_},
        {OrderState::kValidated, &ccm_},
        {OrderState::kProvisioning, &activation_},
        {OrderState::kCompleted, &activation_}};
    if (state == OrderState::kCancelled) {
      ASSERT_TRUE(move(director_, number, state, "not needed").ok());
      return;
    }
    if (state == OrderState::kRejected) {
      walk(number, OrderState::kSigned);
      ASSERT_TRUE(move(ccm_, number, state, "incomplete").ok());
      return;
    }
    auto current = tx([&](Orders& o) { return o.get(director_, number); });
    ASSERT_TRUE(current.ok()) << current.error();
    bool passed = current->state == OrderState::kDraft;
    for (const auto& [next, who] : path) {
      if (state == OrderState::kDraft || current->state == state) return;
      if (!passed) {  // already there: continue from the order's state
        passed = next == current->state;
        continue;
      }
      auto moved = move(*who, number, next);
      ASSERT_TRUE(moved.ok()) << order_state_name(next) << ": " << moved.error();
      if (next == state) return;
    }
  }

  // A completed new service of Acme: its SCID.
  std::string active_service(long long group = 0) {
    Order order = place(director_, new_service_draft(group));
    walk(order.order_number, OrderState::kCompleted);
    if (::testing::Test::HasFatalFailure()) return "";
    auto done = tx([&](Orders& o) { return o.get(director_, order.order_number); });
    EXPECT_TRUE(done.ok() && done->scid) << (done.ok() ? "no scid" : done.error());
    return done.ok() && done->scid ? *done->scid : "";
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

  std::string text(const std::string& sql, const std::string& key) {
    auto value = db_->with_session([&](soci::session& s) -> Result<std::string> {
      std::string out;
      s << sql, soci::use(key), soci::into(out);
      return out;
    });
    EXPECT_TRUE(value.ok()) << value.error();
    return value.ok() ? value.value() : "";
  }

  // Mails of `tmpl` about `entity` to `who`.
  long long mails_to(const Principal& who, const std::string& tmpl, const std::string& entity) {
    return count("SELECT COUNT(*) FROM mail_outbox WHERE template = '" + tmpl +
                     "' AND entity_id = :e AND to_address = '" + who.email + "'",
                 entity);
  }

  SeededRandom random_{11};
  OrderSettings settings_{"cdn.candela.example", "https://portal.example.net"};
  int users_ = 0;
  int aliases_ = 0;
  long long acme_ = 0, acme_video_ = 0, globex_ = 0, initech_ = 0;
  long long acme_customer_ = 0, globex_customer_ = 0, initech_customer_ = 0;
  Principal director_, sales_, ccm_, activation_, provider_admin_, billing_, technician_;
  Principal acme_admin_, acme_technical_, video_admin_, globex_admin_;
};

}  // namespace candela::control
