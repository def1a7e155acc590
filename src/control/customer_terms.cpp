// The MSA's commercial terms per customer: read by whoever sees the customer, changed by the
// account director or the billing coordinator, every change audited with the old and new values.
#include "control/customer_terms.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "common/ids.hpp"
#include "control/audit_log.hpp"
#include "control/customers.hpp"
#include "control/database.hpp"
#include "control/principal_audit.hpp"
#include "control/store_errors.hpp"

namespace candela::control {
namespace {

constexpr std::size_t kMaxMsaReferenceLength = 100;
constexpr int kMaxPaymentTermsDays = 120;
constexpr int kMaxCollectionDays = 365;
constexpr std::size_t kMaxReasonLength = 1000;

nlohmann::json terms_json(const CustomerTerms& terms) {
  return {{"msa_reference", terms.msa_reference},
          {"currency", terms.currency},
          {"payment_terms_days", terms.payment_terms_days},
          {"warning_after_days", terms.warning_after_days},
          {"final_warning_after_days", terms.final_warning_after_days},
          {"suspend_after_days", terms.suspend_after_days}};
}

bool is_currency_code(const std::string& code) {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> check_terms(const CustomerTerms& terms) {
  std::vector<std::pair<std::string, std::string>> fields;
  if (terms.msa_reference.size() > kMaxMsaReferenceLength) {
    fields.emplace_back("/msa_reference",
                        "must be at most " + std::to_string(kMaxMsaReferenceLength) + " bytes");
  }
  if (!is_currency_code(terms.currency)) {
    fields.emplace_back("/currency", "must be an ISO 4217 code of three capital letters (USD)");
  }
  if (terms.payment_terms_days < 1 || terms.payment_terms_days > kMaxPaymentTermsDays) {
    fields.emplace_back("/payment_terms_days",
                        "must be between 1 and " + std::to_string(kMaxPaymentTermsDays));
  }
  if (terms.warning_after_days < 1 || terms.warning_after_days > kMaxCollectionDays) {
    fields.emplace_back("/warning_after_days",
                        "must be between 1 and " + std::to_string(kMaxCollectionDays));
  }
  if (terms.final_warning_after_days <= terms.warning_after_days ||
      terms.final_warning_after_days > kMaxCollectionDays) {
    fields.emplace_back(
        "/final_warning_after_days",
        "must be more than warning_after_days and at most " + std::to_string(kMaxCollectionDays));
  }
  if (terms.suspend_after_days <= terms.final_warning_after_days ||
      terms.suspend_after_days > kMaxCollectionDays) {
    fields.emplace_back("/suspend_after_days",
                        "must be more than final_warning_after_days and at most " +
                            std::to_string(kMaxCollectionDays));
  }
  return fields;
}

// The stored row of `customer_id`, or the defaults.
Result<CustomerTerms> read_terms(soci::session& session, long long customer_id,
                                 const std::string& customer_number) {
  CustomerTerms terms;
  terms.customer_number = customer_number;
  try {
    session << "SELECT msa_reference, currency, payment_terms_days, warning_after_days,"
               " final_warning_after_days, suspend_after_days FROM customer_terms"
               " WHERE customer_id = :id",
        soci::use(customer_id), soci::into(terms.msa_reference), soci::into(terms.currency),
        soci::into(terms.payment_terms_days), soci::into(terms.warning_after_days),
        soci::into(terms.final_warning_after_days), soci::into(terms.suspend_after_days);
    if (!session.got_data()) {
      CustomerTerms defaults;
      defaults.customer_number = customer_number;
      return defaults;
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the customer's terms", e);
  }
  return terms;
}

}  // namespace

Result<CustomerTerms> CustomerTermsStore::get(const Principal& principal,
                                              const std::string& customer_number) {
  SystemRandom random;  // Customers needs one for creating numbers; reading never draws
  auto customer = Customers(session_, clock_, random).get(principal, customer_number);
  if (!customer.ok()) return Error{customer.failure()};
  return read_terms(session_, customer->id, customer->customer_number);
}

Result<CustomerTerms> CustomerTermsStore::put(const Principal& principal,
                                              const CustomerTerms& terms,
                                              const std::string& reason) {
  auto before = get(principal, terms.customer_number);
  if (!before.ok()) return before;
  if (!principal.has_provider_role(Role::kAccountDirector) &&
      !principal.has_provider_role(Role::kBillingCoordinator)) {
    return Error{"only the account director or the billing coordinator may change the terms of " +
                     terms.customer_number,
                 ErrorKind::kForbidden};
  }
  auto fields = check_terms(terms);
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    fields.emplace_back("/reason", "is required: say why the terms change");
  } else if (reason.size() > kMaxReasonLength) {
    fields.emplace_back("/reason",
                        "must be at most " + std::to_string(kMaxReasonLength) + " bytes");
  }
  if (!fields.empty()) {
    return Error{"the terms are invalid: " + fields.front().first + " " + fields.front().second,
                 ErrorKind::kInvalid, fields};
  }
  SystemRandom random;
  auto customer = Customers(session_, clock_, random).find(terms.customer_number);
  if (!customer.ok()) return Error{customer.failure()};
  const long long customer_id = (*customer)->id;
  const long long now = to_epoch_ms(clock_.now());
  const std::optional<long long> by = acting_user_id(principal);
  const long long by_value = by.value_or(0);
  soci::indicator by_ind = by ? soci::i_ok : soci::i_null;
  try {
    long long existing = 0;
    session_ << "SELECT customer_id FROM customer_terms WHERE customer_id = :id",
        soci::use(customer_id), soci::into(existing);
    if (session_.got_data()) {
      session_ << "UPDATE customer_terms SET msa_reference = :msa, currency = :currency,"
                  " payment_terms_days = :payment, warning_after_days = :warning,"
                  " final_warning_after_days = :final, suspend_after_days = :suspend,"
                  " updated_at = :at, updated_by = :by WHERE customer_id = :id",
          soci::use(terms.msa_reference), soci::use(terms.currency),
          soci::use(terms.payment_terms_days), soci::use(terms.warning_after_days),
          soci::use(terms.final_warning_after_days), soci::use(terms.suspend_after_days),
          soci::use(now), soci::use(by_value, by_ind), soci::use(customer_id);
    } else {
      session_ << "INSERT INTO customer_terms (customer_id, msa_reference, currency,"
                  " payment_terms_days, warning_after_days, final_warning_after_days,"
                  " suspend_after_days, updated_at, updated_by)"
                  " VALUES (:id, :msa, :currency, :payment, :warning, :final, :suspend, :at,"
                  " :by)",
          soci::use(customer_id), soci::use(terms.msa_reference), soci::use(terms.currency),
          soci::use(terms.payment_terms_days), soci::use(terms.warning_after_days),
          soci::use(terms.final_warning_after_days), soci::use(terms.suspend_after_days),
          soci::use(now), soci::use(by_value, by_ind);
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not store the customer's terms", e);
  }
  AuditEntry entry = audit_entry(principal, "customer_terms", terms.customer_number, "update");
  entry.reason = reason;
  entry.details =
      nlohmann::json{{"before", terms_json(*before)}, {"after", terms_json(terms)}}.dump();
  auto audited = AuditLog(session_, clock_).append(entry);
  if (!audited.ok()) return Error{audited.failure()};
  return read_terms(session_, customer_id, terms.customer_number);
}

Result<CustomerTerms> CustomerTermsStore::for_customer_id(long long customer_id) {
  std::string customer_number;
  try {
    session_ << "SELECT customer_number FROM customers WHERE id = :id", soci::use(customer_id),
        soci::into(customer_number);
    if (!session_.got_data()) {
      return Error{"customer " + std::to_string(customer_id) + " does not exist",
                   ErrorKind::kNotFound};
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the customer", e);
  }
  return read_terms(session_, customer_id, customer_number);
}

}  // namespace candela::control
