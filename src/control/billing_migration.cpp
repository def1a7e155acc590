// Migration 17, written once for SQLite and PostgreSQL.
#include "control/billing_migration.hpp"

namespace candela::control {

Migration billing_migration() {
  return Migration{
      17,
      "billing runs, invoices, lines, adjustments and deliveries",
      {
          // One row per run (all customers, or one); the invoices it made point back to it.
          "CREATE TABLE billing_runs ("
          " id {pk},"
          " period TEXT NOT NULL CHECK (length(period) = 7),"
          " customer_id BIGINT NULL REFERENCES customers(id),"
          " requested_by BIGINT NULL REFERENCES users(id),"
          " started_at BIGINT NOT NULL,"
          " finished_at BIGINT NULL,"
          " invoices_created INTEGER NOT NULL DEFAULT 0 CHECK (invoices_created >= 0),"
          " invoices_existing INTEGER NOT NULL DEFAULT 0 CHECK (invoices_existing >= 0))",
          "CREATE INDEX billing_runs_period ON billing_runs(period, id)",

          // Immutable once inserted: the code only ever inserts invoices and their lines.
          // Amounts are BIGINT minor units; dates TEXT 'YYYY-MM-DD'; billing_address a JSON
          // snapshot taken at issue.
          "CREATE TABLE invoices ("
          " id {pk},"
          " invoice_number TEXT NOT NULL UNIQUE,"
          " customer_id BIGINT NOT NULL REFERENCES customers(id),"
          " period TEXT NOT NULL CHECK (length(period) = 7),"
          " issue_date TEXT NOT NULL CHECK (length(issue_date) = 10),"
          " due_date TEXT NOT NULL CHECK (length(due_date) = 10),"
          " currency TEXT NOT NULL CHECK (length(currency) = 3),"
          " previous_balance_minor BIGINT NOT NULL,"
          " payments_minor BIGINT NOT NULL CHECK (payments_minor >= 0),"
          " new_charges_minor BIGINT NOT NULL,"
          " amount_due_minor BIGINT NOT NULL,"
          " billing_address TEXT NOT NULL DEFAULT '{}',"
          " created_at BIGINT NOT NULL,"
          " run_id BIGINT NULL REFERENCES billing_runs(id),"
          " UNIQUE (customer_id, period))",
          "CREATE INDEX invoices_period ON invoices(period, id)",
          "CREATE INDEX invoices_customer_issue ON invoices(customer_id, issue_date)",

          "CREATE TABLE invoice_lines ("
          " invoice_id BIGINT NOT NULL REFERENCES invoices(id),"
          " line_number INTEGER NOT NULL CHECK (line_number >= 1),"
          " kind TEXT NOT NULL CHECK (kind IN ('mrc', 'nrc', 'usage', 'etc', 'credit', 'charge')),"
          " scid CHAR(9) NULL,"
          " item_id BIGINT NULL,"
          " description TEXT NOT NULL,"
          " quantity TEXT NOT NULL DEFAULT '',"
          " period_from TEXT NULL,"
          " period_to TEXT NULL,"
          " amount_minor BIGINT NOT NULL,"
          " PRIMARY KEY (invoice_id, line_number))",

          // Waiting for the customer's next invoice until invoice_id is set (once).
          "CREATE TABLE billing_adjustments ("
          " id {pk},"
          " customer_id BIGINT NOT NULL REFERENCES customers(id),"
          " kind TEXT NOT NULL CHECK (kind IN ('etc', 'credit', 'charge')),"
          " amount_minor BIGINT NOT NULL,"
          " description TEXT NOT NULL CHECK (length(description) >= 1),"
          " scid CHAR(9) NULL,"
          " source_reference TEXT NOT NULL DEFAULT '',"
          " created_by BIGINT NULL REFERENCES users(id),"
          " created_at BIGINT NOT NULL,"
          " invoice_id BIGINT NULL REFERENCES invoices(id),"
          " CHECK ((kind = 'credit' AND amount_minor < 0)"
          "     OR (kind IN ('etc', 'charge') AND amount_minor > 0)))",
          "CREATE INDEX billing_adjustments_unbilled ON billing_adjustments(customer_id, "
          "invoice_id, id)",

          "CREATE TABLE invoice_deliveries ("
          " id {pk},"
          " invoice_id BIGINT NOT NULL REFERENCES invoices(id),"
          " channel TEXT NOT NULL CHECK (channel IN ('paper', 'email', 'portal', 'depository')),"
          " destination TEXT NOT NULL,"
          " status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),"
          " detail TEXT NOT NULL DEFAULT '',"
          " created_at BIGINT NOT NULL)",
          "CREATE INDEX invoice_deliveries_invoice ON invoice_deliveries(invoice_id, id)",
      }};
}

}  // namespace candela::control
