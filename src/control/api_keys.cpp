// ApiKeys: issuing secrets, sealing signing keys, and the authorization rules for keys.
#include "control/api_keys.hpp"

#include <soci/soci.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "control/access_groups.hpp"
#include "control/audit_log.hpp"
#include "control/authorization.hpp"
#include "control/principal_audit.hpp"
#include "control/secrets.hpp"

namespace candela::control {
namespace {

constexpr std::string_view kDerivationLabel = "candela-request-signing-v1";
constexpr const char* kKeyColumns =
    "id, key_id, access_group_id, role, description, disabled, created_by, created_at, updated_at";

std::string new_key_id() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "ak-";
  for (unsigned char byte : random_bytes(10)) {
    id.push_back(kHex[byte >> 4]);
    id.push_back(kHex[byte & 0x0F]);
  }
  return id;
}

struct KeyRow {
  ApiKey key;
  std::string sealed;
};

// Rows matching `condition` with one bound value; the sealed key comes along.
template <typename T>
std::vector<KeyRow> read_keys(soci::session& session, const std::string& condition, const T& value,
                              int limit = 1) {
  std::vector<KeyRow> rows;
  KeyRow row;
  std::string role;
  int disabled = 0;
  long long created_by = 0;
  long long created = 0;
  long long updated = 0;
  soci::indicator created_by_ind = soci::i_ok;
  soci::indicator updated_ind = soci::i_ok;
  soci::statement st =
      (session.prepare << std::string("SELECT ") + kKeyColumns +
                              ", signing_key_sealed FROM api_keys WHERE " + condition +
                              " ORDER BY id LIMIT :n",
       soci::use(value), soci::use(limit), soci::into(row.key.id), soci::into(row.key.key_id),
       soci::into(row.key.access_group_id), soci::into(role), soci::into(row.key.description),
       soci::into(disabled), soci::into(created_by, created_by_ind), soci::into(created),
       soci::into(updated, updated_ind), soci::into(row.sealed));
  st.execute();
  while (st.fetch()) {
    KeyRow out = row;
    out.key.role = parse_role(role).value_or(Role::kReadOnly);
    out.key.disabled = disabled != 0;
    if (created_by_ind == soci::i_ok) out.key.created_by = created_by;
    out.key.created_at = from_epoch_ms(created);
    if (updated_ind == soci::i_ok) out.key.updated_at = from_epoch_ms(updated);
    rows.push_back(std::move(out));
  }
  return rows;
}

Error key_not_found(const std::string& key_id) {
  return Error{"API key " + key_id + " does not exist", ErrorKind::kNotFound};
}

std::string sql_failure(const char* what, const soci::soci_error& e) {
  return std::string(what) + ": " + e.what();
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::optional<Error> invalid_description(const std::string& description) {
  if (description.size() > ApiKeys::kMaxDescriptionLength) {
    return Error{
        "the description is too long",
        ErrorKind::kInvalid,
        {{"/description",
          "must be at most " + std::to_string(ApiKeys::kMaxDescriptionLength) + " characters"}}};
  }
  for (char c : description) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return Error{"the description contains control characters",
                   ErrorKind::kInvalid,
                   {{"/description", "must not contain control characters"}}};
    }
  }
  return std::nullopt;
}

}  // namespace

std::string derive_api_signing_key(std::string_view secret) {
  ensure_sodium();
  crypto_auth_hmacsha256_state state;
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state,
                                reinterpret_cast<const unsigned char*>(kDerivationLabel.data()),
                                kDerivationLabel.size());
  crypto_auth_hmacsha256_final(&state, out);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

Status ApiKeys::audit(const Principal& actor, const std::string& key_id, const std::string& action,
                      const std::string& details) {
  AuditEntry entry = audit_entry(actor, "api_key", key_id, action);
  entry.details = details;
  auto id = AuditLog(session_, clock_).append(entry);
  if (!id.ok()) return Error{id.error(), ErrorKind::kInternal};
  return ok_status();
}

Result<ApiKey> ApiKeys::load(const Principal& actor, const std::string& key_id, Action action) {
  std::vector<KeyRow> rows;
  try {
    rows = read_keys(session_, "key_id = :k", key_id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not read the API key", e), ErrorKind::kInternal};
  }
  if (rows.empty()) return key_not_found(key_id);
  auto allowed = authorize(session_, actor, rows.front().key.access_group_id, Action::kRead);
  if (!allowed.ok()) {
    if (allowed.error_kind() == ErrorKind::kNotFound) return key_not_found(key_id);
    return Error{allowed.failure()};
  }
  if (action != Action::kRead) {
    allowed = authorize(session_, actor, rows.front().key.access_group_id, action);
    if (!allowed.ok()) {
      if (allowed.error_kind() == ErrorKind::kForbidden)
        return Error{"managing API keys needs the admin role", ErrorKind::kForbidden};
      return Error{allowed.failure()};
    }
  }
  return rows.front().key;
}

Result<IssuedApiKey> ApiKeys::create(const Principal& actor, const NewApiKey& request) {
  if (is_provider_role(request.role)) {
    return Error{"an API key carries a customer role",
                 ErrorKind::kInvalid,
                 {{"/role", "must be one of admin, technical, billing, read_only"}}};
  }
  const std::string description = trimmed(request.description);
  if (auto bad = invalid_description(description)) return *bad;
  auto group = AccessGroups(session_, clock_).get(request.access_group_id);
  if (!group.ok()) {
    return Error{"access group " + std::to_string(request.access_group_id) + " does not exist",
                 ErrorKind::kNotFound};
  }
  auto allowed = authorize(session_, actor, request.access_group_id, Action::kManageUsers);
  if (!allowed.ok()) {
    if (allowed.error_kind() == ErrorKind::kForbidden)
      return Error{"creating API keys needs the admin role on the group", ErrorKind::kForbidden};
    return Error{allowed.failure()};
  }
  IssuedApiKey issued;
  issued.secret = random_token(32);
  ApiKey& key = issued.key;
  key.key_id = new_key_id();
  key.access_group_id = request.access_group_id;
  key.role = request.role;
  key.description = description;
  key.created_by = acting_user_id(actor);
  key.created_at = clock_.now();
  const std::string role(role_name(key.role));
  const std::string secret_hash = sha256_hex(issued.secret);
  const std::string sealed = master_key_.seal(derive_api_signing_key(issued.secret));
  const long long created_by = key.created_by.value_or(0);
  soci::indicator created_by_ind = key.created_by ? soci::i_ok : soci::i_null;
  const long long now = to_epoch_ms(key.created_at);
  try {
    session_ << "INSERT INTO api_keys (key_id, access_group_id, role, secret_hash, created_by,"
                " created_at, signing_key_sealed, description)"
                " VALUES (:k, :g, :r, :h, :by, :at, :s, :d) RETURNING id",
        soci::use(key.key_id), soci::use(key.access_group_id), soci::use(role),
        soci::use(secret_hash), soci::use(created_by, created_by_ind), soci::use(now),
        soci::use(sealed), soci::use(key.description), soci::into(key.id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not store the API key", e), ErrorKind::kInternal};
  }
  nlohmann::json details = {
      {"access_group_id", key.access_group_id}, {"role", role}, {"description", key.description}};
  auto audited = audit(actor, key.key_id, "create", details.dump());
  if (!audited.ok()) return Error{audited.failure()};
  return issued;
}

Result<ApiKey> ApiKeys::get(const Principal& actor, const std::string& key_id) {
  return load(actor, key_id, Action::kRead);
}

Result<ApiKeyPage> ApiKeys::list(const Principal& actor, long long after_id, int limit) {
  if (limit < 1 || limit > kMaxPageSize)
    return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
  auto groups = visible_groups(session_, actor);
  if (!groups.ok()) return Error{groups.failure()};
  std::string condition = "id > :after";
  if (groups.value()) {
    std::string list;
    for (long long id : **groups)
      list += (list.empty() ? "" : ",") + std::to_string(id);
    if (list.empty()) return ApiKeyPage{};
    condition += " AND access_group_id IN (" + list + ")";
  }
  ApiKeyPage page;
  try {
    auto rows = read_keys(session_, condition, after_id, limit + 1);
    for (auto& row : rows) {
      if (static_cast<int>(page.keys.size()) == limit) {
        page.next_after_id = page.keys.back().id;
        break;
      }
      page.keys.push_back(std::move(row.key));
    }
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not list API keys", e), ErrorKind::kInternal};
  }
  return page;
}

Result<IssuedApiKey> ApiKeys::regenerate(const Principal& actor, const std::string& key_id) {
  auto key = load(actor, key_id, Action::kManageUsers);
  if (!key.ok()) return Error{key.failure()};
  IssuedApiKey issued{key.value(), random_token(32)};
  const std::string secret_hash = sha256_hex(issued.secret);
  const std::string sealed = master_key_.seal(derive_api_signing_key(issued.secret));
  issued.key.updated_at = clock_.now();
  const long long now = to_epoch_ms(*issued.key.updated_at);
  try {
    session_ << "UPDATE api_keys SET secret_hash = :h, signing_key_sealed = :s, updated_at = :u"
                " WHERE key_id = :k",
        soci::use(secret_hash), soci::use(sealed), soci::use(now), soci::use(key_id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not store the API key", e), ErrorKind::kInternal};
  }
  auto audited = audit(actor, key_id, "regenerate");
  if (!audited.ok()) return Error{audited.failure()};
  return issued;
}

Result<ApiKey> ApiKeys::update(const Principal& actor, const std::string& key_id,
                               std::optional<bool> disabled,
                               std::optional<std::string> description) {
  if (description) {
    description = trimmed(*description);
    if (auto bad = invalid_description(*description)) return *bad;
  }
  auto key = load(actor, key_id, Action::kManageUsers);
  if (!key.ok()) return key;
  nlohmann::json changed = nlohmann::json::object();
  if (disabled && *disabled != key->disabled) {
    changed["disabled"] = {{"from", key->disabled}, {"to", *disabled}};
    key->disabled = *disabled;
  }
  if (description && *description != key->description) {
    changed["description"] = {{"from", key->description}, {"to", *description}};
    key->description = *description;
  }
  if (changed.empty()) return key;
  key->updated_at = clock_.now();
  const int flag = key->disabled ? 1 : 0;
  const long long now = to_epoch_ms(*key->updated_at);
  try {
    session_ << "UPDATE api_keys SET disabled = :d, description = :t, updated_at = :u"
                " WHERE key_id = :k",
        soci::use(flag), soci::use(key->description), soci::use(now), soci::use(key_id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not update the API key", e), ErrorKind::kInternal};
  }
  const std::string action = changed.contains("disabled")
                                 ? (key->disabled ? std::string("disable") : std::string("enable"))
                                 : std::string("update");
  auto audited = audit(actor, key_id, action, changed.dump());
  if (!audited.ok()) return Error{audited.failure()};
  return key;
}

Status ApiKeys::remove(const Principal& actor, const std::string& key_id) {
  auto key = load(actor, key_id, Action::kManageUsers);
  if (!key.ok()) return Error{key.failure()};
  try {
    session_ << "DELETE FROM api_keys WHERE key_id = :k", soci::use(key_id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not delete the API key", e), ErrorKind::kInternal};
  }
  nlohmann::json details = {{"access_group_id", key->access_group_id},
                            {"role", std::string(role_name(key->role))}};
  return audit(actor, key_id, "delete", details.dump());
}

Result<std::optional<ApiKeyCredentials>> ApiKeys::credentials(const std::string& key_id) {
  std::vector<KeyRow> rows;
  try {
    rows = read_keys(session_, "key_id = :k", key_id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not read the API key", e), ErrorKind::kInternal};
  }
  if (rows.empty() || rows.front().key.disabled) return std::optional<ApiKeyCredentials>{};
  auto signing_key = master_key_.open(rows.front().sealed);
  if (!signing_key) return std::optional<ApiKeyCredentials>{};
  ApiKeyCredentials credentials;
  credentials.signing_key = std::move(*signing_key);
  const ApiKey& key = rows.front().key;
  credentials.principal.user_id = 0;
  credentials.principal.name = key.description.empty() ? "API key " + key.key_id : key.description;
  credentials.principal.api_key_id = key.key_id;
  credentials.principal.grants.push_back({key.role, key.access_group_id});
  return std::optional<ApiKeyCredentials>{std::move(credentials)};
}

}  // namespace candela::control
