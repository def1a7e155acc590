// Migration 19, written once for SQLite and PostgreSQL.
#include "control/billing_request_migration.hpp"

namespace candela::control {

Migration billing_request_migration() {
  return Migration{
      19,
      "billing requests, their events and attachments",
      {
          // A question about (inquiry) or a dispute of an invoice or one of its lines. Amounts
          // are BIGINT minor units; a dispute names the amount, an inquiry none. credit_minor is
          // the credit granted (positive; the adjustment on the next invoice is its negative).
          "CREATE TABLE billing_requests ("
          " id {pk},"
          " reference TEXT NOT NULL UNIQUE,"
          " customer_id BIGINT NOT NULL REFERENCES customers(id),"
          " invoice_id BIGINT NOT NULL REFERENCES invoices(id),"
          " line_number INTEGER NULL CHECK (line_number IS NULL OR line_number >= 1),"
          " kind TEXT NOT NULL CHECK (kind IN ('inquiry', 'dispute')),"
          " subject TEXT NOT NULL CHECK (length(subject) >= 1),"
          " description TEXT NOT NULL DEFAULT '',"
          " disputed_amount_minor BIGINT NULL"
          "  CHECK (disputed_amount_minor IS NULL OR disputed_amount_minor > 0),"
          " state TEXT NOT NULL CHECK (state IN ('open', 'in_review', 'resolved', 'cancelled')),"
          " resolution TEXT NULL CHECK (resolution IS NULL OR resolution IN ('credit',"
          "  'explanation')),"
          " credit_minor BIGINT NULL CHECK (credit_minor IS NULL OR credit_minor > 0),"
          " explanation TEXT NULL,"
          " assigned_user_id BIGINT NULL REFERENCES users(id),"
          " opened_by BIGINT NULL REFERENCES users(id),"
          " created_at BIGINT NOT NULL,"
          " updated_at BIGINT NOT NULL,"
          " resolved_at BIGINT NULL,"
          " CHECK ((kind = 'dispute' AND disputed_amount_minor IS NOT NULL)"
          "     OR (kind = 'inquiry' AND disputed_amount_minor IS NULL)),"
          " CHECK ((resolution = 'credit' AND credit_minor IS NOT NULL)"
          "     OR ((resolution IS NULL OR resolution = 'explanation') AND credit_minor IS NULL)))",
          "CREATE INDEX billing_requests_customer ON billing_requests(customer_id, id)",
          "CREATE INDEX billing_requests_invoice ON billing_requests(invoice_id, state)",

          // The timeline; internal entries are for provider staff only. actor_name is kept as it
          // was when the entry was written ("system" when no user acted).
          "CREATE TABLE billing_request_events ("
          " id {pk},"
          " request_id BIGINT NOT NULL REFERENCES billing_requests(id) ON DELETE CASCADE,"
          " at BIGINT NOT NULL,"
          " actor_user_id BIGINT NULL REFERENCES users(id),"
          " actor_name TEXT NOT NULL,"
          " kind TEXT NOT NULL CHECK (kind IN ('opened', 'note', 'attachment', 'state')),"
          " visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),"
          " from_state TEXT NULL,"
          " to_state TEXT NULL,"
          " text TEXT NOT NULL DEFAULT '')",
          "CREATE INDEX billing_request_events_request ON billing_request_events(request_id, id)",

          // Like ticket_attachments: the bytes live in the attachment store under storage_name.
          "CREATE TABLE billing_request_attachments ("
          " id {pk},"
          " request_id BIGINT NOT NULL REFERENCES billing_requests(id) ON DELETE CASCADE,"
          " event_id BIGINT NOT NULL REFERENCES billing_request_events(id) ON DELETE CASCADE,"
          " filename TEXT NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),"
          " content_type TEXT NOT NULL,"
          " size BIGINT NOT NULL CHECK (size >= 0),"
          " sha256 TEXT NOT NULL,"
          " storage_name TEXT NOT NULL UNIQUE,"
          " visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),"
          " uploaded_by_user_id BIGINT NULL REFERENCES users(id),"
          " created_at BIGINT NOT NULL)",
          "CREATE INDEX billing_request_attachments_request"
          " ON billing_request_attachments(request_id, id)",
      }};
}

}  // namespace candela::control
