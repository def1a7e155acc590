// Orders on SQLite and PostgreSQL: drafts and their rules, who may place and read them, the
// effect of completing each order type, the notices, and the service connection notice.
#include <gtest/gtest.h>

#include "control/service_items.hpp"
#include "order_fixture.hpp"

namespace candela::control {
namespace {

class OrdersTest : public OrderStoreTest {
 protected:
  std::vector<ServiceItem> items_of(const std::string& scid) {
    auto items = db_->with_session(
        [&](soci::session& s) { return ServiceItems(s, clock_).for_service(scid); });
    EXPECT_TRUE(items.ok()) << items.error();
    return items.ok() ? items.value() : std::vector<ServiceItem>{};
  }

  Order reload(const std::string& number) {
    auto order = tx([&](Orders& o) { return o.get(director_, number); });
    EXPECT_TRUE(order.ok()) << order.error();
    return order.ok() ? order.value() : Order{};
  }

  OrderDraft draft_for(const std::string& type, const std::string& scid) {
    OrderDraft draft;
    draft.type = type;
    draft.scid = scid;
    draft.customer_commit_date = today();
    return draft;
  }

  static std::vector<std::string> pointers(const Error& error) {
    std::vector<std::string> out;
    for (const auto& field : error.fields)
      out.push_back(field.first);
    return out;
  }
};

TEST_P(OrdersTest, NewServiceCompletionActivatesConfiguresDeploysAndSendsTheNotice) {
  Order order = place(director_, new_service_draft());
  EXPECT_EQ(order.order_number.rfind("ORD-2026-", 0), 0u);
  EXPECT_EQ(order.state, OrderState::kDraft);
  EXPECT_EQ(order.total_mrc_minor(), 50000);
  EXPECT_EQ(order.total_nrc_minor(), 100000);
  walk(order.order_number, OrderState::kCompleted);
  ASSERT_FALSE(HasFatalFailure());
  const Order done = reload(order.order_number);
  ASSERT_TRUE(done.scid);
  const std::string scid = *done.scid;
  ASSERT_TRUE(done.completed_at);
  EXPECT_EQ(done.effective_date, date("2026-02-10"));
  ASSERT_TRUE(done.items[0].item_id);

  EXPECT_EQ(text("SELECT state FROM services WHERE scid = :s", scid), "active");
  EXPECT_EQ(count("SELECT customer_id FROM services WHERE scid = :s", scid), acme_customer_);
  const auto items = items_of(scid);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].id, *done.items[0].item_id);
  EXPECT_EQ(items[0].terms.product, "cdn-delivery");
  EXPECT_EQ(items[0].start_date, date("2026-02-10"));
  EXPECT_EQ(items[0].term_end, date("2027-02-09"));
  EXPECT_EQ(items[0].order_number, order.order_number);
  EXPECT_TRUE(items[0].nrc_due);
  EXPECT_EQ(count("SELECT COUNT(*) FROM configurations WHERE scid = :s AND version = 1", scid), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM deployments WHERE scid = :s AND version = 1"
                  " AND environment = 'production'",
                  scid),
            1);
  const std::string document = text("SELECT document FROM configurations WHERE scid = :s", scid);
  EXPECT_NE(document.find("www1.acme.example"), std::string::npos) << document;
  EXPECT_NE(document.find("img1.acme.example"), std::string::npos) << document;
  EXPECT_NE(document.find("origin.acme.example"), std::string::npos) << document;

  // The notice: stored once, with every part the handbook names.
  auto notice =
      tx([&](Orders& o) { return o.connection_notice_for_service(acme_technical_, scid); });
  ASSERT_TRUE(notice.ok()) << notice.error();
  std::string lower_scid = scid;
  for (auto& c : lower_scid)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string& part : std::vector<std::string>{
           std::string("Customer number: C0000001 (Acme Ltd)"), "SCID: " + scid,
           "Order number: " + order.order_number, std::string("Activated on: 2026-02-10"),
           "www1.acme.example  CNAME  " + lower_scid + ".cdn.candela.example",
           "img1.acme.example  CNAME  " + lower_scid + ".cdn.candela.example",
           std::string("Origin: https://origin.acme.example:443"),
           std::string("Configuration version 1 is deployed to production"),
           std::string("kept for 30 days"),
           "GET https://portal.example.net/api/v1/services/" + scid + "/log-files",
           std::string("docs/log-delivery.md"),
           std::string("Your CDN support technician: Ted Tech, "), std::string("+1 303 555 0100"),
           std::string("Broomfield (Broomfield, CO, US): languages en, es"),
           std::string("Dublin")}) {
    EXPECT_NE(notice->body.find(part), std::string::npos) << part << "\n" << notice->body;
  }
  EXPECT_EQ(notice->details["aliases"][0]["cname"], lower_scid + ".cdn.candela.example");
  EXPECT_EQ(notice->details["origin"]["port"], 443);
  EXPECT_EQ(notice->details["logs"]["retention_days"], 30);
  EXPECT_EQ(notice->details["support"]["technician"]["name"], "Ted Tech");
  auto by_order =
      tx([&](Orders& o) { return o.connection_notice_for_order(acme_admin_, order.order_number); });
  ASSERT_TRUE(by_order.ok()) << by_order.error();
  EXPECT_EQ(by_order->body, notice->body);
  // Mailed to the service's admin and technical users, the AD (account team) and the CCM (no
  // one in the slot: the role); not to other customers or sub-groups below the service.
  const std::string tmpl = "order.service_connection_notice";
  EXPECT_EQ(mails_to(acme_admin_, tmpl, scid), 1);
  EXPECT_EQ(mails_to(acme_technical_, tmpl, scid), 1);
  EXPECT_EQ(mails_to(director_, tmpl, scid), 1);
  EXPECT_EQ(mails_to(ccm_, tmpl, scid), 1);
  EXPECT_EQ(mails_to(video_admin_, tmpl, scid), 0);
  EXPECT_EQ(mails_to(globex_admin_, tmpl, scid), 0);
  const std::string mailed = text(
      "SELECT body FROM mail_outbox WHERE template = 'order.service_connection_notice'"
      " AND entity_id = :s",
      scid);
  EXPECT_NE(mailed.find(notice->body.substr(0, 200)), std::string::npos) << mailed;
  // Another customer cannot read it; a service without an order has none.
  auto hidden = tx([&](Orders& o) { return o.connection_notice_for_service(globex_admin_, scid); });
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error_kind(), ErrorKind::kNotFound);
}

TEST_P(OrdersTest, EachStateTellsThePeopleTheContractNames) {
  Order order = place(sales_, new_service_draft());
  const std::string n = order.order_number;
  walk(n, OrderState::kQuoted);
  EXPECT_EQ(mails_to(acme_admin_, "order.quoted", n), 1);
  EXPECT_EQ(mails_to(director_, "order.quoted", n), 0);
  ASSERT_TRUE(move(acme_admin_, n, OrderState::kSigned).ok());
  EXPECT_EQ(mails_to(ccm_, "order.signed", n), 1);  // empty CCM slot: the role
  EXPECT_EQ(mails_to(acme_admin_, "order.signed", n), 0);
  ASSERT_TRUE(move(ccm_, n, OrderState::kValidated).ok());
  EXPECT_EQ(mails_to(activation_, "order.validated", n), 1);
  ASSERT_TRUE(move(activation_, n, OrderState::kProvisioning).ok());
  EXPECT_EQ(mails_to(acme_admin_, "order.provisioning", n), 1);
  const std::string provisioning = text(
      "SELECT body FROM mail_outbox WHERE template = 'order.provisioning' AND entity_id = :n", n);
  EXPECT_NE(provisioning.find("Your activation engineer will contact you"), std::string::npos);
  ASSERT_TRUE(move(director_, n, OrderState::kCancelled, "customer changed plans").ok());
  EXPECT_EQ(mails_to(sales_, "order.cancelled", n), 1);     // the creator
  EXPECT_EQ(mails_to(director_, "order.cancelled", n), 1);  // the account team's AD
  const std::string cancelled =
      text("SELECT body FROM mail_outbox WHERE template = 'order.cancelled' AND entity_id = :n", n);
  EXPECT_NE(cancelled.find("customer changed plans"), std::string::npos) << cancelled;

  Order second = place(director_, new_service_draft());
  walk(second.order_number, OrderState::kCompleted);
  for (const Principal* who : {&acme_admin_, &director_, &ccm_}) {
    EXPECT_EQ(mails_to(*who, "order.completed", second.order_number), 1) << who->name;
  }
  EXPECT_EQ(mails_to(acme_technical_, "order.completed", second.order_number), 0);
}

TEST_P(OrdersTest, CompletionWaitsForTheEffectiveDate) {
  OrderDraft draft = new_service_draft();
  draft.effective_date = std::optional<CivilDate>(date("2026-02-20"));
  Order order = place(director_, draft);
  walk(order.order_number, OrderState::kProvisioning);
  auto early = move(activation_, order.order_number, OrderState::kCompleted);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error_kind(), ErrorKind::kConflict);
  EXPECT_NE(early.error().find("2026-02-20"), std::string::npos) << early.error();
  EXPECT_EQ(count("SELECT COUNT(*) FROM services"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM connection_notices"), 0);
  clock_.set(start_of_day(date("2026-02-20")) + std::chrono::hours(9));
  auto done = move(activation_, order.order_number, OrderState::kCompleted);
  ASSERT_TRUE(done.ok()) << done.error();
  ASSERT_TRUE(done->scid);
  EXPECT_EQ(items_of(*done->scid).at(0).start_date, date("2026-02-20"));
}

TEST_P(OrdersTest, ChangeReplacesAddsAndEndsItemsFromTheEffectiveDate) {
  OrderDraft first = new_service_draft();
  first.items->push_back(item("origin-shield"));
  Order original = place(director_, first);
  walk(original.order_number, OrderState::kCompleted);
  ASSERT_FALSE(HasFatalFailure());
  const std::string scid = reload(original.order_number).scid.value_or("");
  auto before = items_of(scid);
  ASSERT_EQ(before.size(), 2u);
  clock_.set(start_of_day(date("2026-03-15")) + std::chrono::hours(9));

  OrderDraft change = draft_for("change", scid);
  OrderItem cheaper = item("cdn-delivery", ItemAction::kReplace, before[0].id);
  cheaper.terms.pricing_basis = PricingBasis::kIndividualCase;
  cheaper.terms.mrc_minor = 45000;
  cheaper.terms.nrc_minor = 0;
  change.items = std::vector<OrderItem>{cheaper, item("log-delivery"),
                                        item("", ItemAction::kEnd, before[1].id)};
  Order order = place(acme_admin_, change);
  EXPECT_EQ(order.items[2].terms.product, "origin-shield");  // an end line names its item
  EXPECT_EQ(order.total_mrc_minor(), 45000 + 10000);
  walk(order.order_number, OrderState::kCompleted);
  ASSERT_FALSE(HasFatalFailure());
  const auto after = items_of(scid);
  ASSERT_EQ(after.size(), 4u);
  EXPECT_EQ(after[0].end_date, date("2026-03-14"));
  EXPECT_EQ(after[1].end_date, date("2026-03-14"));
  bool replaced = false, added = false;
  for (const auto& item : after) {
    if (item.replaces_item_id == before[0].id) {
      replaced = true;
      EXPECT_EQ(item.terms.mrc_minor, 45000);
      EXPECT_EQ(item.start_date, date("2026-03-15"));
      EXPECT_EQ(item.term_end, date("2027-02-09"));  // the same term
    }
    if (item.terms.product == "log-delivery") {
      added = true;
      EXPECT_EQ(item.start_date, date("2026-03-15"));
      EXPECT_EQ(item.order_number, order.order_number);
    }
  }
  EXPECT_TRUE(replaced);
  EXPECT_TRUE(added);
}

TEST_P(OrdersTest, TransferMovesServiceAndItemsToTheTargetAccount) {
  const std::string scid = active_service();
  ASSERT_FALSE(scid.empty());
  OrderDraft transfer = draft_for("transfer", scid);
  transfer.target = TransferTarget{"C0000003", acme_};  // a group of another organisation
  transfer.effective_date = std::optional<CivilDate>(date("2026-02-20"));
  Order wrong = place(director_, transfer);
  auto refused = move(director_, wrong.order_number, OrderState::kQuoted);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(pointers(refused.failure()), std::vector<std::string>{"/target/access_group_id"});

  transfer.target = TransferTarget{"C0000003", initech_};
  Order order = place(director_, transfer);
  walk(order.order_number, OrderState::kCompleted);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(count("SELECT customer_id FROM services WHERE scid = :s", scid), initech_customer_);
  EXPECT_EQ(count("SELECT access_group_id FROM services WHERE scid = :s", scid), initech_);
  const auto items = items_of(scid);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].customer_id, acme_customer_);
  EXPECT_EQ(items[0].end_date, date("2026-02-19"));
  EXPECT_EQ(items[1].customer_id, initech_customer_);
  EXPECT_EQ(items[1].start_date, date("2026-02-20"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'service'"
                  " AND action = 'transfer' AND entity_id = :s",
                  scid),
            1);
}

TEST_P(OrdersTest, RenewalStartsANewTerm) {
  const std::string scid = active_service();
  ASSERT_FALSE(scid.empty());
  clock_.set(start_of_day(date("2027-02-10")) + std::chrono::hours(9));
  OrderDraft renewal = draft_for("renewal", scid);
  renewal.renewal = RenewalTerms{24, 45000};
  Order order = place(director_, renewal);
  walk(order.order_number, OrderState::kCompleted);
  ASSERT_FALSE(HasFatalFailure());
  const auto items = items_of(scid);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].end_date, date("2027-02-09"));
  EXPECT_EQ(items[1].term_start, date("2027-02-10"));
  EXPECT_EQ(items[1].terms.term_months, 24);
  EXPECT_EQ(items[1].term_end, date("2029-02-09"));
  EXPECT_EQ(items[1].terms.mrc_minor, 45000);
}

TEST_P(OrdersTest, DisconnectIsQuotedBeforeSigningAndChargesTheQuotedEtc) {
  const std::string scid = active_service();
  ASSERT_FALSE(scid.empty());
  clock_.set(start_of_day(date("2026-06-15")) + std::chrono::hours(9));
  OrderDraft disconnect = draft_for("disconnect", scid);
  disconnect.disconnect = DisconnectRequest{date("2026-08-31"), {}, std::nullopt};
  Order order = place(acme_admin_, disconnect);  // the customer's own request
  EXPECT_FALSE(order.disconnect->quote);
  auto quoted = move(director_, order.order_number, OrderState::kQuoted);
  ASSERT_TRUE(quoted.ok()) << quoted.error();
  ASSERT_TRUE(quoted->disconnect->quote);
  const nlohmann::json& quote = *quoted->disconnect->quote;
  // Remaining MRC of 2026-09-01..2027-02-09: five whole months and 9/28 of February 2027.
  // 5 × 50000 + 50000 × 9 / 28 = 250000 + 16071.43 → 266071; ETC 100 % of it.
  EXPECT_EQ(quote["requested_on"], "2026-06-15");
  ASSERT_EQ(quote["quotes"].size(), 1u);
  EXPECT_EQ(quote["quotes"][0]["outcome"], "early_termination");
  EXPECT_EQ(quote["quotes"][0]["cessation"], "2026-08-31");
  EXPECT_EQ(quote["quotes"][0]["remaining_mrc_minor"], 266071);
  EXPECT_EQ(quote["etc_total_minor"], 266071);
  EXPECT_NE(text("SELECT body FROM mail_outbox WHERE template = 'order.quoted' AND entity_id = :n",
                 order.order_number)
                .find("Early termination charge: USD 2,660.71"),
            std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_adjustments"), 0);
  walk(order.order_number, OrderState::kCompleted);
  ASSERT_FALSE(HasFatalFailure());
  const auto items = items_of(scid);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].end_date, date("2026-08-31"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_adjustments WHERE kind = 'etc'"
                  " AND amount_minor = 266071 AND source_reference = :n",
                  order.order_number),
            1);
  // The service runs until its last day; the contracts job disconnects it afterwards.
  EXPECT_EQ(text("SELECT state FROM services WHERE scid = :s", scid), "active");
}

TEST_P(OrdersTest, RevisingAQuoteDropsItAndRequotingComputesItAgain) {
  const std::string scid = active_service();
  ASSERT_FALSE(scid.empty());
  OrderDraft disconnect = draft_for("disconnect", scid);
  disconnect.disconnect = DisconnectRequest{date("2027-02-09"), {}, std::nullopt};
  Order order = place(director_, disconnect);
  auto quoted = move(director_, order.order_number, OrderState::kQuoted);
  ASSERT_TRUE(quoted.ok()) << quoted.error();
  EXPECT_EQ((*quoted->disconnect->quote)["quotes"][0]["outcome"], "at_term_end");
  EXPECT_EQ((*quoted->disconnect->quote)["etc_total_minor"], 0);
  auto revised = move(director_, order.order_number, OrderState::kDraft);
  ASSERT_TRUE(revised.ok()) << revised.error();
  EXPECT_FALSE(revised->disconnect->quote);
  walk(order.order_number, OrderState::kCompleted);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_adjustments"), 0);  // no fee at term end
}

TEST_P(OrdersTest, BadDraftsAreLocatedAndStoreNothing) {
  auto refused = [&](const OrderDraft& draft) {
    auto placed = tx([&](Orders& o) { return o.create(director_, draft); });
    EXPECT_FALSE(placed.ok());
    if (placed.ok()) return std::vector<std::string>{};
    EXPECT_EQ(placed.error_kind(), ErrorKind::kInvalid) << placed.error();
    return pointers(placed.failure());
  };
  OrderDraft no_type = new_service_draft();
  no_type.type = "upgrade";
  EXPECT_EQ(refused(no_type), std::vector<std::string>{"/type"});

  OrderDraft bad = new_service_draft();
  bad.technical->aliases = {"-bad-.example", "ok.example", "ok.example"};
  bad.technical->origin.port = 0;
  bad.technical->origin.scheme = "ftp";
  bad.items->push_back(item("no-such-product"));
  bad.items->push_back(item("log-delivery", ItemAction::kReplace, 9));
  const auto pointers_of_bad = refused(bad);
  for (const char* expected :
       {"/technical/aliases/0", "/technical/aliases/2", "/technical/origin/port",
        "/technical/origin/scheme", "/items/2/action"}) {
    EXPECT_NE(std::find(pointers_of_bad.begin(), pointers_of_bad.end(), expected),
              pointers_of_bad.end())
        << expected;
  }
  EXPECT_TRUE(std::any_of(pointers_of_bad.begin(), pointers_of_bad.end(),
                          [](const auto& p) { return p.rfind("/items/1", 0) == 0; }));

  OrderDraft no_technical = new_service_draft();
  no_technical.technical.reset();
  no_technical.items = std::vector<OrderItem>{};
  const auto missing = refused(no_technical);
  EXPECT_EQ(missing, (std::vector<std::string>{"/items", "/technical"}));

  OrderDraft past = new_service_draft();
  past.effective_date = std::optional<CivilDate>(date("2026-02-09"));
  EXPECT_EQ(refused(past), std::vector<std::string>{"/effective_date"});

  OrderDraft wrong_customer = new_service_draft();
  wrong_customer.customer_number = "C0000002";
  EXPECT_EQ(refused(wrong_customer), std::vector<std::string>{"/customer_number"});

  OrderDraft transfer;
  transfer.type = "transfer";
  transfer.scid = "AAAAAAAAA";
  transfer.customer_commit_date = today();
  EXPECT_EQ(refused(transfer), std::vector<std::string>{"/scid"});

  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM order_items"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'order'"), 0);
}

TEST_P(OrdersTest, WhoMayPlaceEditAndReadOrders) {
  auto create = [&](const Principal& who, const OrderDraft& draft) {
    return tx([&](Orders& o) { return o.create(who, draft); });
  };
  auto forbidden = create(acme_technical_, new_service_draft());
  ASSERT_FALSE(forbidden.ok());
  EXPECT_EQ(forbidden.error_kind(), ErrorKind::kForbidden);
  auto provider_admin = create(provider_admin_, new_service_draft());
  ASSERT_FALSE(provider_admin.ok());
  EXPECT_EQ(provider_admin.error_kind(), ErrorKind::kForbidden);
  auto outsider = create(globex_admin_, new_service_draft());
  ASSERT_FALSE(outsider.ok());
  EXPECT_EQ(pointers(outsider.failure()), std::vector<std::string>{"/access_group_id"});
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 0);

  Order by_sales = place(sales_, new_service_draft());
  Order by_video = place(video_admin_, new_service_draft(acme_video_));
  EXPECT_EQ(by_video.access_group_id, acme_video_);
  // Acme's top-level admin sees both; the sub-group's admin only its own; Globex neither.
  auto read = [&](const Principal& who, const std::string& number) {
    return tx([&](Orders& o) { return o.get(who, number); });
  };
  EXPECT_TRUE(read(acme_admin_, by_video.order_number).ok());
  EXPECT_TRUE(read(acme_technical_, by_sales.order_number).ok());
  EXPECT_EQ(read(video_admin_, by_sales.order_number).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(read(globex_admin_, by_sales.order_number).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(read(globex_admin_, "ORD-2026-999999").error_kind(), ErrorKind::kNotFound);

  auto listed = [&](const Principal& who, OrderFilter filter = {}) {
    auto page = tx([&](Orders& o) { return o.list(who, filter, std::nullopt, 50); });
    EXPECT_TRUE(page.ok()) << page.error();
    return page.ok() ? page->orders.size() : 99u;
  };
  EXPECT_EQ(listed(acme_admin_), 2u);
  EXPECT_EQ(listed(video_admin_), 1u);
  EXPECT_EQ(listed(globex_admin_), 0u);
  EXPECT_EQ(listed(ccm_), 2u);
  OrderFilter quoted;
  quoted.state = OrderState::kQuoted;
  EXPECT_EQ(listed(director_, quoted), 0u);

  // Edits: a draft only, by the people who may place orders.
  OrderDraft later;
  later.customer_commit_date = date("2026-04-01");
  auto edited = tx([&](Orders& o) { return o.update(acme_admin_, by_sales.order_number, later); });
  ASSERT_TRUE(edited.ok()) << edited.error();
  EXPECT_EQ(edited->customer_commit_date, date("2026-04-01"));
  auto technical_edit =
      tx([&](Orders& o) { return o.update(acme_technical_, by_sales.order_number, later); });
  EXPECT_EQ(technical_edit.error_kind(), ErrorKind::kForbidden);
  walk(by_sales.order_number, OrderState::kQuoted);
  auto quoted_edit =
      tx([&](Orders& o) { return o.update(director_, by_sales.order_number, later); });
  EXPECT_EQ(quoted_edit.error_kind(), ErrorKind::kConflict);
}

TEST_P(OrdersTest, IndividualCaseItemsNeedAPriceBeforeTheQuote) {
  OrderDraft draft = new_service_draft();
  OrderItem icb = item("cdn-delivery");
  icb.terms.pricing_basis = PricingBasis::kIndividualCase;
  icb.terms.mrc_minor = 0;
  icb.terms.nrc_minor = 0;
  draft.items = std::vector<OrderItem>{icb};
  Order order = place(sales_, draft);
  auto quoted = move(director_, order.order_number, OrderState::kQuoted);
  ASSERT_FALSE(quoted.ok());
  EXPECT_EQ(pointers(quoted.failure()), std::vector<std::string>{"/items/0/mrc_minor"});
  EXPECT_EQ(reload(order.order_number).state, OrderState::kDraft);
}

INSTANTIATE_TEST_SUITE_P(Stores, OrdersTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
