// Plain-SQL invoice rows for tests that need an issued invoice without running the billing run
// (billing requests, tenancy): the contract's invoices and invoice_lines columns, no rules.
#pragma once

#include <soci/soci.h>

#include <string>
#include <vector>

namespace candela::testing {

struct InvoiceLineRow {
  std::string kind;  // mrc, nrc, usage, etc, credit, charge
  std::string scid;  // empty: none
  long long amount_minor = 0;
};

// Inserts an invoice of the customer for period 2025-11 whose new charges are the lines' sum;
// returns its id.
inline long long insert_invoice_rows(soci::session& s, const std::string& customer_number,
                                     const std::string& invoice_number,
                                     const std::vector<InvoiceLineRow>& lines) {
  long long customer_id = 0;
  s << "SELECT id FROM customers WHERE customer_number = :n", soci::use(customer_number),
      soci::into(customer_id);
  long long charges = 0;
  for (const auto& line : lines)
    charges += line.amount_minor;
  long long id = 0;
  s << "INSERT INTO invoices (invoice_number, customer_id, period, issue_date, due_date,"
       " currency, previous_balance_minor, payments_minor, new_charges_minor, amount_due_minor,"
       " billing_address, created_at) VALUES (:n, :c, '2025-11', '2025-12-01', '2025-12-31',"
       " 'USD', 0, 0, :charges, :due, '{}', 0) RETURNING id",
      soci::use(invoice_number), soci::use(customer_id), soci::use(charges), soci::use(charges),
      soci::into(id);
  int number = 0;
  for (const auto& line : lines) {
    ++number;
    std::string scid = line.scid;
    soci::indicator scid_ind = scid.empty() ? soci::i_null : soci::i_ok;
    long long amount = line.amount_minor;
    std::string kind = line.kind;
    s << "INSERT INTO invoice_lines (invoice_id, line_number, kind, scid, description, quantity,"
         " amount_minor) VALUES (:i, :l, :k, :s, 'test line', '1', :a)",
        soci::use(id), soci::use(number), soci::use(kind), soci::use(scid, scid_ind),
        soci::use(amount);
  }
  return id;
}

}  // namespace candela::testing
