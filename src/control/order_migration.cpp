// Migration 16, written once for SQLite and PostgreSQL.
#include "control/order_migration.hpp"

namespace candela::control {

#define ORDER_STATES                                                                     \
  "'draft', 'quoted', 'signed', 'validated', 'provisioning', 'completed', 'cancelled', " \
  "'rejected'"

Migration order_migration() {
  return Migration{
      16,
      "orders and service connection notices",
      {
          // Dates the customer names are TEXT 'YYYY-MM-DD' (sortable); instants BIGINT epoch ms.
          // details is a JSON object: technical (new service), target (transfer), disconnect
          // (with the stored ETC quote), renewal.
          "CREATE TABLE orders ("
          " id {pk},"
          " order_number TEXT NOT NULL UNIQUE,"
          " type TEXT NOT NULL"
          "  CHECK (type IN ('new_service', 'change', 'transfer', 'renewal', 'disconnect')),"
          " state TEXT NOT NULL CHECK (state IN (" ORDER_STATES ")),"
          " customer_id BIGINT NOT NULL REFERENCES customers(id),"
          " access_group_id BIGINT NOT NULL REFERENCES access_groups(id),"
          " scid CHAR(9) NULL REFERENCES services(scid),"
          " customer_commit_date TEXT NOT NULL CHECK (length(customer_commit_date) = 10),"
          " effective_date TEXT NULL CHECK (length(effective_date) = 10),"
          " details TEXT NOT NULL DEFAULT '{}',"
          " signature_name TEXT NULL,"
          " signature_title TEXT NULL,"
          " signed_by BIGINT NULL REFERENCES users(id),"
          " signed_at BIGINT NULL,"
          " reason TEXT NULL,"
          " created_by BIGINT NULL REFERENCES users(id),"
          " created_at BIGINT NOT NULL,"
          " updated_at BIGINT NOT NULL,"
          " completed_at BIGINT NULL)",
          "CREATE INDEX orders_group ON orders(access_group_id, id)",
          "CREATE INDEX orders_customer ON orders(customer_id, id)",
          "CREATE INDEX orders_state ON orders(state, id)",
          "CREATE INDEX orders_scid ON orders(scid)",

          "CREATE TABLE order_items ("
          " order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
          " line INTEGER NOT NULL CHECK (line >= 1),"
          " product TEXT NOT NULL,"
          " description TEXT NOT NULL DEFAULT '',"
          " pricing_basis TEXT NOT NULL CHECK (pricing_basis IN ('standard', 'icb')),"
          " mrc_minor BIGINT NOT NULL CHECK (mrc_minor >= 0),"
          " nrc_minor BIGINT NOT NULL CHECK (nrc_minor >= 0),"
          " usage_plan TEXT NOT NULL DEFAULT '{\"kind\":\"none\"}',"
          " term_months INTEGER NOT NULL CHECK (term_months >= 1),"
          " etc_percent INTEGER NOT NULL CHECK (etc_percent BETWEEN 0 AND 100),"
          " action TEXT NOT NULL CHECK (action IN ('add', 'replace', 'end', 'keep')),"
          " item_id BIGINT NULL REFERENCES service_items(id),"
          " PRIMARY KEY (order_id, line))",

          "CREATE TABLE order_events ("
          " id {pk},"
          " order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
          " at BIGINT NOT NULL,"
          " actor_user_id BIGINT NULL REFERENCES users(id),"
          " actor_name TEXT NOT NULL,"
          " from_state TEXT NULL CHECK (from_state IN (" ORDER_STATES ")),"
          " to_state TEXT NOT NULL CHECK (to_state IN (" ORDER_STATES ")),"
          " note TEXT NOT NULL DEFAULT '')",
          "CREATE INDEX order_events_order ON order_events(order_id, id)",

          // The notice as mailed (plain text) and its facts as JSON; one per service.
          "CREATE TABLE connection_notices ("
          " id {pk},"
          " scid CHAR(9) NOT NULL UNIQUE REFERENCES services(scid),"
          " order_number TEXT NOT NULL REFERENCES orders(order_number),"
          " body TEXT NOT NULL,"
          " details TEXT NOT NULL,"
          " created_at BIGINT NOT NULL)",
      }};
}

#undef ORDER_STATES

}  // namespace candela::control
