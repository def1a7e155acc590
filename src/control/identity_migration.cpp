// Migration 3, written once for SQLite and PostgreSQL.
#include "control/identity_migration.hpp"

namespace candela::control {

Migration identity_migration() {
  return Migration{
      3,
      "customer organisations, sealed API signing keys",
      {
          // A customer (billing entity) belongs to one organisation: a top-level access group.
          // SQLite cannot add a NOT NULL reference column, so the domain layer requires it.
          "ALTER TABLE customers ADD COLUMN organisation_id BIGINT"
          " REFERENCES access_groups(id)",
          "CREATE INDEX customers_organisation ON customers(organisation_id)",
          // HMAC verification needs the signing key itself, so it is kept encrypted under the
          // portal's master key (libsodium secretbox: base64url of nonce and ciphertext);
          // secret_hash keeps only the SHA-256 of the secret the user was shown.
          "ALTER TABLE api_keys ADD COLUMN signing_key_sealed TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE api_keys ADD COLUMN description TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE api_keys ADD COLUMN updated_at BIGINT",
      }};
}

}  // namespace candela::control
