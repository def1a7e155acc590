// Customer terms (the MSA) on SQLite and PostgreSQL: defaults, who may read and change them,
// located validation errors that leave the stored row untouched, and the audit trail.
#include "control/customer_terms.hpp"

#include <gtest/gtest.h>

#include "control/audit_log.hpp"
#include "service_fixture.hpp"

namespace candela::control {
namespace {

class CustomerTermsTest : public ServiceStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceStoreTest::SetUp());
    auto seeded = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      insert_customer(s, "C0000001", acme_);
      insert_customer(s, "C0000002", globex_);
      billing_coordinator_ =
          make_principal(s, "Bea Billing", Role::kBillingCoordinator, std::nullopt);
      return true;
    });
    ASSERT_TRUE(seeded.ok()) << seeded.error();
  }

  Result<CustomerTerms> get(const Principal& p, const std::string& number) {
    return db_->with_transaction(
        [&](soci::session& s) { return CustomerTermsStore(s, clock_).get(p, number); });
  }
  Result<CustomerTerms> put(const Principal& p, const CustomerTerms& terms,
                            const std::string& reason = "MSA amendment 2") {
    return db_->with_transaction(
        [&](soci::session& s) { return CustomerTermsStore(s, clock_).put(p, terms, reason); });
  }

  static CustomerTerms amended() {
    CustomerTerms terms;
    terms.customer_number = "C0000001";
    terms.msa_reference = "MSA-2026-0042";
    terms.currency = "EUR";
    terms.payment_terms_days = 45;
    terms.warning_after_days = 5;
    terms.final_warning_after_days = 20;
    terms.suspend_after_days = 40;
    return terms;
  }

  Principal billing_coordinator_;
};

TEST_P(CustomerTermsTest, DefaultsApplyWithoutAStoredRow) {
  auto terms = get(acme_admin_, "C0000001");
  ASSERT_TRUE(terms.ok()) << terms.error();
  CustomerTerms expected;
  expected.customer_number = "C0000001";
  EXPECT_EQ(*terms, expected);
  EXPECT_EQ(terms->currency, "USD");
  EXPECT_EQ(terms->payment_terms_days, 30);
}

TEST_P(CustomerTermsTest, AccountDirectorAndBillingCoordinatorChangeThemAudited) {
  clock_.advance(std::chrono::seconds(7));
  auto stored = put(account_director_, amended());
  ASSERT_TRUE(stored.ok()) << stored.error();
  EXPECT_EQ(*stored, amended());
  auto read = get(acme_read_only_, "C0000001");
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(*read, amended());

  CustomerTerms again = amended();
  again.payment_terms_days = 60;
  again.suspend_after_days = 90;
  ASSERT_TRUE(put(billing_coordinator_, again, "renegotiated").ok());
  EXPECT_EQ(get(staff_, "C0000001")->payment_terms_days, 60);

  auto trail = db_->with_session([&](soci::session& s) {
    return AuditLog(s, clock_).list_for_entity("customer_terms", "C0000001", 0, 50);
  });
  ASSERT_TRUE(trail.ok()) << trail.error();
  ASSERT_EQ(trail->records.size(), 2u);
  EXPECT_EQ(trail->records[0].entry.actor_user_id, account_director_.user_id);
  EXPECT_EQ(trail->records[0].entry.reason, "MSA amendment 2");
  EXPECT_NE(trail->records[0].entry.details.find("\"payment_terms_days\":30"), std::string::npos);
  EXPECT_NE(trail->records[0].entry.details.find("\"payment_terms_days\":45"), std::string::npos);
  EXPECT_EQ(trail->records[1].entry.actor_user_id, billing_coordinator_.user_id);

  auto by_id = db_->with_session([&](soci::session& s) {
    long long id = 0;
    s << "SELECT id FROM customers WHERE customer_number = 'C0000001'", soci::into(id);
    return CustomerTermsStore(s, clock_).for_customer_id(id);
  });
  ASSERT_TRUE(by_id.ok()) << by_id.error();
  EXPECT_EQ(by_id->payment_terms_days, 60);
  auto unknown = db_->with_session(
      [&](soci::session& s) { return CustomerTermsStore(s, clock_).for_customer_id(987654); });
  EXPECT_EQ(unknown.error_kind(), ErrorKind::kNotFound);
}

TEST_P(CustomerTermsTest, OnlyTheNamedRolesMayChangeThem) {
  // Provider admin is not a wildcard here; customers see their terms but cannot change them.
  EXPECT_EQ(put(staff_, amended()).error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(put(activation_, amended()).error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(put(acme_admin_, amended()).error_kind(), ErrorKind::kForbidden);
  // Another customer's terms are not even visible.
  EXPECT_EQ(put(globex_admin_, amended()).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(get(globex_admin_, "C0000001").error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(get(staff_, "C0999999").error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(count("SELECT COUNT(*) FROM customer_terms"), 0);
}

TEST_P(CustomerTermsTest, BadTermsAreLocatedAndNothingChanges) {
  ASSERT_TRUE(put(account_director_, amended()).ok());
  CustomerTerms bad = amended();
  bad.currency = "usd";
  bad.payment_terms_days = 0;
  bad.warning_after_days = 10;
  bad.final_warning_after_days = 10;
  bad.suspend_after_days = 5;
  bad.msa_reference = std::string(101, 'x');
  auto refused = put(account_director_, bad, " ");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  std::vector<std::string> pointers;
  for (const auto& [pointer, message] : refused.failure().fields)
    pointers.push_back(pointer);
  EXPECT_EQ(pointers, (std::vector<std::string>{"/msa_reference", "/currency",
                                                "/payment_terms_days", "/final_warning_after_days",
                                                "/suspend_after_days", "/reason"}));
  EXPECT_EQ(*get(staff_, "C0000001"), amended());
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, CustomerTermsTest,
                         ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace candela::control
