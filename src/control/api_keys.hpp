// ApiKeys: keys that sign API requests for one access group with one customer role.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"
#include "control/master_key.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct ApiKey {
  long long id = 0;
  std::string key_id;  // "ak-" and 20 hex digits; what clients send as KeyId
  long long access_group_id = 0;
  Role role = Role::kReadOnly;  // a customer role
  std::string description;
  bool disabled = false;
  std::optional<long long> created_by;
  SysTime created_at;
  std::optional<SysTime> updated_at;
};

// A new or regenerated key with its secret, which is shown this once and never stored.
struct IssuedApiKey {
  ApiKey key;
  std::string secret;
};

struct NewApiKey {
  long long access_group_id = 0;
  Role role = Role::kReadOnly;
  std::string description;
};

struct ApiKeyPage {
  std::vector<ApiKey> keys;
  std::optional<long long> next_after_id;
};

// What the authenticator needs of an active key.
struct ApiKeyCredentials {
  std::string signing_key;  // K = HMAC-SHA256(secret, "candela-request-signing-v1")
  Principal principal;      // user_id 0, api_key_id set, the key's one grant
};

// The signing key clients derive from the secret (docs/api-conventions.md); the same value as
// portal::derive_signing_key, computed with libsodium.
std::string derive_api_signing_key(std::string_view secret);

// Rules: seeing a key needs the read right on its group; creating, regenerating, disabling and
// deleting one need the right to manage users there (customer admin, provider admin), because a
// key acts with the role it carries. Only customer roles can be given to keys.
class ApiKeys {
 public:
  static constexpr std::size_t kMaxDescriptionLength = 200;
  static constexpr int kMaxPageSize = 500;

  ApiKeys(soci::session& session, const Clock& clock, const MasterKey& master_key)
      : session_(session), clock_(clock), master_key_(master_key) {}

  Result<IssuedApiKey> create(const Principal& actor, const NewApiKey& request);
  Result<ApiKey> get(const Principal& actor, const std::string& key_id);
  // Keys in groups the actor sees, ascending by id, after `after_id`.
  Result<ApiKeyPage> list(const Principal& actor, long long after_id, int limit);
  // A new secret; the old one stops working at once.
  Result<IssuedApiKey> regenerate(const Principal& actor, const std::string& key_id);
  Result<ApiKey> update(const Principal& actor, const std::string& key_id,
                        std::optional<bool> disabled, std::optional<std::string> description);
  Status remove(const Principal& actor, const std::string& key_id);

  // No authorization: the credentials of an enabled key, nullopt for an unknown or disabled
  // key (or one sealed under another master key).
  Result<std::optional<ApiKeyCredentials>> credentials(const std::string& key_id);

 private:
  Result<ApiKey> load(const Principal& actor, const std::string& key_id, Action action);
  Status audit(const Principal& actor, const std::string& key_id, const std::string& action,
               const std::string& details = "{}");

  soci::session& session_;
  const Clock& clock_;
  const MasterKey& master_key_;
};

}  // namespace candela::control
