// Store-test fixture for billing: customers in and outside the US with each delivery
// preference, their users, provider staff, services with contract items, usage rows, and
// helpers that run billing and read back what it stored.
#pragma once

#include <soci/soci.h>

#include <string>
#include <vector>

#include "common/civil_date.hpp"
#include "common/ids.hpp"
#include "control/access_groups.hpp"
#include "control/billing_run.hpp"
#include "control/invoices.hpp"
#include "control/principal.hpp"
#include "control/service_items.hpp"
#include "control/services.hpp"
#include "control/usage_counters.hpp"
#include "store_test.hpp"

namespace candela::control {

struct BillingCustomerRef {
  long long id = 0;
  std::string number;
  long long organisation = 0;
};

class BillingStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_store(/*migrate=*/true));
    auto seeded = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      acme_ = customer(s, "Acme Inc", "C0000001", "US", "email", "billing@acme.example");
      globex_ = customer(s, "Globex Ltd", "C0000002", "GB", "email", "ap@globex.example");
      initech_ = customer(s, "Initech", "C0000003", "US", "post", "");
      umbrella_ = customer(s, "Umbrella", "C0000004", "US", "portal", "");
      staff_ = user(s, "Sam Staff", Role::kProviderAdmin, std::nullopt);
      coordinator_ = user(s, "Bea Coordinator", Role::kBillingCoordinator, std::nullopt);
      director_ = user(s, "Al Director", Role::kAccountDirector, std::nullopt);
      acme_admin_ = user(s, "Ann Acme", Role::kAdmin, acme_.organisation);
      acme_billing_ = user(s, "Bill Acme", Role::kBilling, acme_.organisation);
      acme_technical_ = user(s, "Tom Acme", Role::kTechnical, acme_.organisation);
      acme_read_only_ = user(s, "Rita Acme", Role::kReadOnly, acme_.organisation);
      globex_admin_ = user(s, "Gus Globex", Role::kAdmin, globex_.organisation);
      umbrella_billing_ = user(s, "Uma Umbrella", Role::kBilling, umbrella_.organisation);
      return true;
    });
    ASSERT_TRUE(seeded.ok()) << seeded.error();
  }

  BillingCustomerRef customer(soci::session& s, const std::string& name, const std::string& number,
                              const std::string& country, const std::string& delivery,
                              const std::string& email) {
    BillingCustomerRef ref;
    ref.number = number;
    auto group = AccessGroups(s, clock_).create(std::nullopt, name);
    EXPECT_TRUE(group.ok()) << group.error();
    ref.organisation = group.ok() ? group->id : 0;
    soci::indicator email_ind = email.empty() ? soci::i_null : soci::i_ok;
    s << "INSERT INTO customers (customer_number, name, billing_address_line1, billing_city,"
         " billing_postal_code, billing_region, country, invoice_delivery, invoice_email,"
         " created_at, organisation_id)"
         " VALUES (:n, :name, '1 Main Street', 'Springfield', '62701', 'IL', :c, :d, :e, 0, :o)"
         " RETURNING id",
        soci::use(number), soci::use(name), soci::use(country), soci::use(delivery),
        soci::use(email, email_ind), soci::use(ref.organisation), soci::into(ref.id);
    return ref;
  }

  Principal user(soci::session& s, const std::string& name, Role role,
                 std::optional<long long> group) {
    Principal p;
    p.name = name;
    p.email = std::to_string(++users_) + "@people.test";
    s << "INSERT INTO users (name, email, created_at) VALUES (:n, :e, 0) RETURNING id",
        soci::use(p.name), soci::use(p.email), soci::into(p.user_id);
    const std::string role_text(role_name(role));
    const long long group_id = group.value_or(0);
    soci::indicator group_ind = group ? soci::i_ok : soci::i_null;
    s << "INSERT INTO user_roles (user_id, role, access_group_id) VALUES (:u, :r, :g)",
        soci::use(p.user_id), soci::use(role_text), soci::use(group_id, group_ind);
    p.grants.push_back({role, group});
    return p;
  }

  // The clock at noon UTC of `date`.
  void today(const std::string& date) {
    clock_.set(start_of_day(*parse_civil_date(date)) + std::chrono::hours(12));
  }

  static CivilDate day(const std::string& text) { return *parse_civil_date(text); }
  static BillingMonth month(const std::string& text) { return *parse_billing_month(text); }

  // An active service of `customer` with one item per `terms`, in service from `start`.
  std::pair<std::string, std::vector<ServiceItem>> service(const BillingCustomerRef& customer,
                                                           const std::vector<ItemTerms>& terms,
                                                           const std::string& start) {
    std::pair<std::string, std::vector<ServiceItem>> out;
    auto made = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      Services services(s, clock_);
      auto created =
          services.create(staff_, {customer.organisation, customer.number, "test"}, random_);
      if (!created.ok()) return created.failure();
      auto items = ServiceItems(s, clock_).open(created->scid, customer.id, terms, day(start),
                                                "ORD-2026-" + std::to_string(100000 + ++orders_));
      if (!items.ok()) return items.failure();
      out = {created->scid, *items};
      return true;
    });
    EXPECT_TRUE(made.ok()) << made.error();
    return out;
  }

  static ItemTerms terms(const std::string& product, long long mrc, long long nrc,
                         UsagePlan plan = {}) {
    ItemTerms t;
    t.product = product;
    t.pricing_basis = PricingBasis::kIndividualCase;
    t.mrc_minor = mrc;
    t.nrc_minor = nrc;
    t.usage_plan = plan;
    if (plan.kind == UsagePlanKind::kNone && product == "cdn-delivery") {
      t.usage_plan = find_product(product)->standard_usage_plan;
    }
    return t;
  }

  // Bytes to clients of `scid` on one UTC day (the per-service day rollup).
  void day_usage(const std::string& scid, const std::string& date, long long bytes) {
    auto stored = db_->with_session([&](soci::session& s) -> Result<bool> {
      const long long bucket = to_epoch_ms(start_of_day(day(date)));
      std::string zeros;
      for (std::size_t i = 0; i < kUsageFieldCount; ++i)
        zeros += i == kBytes ? ", :b" : ", 0";
      s << "INSERT INTO usage_service_day (scid, bucket, " + usage_column_list() +
               ") VALUES (:s, :k" + zeros + ")",
          soci::use(scid), soci::use(bucket), soci::use(bytes);
      return true;
    });
    ASSERT_TRUE(stored.ok()) << stored.error();
  }

  // Every 5-minute bin of [from, to] (whole days) at `bps` bit/s.
  void bandwidth(const std::string& scid, const std::string& from, const std::string& to,
                 long long bps) {
    auto stored = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      const long long start = to_epoch_ms(start_of_day(day(from)));
      const long long end = to_epoch_ms(start_of_day(add_days(day(to), 1)));
      const long long bytes = bps * 300 / 8;
      long long bin = 0;
      soci::statement st =
          (s.prepare << "INSERT INTO usage_five_minute (scid, bin, bytes) VALUES (:s, :b, :y)",
           soci::use(scid), soci::use(bin), soci::use(bytes));
      for (bin = start; bin < end; bin += 300000)
        st.execute(true);
      return true;
    });
    ASSERT_TRUE(stored.ok()) << stored.error();
  }

  Result<BillingRunRecord> run(const Principal& who, const std::string& period,
                               std::optional<std::string> customer = std::nullopt) {
    return db_->with_transaction([&](soci::session& s) {
      return BillingRun(s, clock_, settings_).run(who, month(period), customer);
    });
  }

  Invoice invoice(const std::string& number) {
    auto found = db_->with_session([&](soci::session& s) -> Result<Invoice> {
      auto invoice = Invoices(s, clock_).find(number);
      if (!invoice.ok()) return invoice.failure();
      if (!invoice->has_value()) return Error{"no invoice " + number};
      return **invoice;
    });
    EXPECT_TRUE(found.ok()) << found.error();
    return found.ok() ? *found : Invoice{};
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

  // Every row of the billing tables (and the items' NRC marks) as text, to compare runs.
  std::string billing_rows() {
    auto dumped = db_->with_session([&](soci::session& s) -> Result<std::string> {
      std::string out;
      for (const char* sql :
           {"SELECT * FROM invoices ORDER BY id",
            "SELECT * FROM invoice_lines ORDER BY"
            " invoice_id, line_number",
            "SELECT * FROM invoice_deliveries ORDER BY id",
            "SELECT * FROM billing_adjustments ORDER BY id",
            "SELECT id, nrc_due, nrc_invoice_number FROM service_items ORDER BY id",
            "SELECT id, subject FROM mail_outbox ORDER BY id"}) {
        soci::rowset<soci::row> rows = s.prepare << sql;
        for (const soci::row& row : rows) {
          for (std::size_t i = 0; i < row.size(); ++i) {
            if (row.get_indicator(i) == soci::i_null) {
              out += "NULL|";
              continue;
            }
            switch (row.get_properties(i).get_data_type()) {
              case soci::dt_string:
                out += row.get<std::string>(i) + "|";
                break;
              case soci::dt_integer:
                out += std::to_string(row.get<int>(i)) + "|";
                break;
              case soci::dt_long_long:
                out += std::to_string(row.get<long long>(i)) + "|";
                break;
              case soci::dt_unsigned_long_long:
                out += std::to_string(row.get<unsigned long long>(i)) + "|";
                break;
              case soci::dt_double:
                out += std::to_string(row.get<double>(i)) + "|";
                break;
              default:
                out += "?|";
            }
          }
          out += "\n";
        }
        out += "--\n";
      }
      return out;
    });
    EXPECT_TRUE(dumped.ok()) << dumped.error();
    return dumped.ok() ? *dumped : "";
  }

  SeededRandom random_{7};
  InvoiceDeliverySettings settings_;
  int users_ = 0;
  int orders_ = 0;
  BillingCustomerRef acme_, globex_, initech_, umbrella_;
  Principal staff_, coordinator_, director_, acme_admin_, acme_billing_, acme_technical_,
      acme_read_only_, globex_admin_, umbrella_billing_;
};

}  // namespace candela::control
