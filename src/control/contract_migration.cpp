// Migration 15, written once for SQLite and PostgreSQL.
#include "control/contract_migration.hpp"

namespace candela::control {

Migration contract_migration() {
  return Migration{
      15,
      "service items and customer terms",
      {
          // Contract lines of a service. Calendar dates are 'YYYY-MM-DD' text (sortable, no time
          // zone); a change ends an item and inserts its successor, so rows are never rewritten
          // except for end_date and the NRC billing marks.
          "CREATE TABLE service_items ("
          " id {pk},"
          " scid CHAR(9) NOT NULL REFERENCES services(scid),"
          " customer_id BIGINT NOT NULL REFERENCES customers(id),"
          " product TEXT NOT NULL CHECK (length(product) >= 1),"
          " description TEXT NOT NULL DEFAULT '',"
          " pricing_basis TEXT NOT NULL CHECK (pricing_basis IN ('standard', 'icb')),"
          " mrc_minor BIGINT NOT NULL CHECK (mrc_minor >= 0),"
          " nrc_minor BIGINT NOT NULL CHECK (nrc_minor >= 0),"
          " usage_plan TEXT NOT NULL DEFAULT '{\"kind\":\"none\"}',"
          " term_months INTEGER NOT NULL CHECK (term_months BETWEEN 1 AND 120),"
          " etc_percent INTEGER NOT NULL CHECK (etc_percent BETWEEN 0 AND 100),"
          " start_date TEXT NOT NULL CHECK (length(start_date) = 10),"
          " end_date TEXT CHECK (end_date IS NULL OR (length(end_date) = 10"
          "  AND end_date >= start_date)),"
          " term_start TEXT NOT NULL CHECK (length(term_start) = 10),"
          " term_end TEXT NOT NULL CHECK (length(term_end) = 10 AND term_end >= term_start),"
          " nrc_due INTEGER NOT NULL DEFAULT 0 CHECK (nrc_due IN (0, 1)),"
          " nrc_invoice_number TEXT,"
          " order_number TEXT NOT NULL CHECK (length(order_number) >= 1),"
          " ended_by_order TEXT,"
          " replaces_item_id BIGINT REFERENCES service_items(id),"
          " created_at BIGINT NOT NULL)",
          "CREATE INDEX service_items_scid ON service_items(scid, start_date)",
          "CREATE INDEX service_items_customer ON service_items(customer_id, start_date)",

          // The MSA's commercial terms; a customer without a row gets the defaults.
          "CREATE TABLE customer_terms ("
          " customer_id BIGINT PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,"
          " msa_reference TEXT NOT NULL DEFAULT '',"
          " currency TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),"
          " payment_terms_days INTEGER NOT NULL CHECK (payment_terms_days BETWEEN 1 AND 120),"
          " warning_after_days INTEGER NOT NULL CHECK (warning_after_days >= 1),"
          " final_warning_after_days INTEGER NOT NULL"
          "  CHECK (final_warning_after_days > warning_after_days),"
          " suspend_after_days INTEGER NOT NULL"
          "  CHECK (suspend_after_days > final_warning_after_days),"
          " updated_at BIGINT NOT NULL,"
          " updated_by BIGINT REFERENCES users(id))",
      }};
}

}  // namespace candela::control
