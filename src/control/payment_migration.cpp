// Migration 18, written once for SQLite and PostgreSQL.
#include "control/payment_migration.hpp"

namespace candela::control {

Migration payment_migration() {
  return Migration{
      18,
      "payments, allocations and collections",
      {
          // A payment as received (amounts BIGINT minor units, received_on 'YYYY-MM-DD'). An EFT
          // carries the transfer reference the bank shows, so it can be reconciled.
          "CREATE TABLE payments ("
          " id {pk},"
          " customer_id BIGINT NOT NULL REFERENCES customers(id),"
          " method TEXT NOT NULL CHECK (method IN ('eft', 'wire', 'check', 'card')),"
          " reference TEXT NOT NULL DEFAULT '',"
          " amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),"
          " received_on TEXT NOT NULL CHECK (length(received_on) = 10),"
          " note TEXT NOT NULL DEFAULT '',"
          " recorded_by BIGINT NULL REFERENCES users(id),"
          " created_at BIGINT NOT NULL,"
          " CHECK (method <> 'eft' OR length(reference) >= 1))",
          "CREATE INDEX payments_customer ON payments(customer_id, received_on, id)",

          // How much of a payment settles which invoice; the rest of the payment is unapplied.
          "CREATE TABLE payment_allocations ("
          " payment_id BIGINT NOT NULL REFERENCES payments(id),"
          " invoice_id BIGINT NOT NULL REFERENCES invoices(id),"
          " amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),"
          " PRIMARY KEY (payment_id, invoice_id))",
          "CREATE INDEX payment_allocations_invoice ON payment_allocations(invoice_id)",

          // The collection steps taken per overdue invoice; a warning and a final warning go
          // once per invoice (the partial unique index holds that with two portals too).
          "CREATE TABLE collection_steps ("
          " id {pk},"
          " customer_id BIGINT NOT NULL REFERENCES customers(id),"
          " invoice_id BIGINT NOT NULL REFERENCES invoices(id),"
          " step TEXT NOT NULL"
          "  CHECK (step IN ('warning', 'final_warning', 'suspended', 'restored')),"
          " at BIGINT NOT NULL)",
          "CREATE UNIQUE INDEX collection_steps_once ON collection_steps(invoice_id, step)"
          " WHERE step IN ('warning', 'final_warning')",
          "CREATE INDEX collection_steps_customer ON collection_steps(customer_id, id)",

          // Services suspended for non-payment; restored_at is set when they go back to active.
          "CREATE TABLE service_suspensions ("
          " id {pk},"
          " scid CHAR(9) NOT NULL REFERENCES services(scid),"
          " customer_id BIGINT NOT NULL REFERENCES customers(id),"
          " invoice_id BIGINT NOT NULL REFERENCES invoices(id),"
          " suspended_at BIGINT NOT NULL,"
          " restored_at BIGINT NULL)",
          "CREATE INDEX service_suspensions_open ON service_suspensions(customer_id, restored_at)",
      }};
}

}  // namespace candela::control
