// Store-test fixture for contract items: the service fixture's organisations plus helpers that
// open, read and change service items in a transaction.
#pragma once

#include <soci/soci.h>

#include <string>
#include <vector>

#include "control/service_items.hpp"
#include "service_fixture.hpp"

namespace candela::control {

class ContractStoreTest : public ServiceStoreTest {
 protected:
  static CivilDate d(int year, int month, int day) { return CivilDate{year, month, day}; }

  // The catalogue's standard terms of `product`.
  static ItemTerms standard(const std::string& product, int term_months = 12) {
    const Product* p = find_product(product);
    EXPECT_NE(p, nullptr) << product;
    ItemTerms terms;
    terms.product = product;
    terms.description = p ? p->name : "";
    terms.mrc_minor = p ? p->standard_mrc_minor : 0;
    terms.nrc_minor = p ? p->standard_nrc_minor : 0;
    terms.usage_plan = p ? p->standard_usage_plan : UsagePlan{};
    terms.term_months = term_months;
    return terms;
  }

  long long customer_id(const std::string& number) {
    auto id = db_->with_session([&](soci::session& s) -> Result<long long> {
      long long value = 0;
      s << "SELECT id FROM customers WHERE customer_number = :n", soci::use(number),
          soci::into(value);
      return value;
    });
    EXPECT_TRUE(id.ok()) << id.error();
    return id.ok() ? *id : 0;
  }

  template <typename Fn>
  auto items(Fn&& fn) {
    return db_->with_transaction([&](soci::session& s) {
      ServiceItems store(s, clock_);
      return fn(store);
    });
  }

  Result<std::vector<ServiceItem>> open(const std::string& scid, const std::string& customer,
                                        const std::vector<ItemTerms>& terms, const CivilDate& start,
                                        const std::string& order = "ORD-2026-000001") {
    const long long id = customer_id(customer);
    return items([&](ServiceItems& store) { return store.open(scid, id, terms, start, order); });
  }

  Result<std::vector<ServiceItem>> for_service(const std::string& scid) {
    return items([&](ServiceItems& store) { return store.for_service(scid); });
  }
};

}  // namespace candela::control
