// Service items on SQLite and PostgreSQL: opening, changing, ending, transferring and renewing
// contract lines, what the billing run reads, and the validation of item terms.
#include "control/service_items.hpp"

#include <gtest/gtest.h>

#include "contract_fixture.hpp"
#include "control/proration.hpp"

namespace candela::control {
namespace {

class ServiceItemsTest : public ContractStoreTest {};

TEST_P(ServiceItemsTest, OpenStartsTheTermAndTheNrcOfEachItem) {
  const std::string scid = service(acme_, "CUST-ACME");
  ItemTerms shield = standard("origin-shield", 24);
  shield.description = "";  // filled with the product's name
  auto opened = open(scid, "CUST-ACME",
                     {standard("cdn-delivery"), shield, standard("log-delivery")}, d(2026, 2, 10));
  ASSERT_TRUE(opened.ok()) << opened.error();
  ASSERT_EQ(opened->size(), 3u);

  auto all = for_service(scid);
  ASSERT_TRUE(all.ok()) << all.error();
  ASSERT_EQ(all->size(), 3u);
  const ServiceItem& delivery = (*all)[0];
  EXPECT_GT(delivery.id, 0);
  EXPECT_EQ(delivery.scid, scid);
  EXPECT_EQ(delivery.customer_number, "CUST-ACME");
  EXPECT_EQ(delivery.terms, standard("cdn-delivery"));
  EXPECT_EQ(delivery.start_date, d(2026, 2, 10));
  EXPECT_FALSE(delivery.end_date.has_value());
  EXPECT_EQ(delivery.term_start, d(2026, 2, 10));
  EXPECT_EQ(delivery.term_end, d(2027, 2, 9));
  EXPECT_TRUE(delivery.nrc_due);
  EXPECT_FALSE(delivery.nrc_invoice_number.has_value());
  EXPECT_EQ(delivery.order_number, "ORD-2026-000001");
  EXPECT_FALSE(delivery.replaces_item_id.has_value());
  EXPECT_EQ(delivery.contract().term_end, d(2027, 2, 9));
  EXPECT_EQ(delivery.contract().mrc_minor, 50000);

  EXPECT_EQ((*all)[1].terms.description, "Origin shield");
  EXPECT_EQ((*all)[1].term_end, d(2028, 2, 9));
  EXPECT_FALSE((*all)[2].nrc_due);  // log delivery has no set-up charge
  EXPECT_EQ((*all)[0].terms.usage_plan.kind, UsagePlanKind::kPerGb);
}

TEST_P(ServiceItemsTest, BadItemsAreRefusedAtTheirPointerAndNothingIsStored) {
  const std::string scid = service(acme_, "CUST-ACME");
  ItemTerms cheap = standard("cdn-delivery");
  cheap.mrc_minor = 100;  // a standard item must carry the catalogue's MRC
  auto refused = open(scid, "CUST-ACME", {standard("log-delivery"), cheap}, d(2026, 2, 10));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  ASSERT_EQ(refused.failure().fields.size(), 1u);
  EXPECT_EQ(refused.failure().fields[0].first, "/items/1/mrc_minor");
  EXPECT_EQ(count("SELECT COUNT(*) FROM service_items"), 0);

  EXPECT_EQ(open("ZZZZZZZZZ", "CUST-ACME", {standard("log-delivery")}, d(2026, 2, 10)).error_kind(),
            ErrorKind::kNotFound);
  EXPECT_EQ(open(scid, "CUST-ACME", {}, d(2026, 2, 10)).error_kind(), ErrorKind::kInvalid);
  EXPECT_EQ(open(scid, "CUST-ACME", {standard("log-delivery")}, d(2026, 2, 10), "").error_kind(),
            ErrorKind::kInvalid);
  EXPECT_EQ(count("SELECT COUNT(*) FROM service_items"), 0);
}

TEST_P(ServiceItemsTest, ReplaceEndsTheItemTheDayBeforeAndKeepsTheTerm) {
  const std::string scid = service(acme_, "CUST-ACME");
  auto opened = open(scid, "CUST-ACME", {standard("cdn-delivery-p95")}, d(2026, 2, 10));
  ASSERT_TRUE(opened.ok()) << opened.error();
  const long long old_id = opened->front().id;

  // A decrement: lower MRC and commit from 16 June, individual case basis.
  ItemTerms lower = standard("cdn-delivery-p95", 36);
  lower.pricing_basis = PricingBasis::kIndividualCase;
  lower.mrc_minor = 150000;
  lower.nrc_minor = 0;
  lower.usage_plan.commit_mbps = 300;
  auto replaced = items(
      [&](ServiceItems& s) { return s.replace(old_id, lower, d(2026, 6, 16), "ORD-2026-000002"); });
  ASSERT_TRUE(replaced.ok()) << replaced.error();
  EXPECT_EQ(replaced->start_date, d(2026, 6, 16));
  EXPECT_EQ(replaced->term_start, d(2026, 2, 10));
  EXPECT_EQ(replaced->term_end, d(2027, 2, 9));
  EXPECT_EQ(replaced->terms.term_months, 12);  // the term does not restart
  EXPECT_EQ(replaced->terms.mrc_minor, 150000);
  EXPECT_EQ(replaced->terms.usage_plan.commit_mbps, 300);
  EXPECT_FALSE(replaced->nrc_due);
  EXPECT_EQ(replaced->replaces_item_id, old_id);
  EXPECT_EQ(replaced->order_number, "ORD-2026-000002");

  auto old = items([&](ServiceItems& s) { return s.get(old_id); });
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->end_date, d(2026, 6, 15));

  // June holds both items, each prorated on its own days.
  auto june = items([&](ServiceItems& s) {
    return s.billable(customer_id("CUST-ACME"), {2026, 6});
  });
  ASSERT_TRUE(june.ok()) << june.error();
  ASSERT_EQ(june->size(), 2u);
  long long total = 0;
  for (const ServiceItem& item : *june) {
    total += prorate_monthly(item.terms.mrc_minor, {2026, 6}, item.start_date, item.end_date)
                 .amount_minor;
  }
  EXPECT_EQ(total, 125000 + 75000);  // 15/30 of 2,500.00 + 15/30 of 1,500.00

  auto in_service = items([&](ServiceItems& s) { return s.in_service(scid, d(2026, 6, 15)); });
  ASSERT_TRUE(in_service.ok());
  ASSERT_EQ(in_service->size(), 1u);
  EXPECT_EQ(in_service->front().id, old_id);

  // Not on or before the item's first day; not for an item that already ended.
  EXPECT_EQ(items([&](ServiceItems& s) {
              return s.replace(replaced->id, lower, d(2026, 6, 16), "ORD-2026-000003");
            }).error_kind(),
            ErrorKind::kInvalid);
  EXPECT_EQ(items([&](ServiceItems& s) {
              return s.replace(old_id, lower, d(2026, 7, 1), "ORD-2026-000003");
            }).error_kind(),
            ErrorKind::kConflict);
  EXPECT_EQ(items([&](ServiceItems& s) {
              return s.replace(999999, lower, d(2026, 7, 1), "ORD-2026-000003");
            }).error_kind(),
            ErrorKind::kNotFound);
}

TEST_P(ServiceItemsTest, AddAndEndForAPartialDisconnect) {
  const std::string scid = service(acme_, "CUST-ACME");
  ASSERT_TRUE(open(scid, "CUST-ACME", {standard("cdn-delivery")}, d(2026, 2, 10)).ok());
  auto added = items([&](ServiceItems& s) {
    return s.add(scid, standard("log-delivery", 6), d(2026, 3, 1), "ORD-2026-000002");
  });
  ASSERT_TRUE(added.ok()) << added.error();
  EXPECT_EQ(added->term_start, d(2026, 3, 1));
  EXPECT_EQ(added->term_end, d(2026, 8, 31));
  EXPECT_EQ(added->customer_number, "CUST-ACME");

  EXPECT_EQ(items([&](ServiceItems& s) {
              return s.end(added->id, d(2026, 2, 28), "ORD-2026-000003");
            }).error_kind(),
            ErrorKind::kInvalid);
  auto ended = items([&](ServiceItems& s) { return s.end(added->id, d(2026, 6, 15), "ORD-3"); });
  ASSERT_TRUE(ended.ok()) << ended.error();
  EXPECT_EQ(ended->end_date, d(2026, 6, 15));
  // An earlier last day may still be set; a later one cannot revive an ended item.
  EXPECT_EQ(
      items([&](ServiceItems& s) { return s.end(added->id, d(2026, 7, 1), "ORD-4"); }).error_kind(),
      ErrorKind::kConflict);
  auto earlier = items([&](ServiceItems& s) { return s.end(added->id, d(2026, 6, 1), "ORD-5"); });
  ASSERT_TRUE(earlier.ok()) << earlier.error();
  EXPECT_EQ(earlier->end_date, d(2026, 6, 1));

  auto on_day = items([&](ServiceItems& s) { return s.in_service(scid, d(2026, 6, 2)); });
  ASSERT_TRUE(on_day.ok());
  EXPECT_EQ(on_day->size(), 1u);
}

TEST_P(ServiceItemsTest, TransferMidMonthSplitsTheMonthBetweenTwoAccounts) {
  const std::string scid = service(acme_, "CUST-ACME");
  ASSERT_TRUE(
      open(scid, "CUST-ACME", {standard("cdn-delivery"), standard("origin-shield")}, d(2026, 2, 10))
          .ok());
  const long long globex = customer_id("CUST-GLOBEX");
  auto moved = items(
      [&](ServiceItems& s) { return s.transfer(scid, globex, d(2026, 7, 16), "ORD-2026-000009"); });
  ASSERT_TRUE(moved.ok()) << moved.error();
  ASSERT_EQ(moved->size(), 2u);
  for (const ServiceItem& item : *moved) {
    EXPECT_EQ(item.customer_number, "CUST-GLOBEX");
    EXPECT_EQ(item.start_date, d(2026, 7, 16));
    EXPECT_EQ(item.term_end, d(2027, 2, 9));
    EXPECT_FALSE(item.nrc_due);  // no new set-up charge for the new account
    EXPECT_TRUE(item.replaces_item_id.has_value());
  }
  auto acme_july = items([&](ServiceItems& s) {
    return s.billable(customer_id("CUST-ACME"), {2026, 7});
  });
  auto globex_july = items([&](ServiceItems& s) { return s.billable(globex, {2026, 7}); });
  ASSERT_TRUE(acme_july.ok() && globex_july.ok());
  ASSERT_EQ(acme_july->size(), 2u);
  ASSERT_EQ(globex_july->size(), 2u);
  const ServiceItem& old_delivery = acme_july->front();
  const ServiceItem& new_delivery = globex_july->front();
  EXPECT_EQ(old_delivery.end_date, d(2026, 7, 15));
  EXPECT_EQ(prorate_monthly(50000, {2026, 7}, old_delivery.start_date, old_delivery.end_date)
                .amount_minor,
            24194);  // 15/31
  EXPECT_EQ(prorate_monthly(50000, {2026, 7}, new_delivery.start_date, new_delivery.end_date)
                .amount_minor,
            25806);  // 16/31

  auto august_customers = items([&](ServiceItems& s) { return s.billable_customers({2026, 8}); });
  ASSERT_TRUE(august_customers.ok());
  // CUST-ACME's NRC is still due, so it stays billable until the run bills it.
  EXPECT_EQ(*august_customers, (std::vector<long long>{customer_id("CUST-ACME"), globex}));

  EXPECT_EQ(items([&](ServiceItems& s) {
              return s.transfer(scid, globex, d(2026, 8, 1), "ORD-2026-000010");
            }).error_kind(),
            ErrorKind::kConflict);  // already billed to that account
  EXPECT_EQ(items([&](ServiceItems& s) {
              return s.transfer(scid, 987654, d(2026, 8, 1), "ORD-2026-000010");
            }).error_kind(),
            ErrorKind::kNotFound);
}

TEST_P(ServiceItemsTest, NrcIsMarkedBilledOnce) {
  const std::string scid = service(acme_, "CUST-ACME");
  auto opened = open(scid, "CUST-ACME", {standard("cdn-delivery")}, d(2026, 2, 10));
  ASSERT_TRUE(opened.ok());
  const long long id = opened->front().id;
  ASSERT_TRUE(items([&](ServiceItems& s) { return s.end(id, d(2026, 2, 20), "ORD-2"); }).ok());
  // Ended in February, but the NRC keeps it billable in March until billed.
  const long long acme = customer_id("CUST-ACME");
  auto march = items([&](ServiceItems& s) { return s.billable(acme, {2026, 3}); });
  ASSERT_TRUE(march.ok());
  EXPECT_EQ(march->size(), 1u);
  // Not before the item starts.
  auto january = items([&](ServiceItems& s) { return s.billable(acme, {2026, 1}); });
  ASSERT_TRUE(january.ok());
  EXPECT_TRUE(january->empty());

  auto marked = items([&](ServiceItems& s) -> Result<ServiceItem> {
    auto done = s.mark_nrc_billed(id, "INV-2026-000001");
    if (!done.ok()) return Error{done.failure()};
    return s.get(id);
  });
  ASSERT_TRUE(marked.ok()) << marked.error();
  EXPECT_FALSE(marked->nrc_due);
  EXPECT_EQ(marked->nrc_invoice_number, "INV-2026-000001");
  auto again = items([&](ServiceItems& s) { return s.mark_nrc_billed(id, "INV-2026-000002"); });
  EXPECT_EQ(again.error_kind(), ErrorKind::kConflict);
  march = items([&](ServiceItems& s) { return s.billable(acme, {2026, 3}); });
  ASSERT_TRUE(march.ok());
  EXPECT_TRUE(march->empty());
  EXPECT_EQ(items([&](ServiceItems& s) { return s.mark_nrc_billed(424242, "INV-1"); }).error_kind(),
            ErrorKind::kNotFound);
}

TEST_P(ServiceItemsTest, RenewalStartsANewTermWithoutSetUpCharge) {
  const std::string scid = service(acme_, "CUST-ACME");
  auto opened = open(scid, "CUST-ACME", {standard("cdn-delivery")}, d(2026, 2, 10));
  ASSERT_TRUE(opened.ok());
  auto renewed = items(
      [&](ServiceItems& s) { return s.renew(scid, 24, d(2027, 2, 10), 45000, "ORD-2027-000001"); });
  ASSERT_TRUE(renewed.ok()) << renewed.error();
  ASSERT_EQ(renewed->size(), 1u);
  const ServiceItem& item = renewed->front();
  EXPECT_EQ(item.term_start, d(2027, 2, 10));
  EXPECT_EQ(item.term_end, d(2029, 2, 9));
  EXPECT_EQ(item.terms.term_months, 24);
  EXPECT_EQ(item.terms.mrc_minor, 45000);
  EXPECT_EQ(item.terms.nrc_minor, 0);
  EXPECT_EQ(item.terms.pricing_basis, PricingBasis::kIndividualCase);
  EXPECT_FALSE(item.nrc_due);
  EXPECT_EQ(item.replaces_item_id, opened->front().id);
  auto all = for_service(scid);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->front().end_date, d(2027, 2, 9));

  EXPECT_EQ(items([&](ServiceItems& s) {
              return s.renew(scid, 0, d(2029, 2, 10), std::nullopt, "ORD-2027-000002");
            }).error_kind(),
            ErrorKind::kInvalid);
  EXPECT_EQ(items([&](ServiceItems& s) {
              return s.renew("ZZZZZZZZZ", 12, d(2029, 2, 10), std::nullopt, "ORD-2027-000002");
            }).error_kind(),
            ErrorKind::kConflict);  // nothing open to renew
}

struct TermsCase {
  std::string name;
  std::function<void(ItemTerms&)> change;
  std::vector<std::string> pointers;  // empty: valid
};

class ItemTermsValidation : public ::testing::TestWithParam<TermsCase> {};

TEST_P(ItemTermsValidation, LocatesEveryProblem) {
  ItemTerms terms{"cdn-delivery",
                  "CDN HTTP(S) delivery",
                  PricingBasis::kStandard,
                  50000,
                  100000,
                  find_product("cdn-delivery")->standard_usage_plan,
                  12,
                  100};
  GetParam().change(terms);
  auto status = validate_item_terms(terms, "/items/0");
  std::vector<std::string> pointers;
  if (!status.ok()) {
    EXPECT_EQ(status.error_kind(), ErrorKind::kInvalid);
    for (const auto& [pointer, message] : status.failure().fields)
      pointers.push_back(pointer);
  }
  EXPECT_EQ(pointers, GetParam().pointers);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ItemTermsValidation,
    ::testing::Values(
        TermsCase{"Standard", [](ItemTerms&) {}, {}},
        TermsCase{"IcbMayChangePrices",
                  [](ItemTerms& item) {
                    item.pricing_basis = PricingBasis::kIndividualCase;
                    item.mrc_minor = 1;
                    item.nrc_minor = 0;
                    item.usage_plan.tiers[0].rate_milli_minor_per_gb = 1;
                  },
                  {}},
        TermsCase{"UnknownProduct",
                  [](ItemTerms& item) { item.product = "cdn-magic"; },
                  {"/items/0/product"}},
        TermsCase{"StandardPricesOnly",
                  [](ItemTerms& item) {
                    item.mrc_minor = 1;
                    item.nrc_minor = 2;
                    item.usage_plan.tiers[0].rate_milli_minor_per_gb = 1;
                  },
                  {"/items/0/mrc_minor", "/items/0/nrc_minor", "/items/0/usage_plan"}},
        TermsCase{"NegativeAndHugeMoney",
                  [](ItemTerms& item) {
                    item.pricing_basis = PricingBasis::kIndividualCase;
                    item.mrc_minor = -1;
                    item.nrc_minor = 10'000'000'000'001;
                  },
                  {"/items/0/mrc_minor", "/items/0/nrc_minor"}},
        TermsCase{"TermAndPercentage",
                  [](ItemTerms& item) {
                    item.term_months = 121;
                    item.etc_percent = 101;
                  },
                  {"/items/0/term_months", "/items/0/etc_percent"}},
        TermsCase{"WrongPlanKind",
                  [](ItemTerms& item) {
                    item.pricing_basis = PricingBasis::kIndividualCase;
                    item.usage_plan = UsagePlan{UsagePlanKind::kPercentile95, {}, 100, 1};
                  },
                  {"/items/0/usage_plan/kind"}},
        TermsCase{"BrokenTiers",
                  [](ItemTerms& item) {
                    item.pricing_basis = PricingBasis::kIndividualCase;
                    item.usage_plan.tiers[1].up_to_gb = 5000;
                  },
                  {"/items/0/usage_plan/tiers/1/up_to_gb"}}),
    [](const ::testing::TestParamInfo<TermsCase>& param_info) { return param_info.param.name; });

TEST(ProductCatalog, HoldsTheContractsProducts) {
  const Product* delivery = find_product("cdn-delivery");
  ASSERT_NE(delivery, nullptr);
  EXPECT_EQ(delivery->name, "CDN HTTP(S) delivery");
  EXPECT_EQ(delivery->standard_mrc_minor, 50000);
  EXPECT_EQ(delivery->standard_nrc_minor, 100000);
  ASSERT_EQ(delivery->standard_usage_plan.tiers.size(), 3u);
  const Product* p95 = find_product("cdn-delivery-p95");
  ASSERT_NE(p95, nullptr);
  EXPECT_EQ(p95->standard_usage_plan.commit_mbps, 500);
  EXPECT_EQ(p95->standard_usage_plan.overage_milli_minor_per_mbps, 150000);
  ASSERT_NE(find_product("log-delivery"), nullptr);
  ASSERT_NE(find_product("origin-shield"), nullptr);
  EXPECT_EQ(find_product("origin-shield")->standard_nrc_minor, 25000);
  EXPECT_EQ(find_product("nope"), nullptr);
  for (const Product& product : product_catalog()) {
    EXPECT_TRUE(
        validate_item_terms(ItemTerms{product.code, product.name, PricingBasis::kStandard,
                                      product.standard_mrc_minor, product.standard_nrc_minor,
                                      product.standard_usage_plan, 12, 100},
                            "")
            .ok())
        << product.code;
  }
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, ServiceItemsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace candela::control
