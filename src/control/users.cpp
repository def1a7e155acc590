// Users: storage, validation and the see/manage rules, each change audited in the same transaction.
#include "control/users.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "control/access_groups.hpp"
#include "control/audit_log.hpp"
#include "control/authorization.hpp"
#include "control/principal_audit.hpp"

namespace candela::control {
namespace {

constexpr const char* kUserColumns =
    "id, name, email, phone_office, phone_mobile, after_hours_contact, language,"
    " password_hash, failed_logins, locked_until, disabled, created_at";

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::string ascii_lower(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

bool has_control_characters(const std::string& text, bool allow_newlines) {
  return std::any_of(text.begin(), text.end(), [&](char c) {
    const auto u = static_cast<unsigned char>(c);
    if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) return false;
    return u < 0x20 || u == 0x7F;
  });
}

bool is_plausible_phone(const std::string& phone) {
  return std::all_of(phone.begin(), phone.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == ' ' || c == '+' || c == '-' || c == '(' || c == ')' ||
           c == '.' || c == '/' || c == 'x';
  });
}

// "en", "de", "pt-BR", "zh-Hant": a primary language subtag and optional subtags.
bool is_language_tag(const std::string& tag) {
  if (tag.size() < 2 || tag.size() > 35) return false;
  std::size_t start = 0;
  bool first = true;
  while (start <= tag.size()) {
    auto dash = tag.find('-', start);
    const std::string part = tag.substr(start, dash == std::string::npos ? dash : dash - start);
    if (first) {
      if (part.size() < 2 || part.size() > 3) return false;
      if (!std::all_of(part.begin(), part.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
        return false;
    } else {
      if (part.empty() || part.size() > 8) return false;
      if (!std::all_of(part.begin(), part.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
          }))
        return false;
    }
    first = false;
    if (dash == std::string::npos) break;
    start = dash + 1;
  }
  return true;
}

Error not_found_user(long long id) {
  return Error{"user " + std::to_string(id) + " does not exist", ErrorKind::kNotFound};
}

std::string sql_failure(const char* what, const soci::soci_error& e) {
  return std::string(what) + ": " + e.what();
}

}  // namespace

bool is_plausible_email(const std::string& email) {
  if (email.empty() || email.size() > Users::kMaxEmailLength) return false;
  const auto at = email.find('@');
  if (at == std::string::npos || at == 0 || at > 64 || email.find('@', at + 1) != std::string::npos)
    return false;
  const std::string domain = email.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == std::string::npos) return false;
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string::npos)
    return false;
  for (char c : domain) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  for (char c : email.substr(0, at)) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' ||
        c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\')
      return false;
  }
  return true;
}

Result<UserProfile> validated_profile(const UserProfile& profile, const std::string& prefix) {
  UserProfile out;
  Error error{"the user's details are invalid"};
  auto fail = [&](const std::string& field, const std::string& message) {
    error.fields.emplace_back(prefix + "/" + field, message);
  };
  out.name = trimmed(profile.name);
  if (out.name.empty()) {
    fail("name", "must not be empty");
  } else if (out.name.size() > Users::kMaxNameLength) {
    fail("name", "must be at most " + std::to_string(Users::kMaxNameLength) + " characters");
  } else if (has_control_characters(out.name, false)) {
    fail("name", "must not contain control characters");
  }
  out.email = ascii_lower(trimmed(profile.email));
  if (!is_plausible_email(out.email))
    fail("email", "must be an email address like ana@example.com");
  struct Phone {
    const char* field;
    const std::string& in;
    std::string& out;
  };
  for (const Phone& phone : {Phone{"phone_office", profile.phone_office, out.phone_office},
                             Phone{"phone_mobile", profile.phone_mobile, out.phone_mobile}}) {
    phone.out = trimmed(phone.in);
    if (phone.out.size() > Users::kMaxPhoneLength) {
      fail(phone.field,
           "must be at most " + std::to_string(Users::kMaxPhoneLength) + " characters");
    } else if (!is_plausible_phone(phone.out)) {
      fail(phone.field, "may contain only digits, spaces and + - ( ) . / x");
    }
  }
  out.after_hours_contact = trimmed(profile.after_hours_contact);
  if (out.after_hours_contact.size() > Users::kMaxContactLength) {
    fail("after_hours_contact",
         "must be at most " + std::to_string(Users::kMaxContactLength) + " characters");
  } else if (has_control_characters(out.after_hours_contact, true)) {
    fail("after_hours_contact", "must not contain control characters");
  }
  out.language = trimmed(profile.language);
  if (!is_language_tag(out.language))
    fail("language", "must be a language tag such as en, de or pt-BR");
  if (!error.fields.empty()) {
    error.message = error.fields.size() == 1
                        ? error.fields.front().first + " " + error.fields.front().second
                        : std::to_string(error.fields.size()) + " fields of the user are invalid";
    return error;
  }
  return out;
}

std::string grants_json(const std::vector<RoleGrant>& grants) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& grant : grants) {
    nlohmann::json item = {{"role", std::string(role_name(grant.role))}};
    item["access_group_id"] =
        grant.access_group_id ? nlohmann::json(*grant.access_group_id) : nlohmann::json(nullptr);
    list.push_back(std::move(item));
  }
  return list.dump();
}

// ---- reading ---------------------------------------------------------------------------------

namespace {

struct UserRow {
  User user;
  std::string password_hash;
};

std::vector<RoleGrant> read_grants(soci::session& session, long long user_id) {
  std::vector<RoleGrant> grants;
  std::string role;
  long long group = 0;
  soci::indicator group_ind = soci::i_ok;
  soci::statement st = (session.prepare << "SELECT role, access_group_id FROM user_roles"
                                           " WHERE user_id = :u ORDER BY id",
                        soci::use(user_id), soci::into(role), soci::into(group, group_ind));
  st.execute();
  while (st.fetch()) {
    auto parsed = parse_role(role);
    if (!parsed) continue;  // the CHECK constraint makes this impossible
    grants.push_back(
        {*parsed, group_ind == soci::i_ok ? std::optional<long long>(group) : std::nullopt});
  }
  return grants;
}

// One user by a condition on a single bound value ("id = :v" or "email = :v").
template <typename T>
std::optional<UserRow> read_user(soci::session& session, const std::string& condition,
                                 const T& value) {
  UserRow row;
  User& user = row.user;
  std::string hash;
  long long locked = 0;
  long long created = 0;
  int disabled = 0;
  soci::indicator hash_ind = soci::i_ok;
  soci::indicator locked_ind = soci::i_ok;
  session << std::string("SELECT ") + kUserColumns + " FROM users WHERE " + condition,
      soci::use(value), soci::into(user.id), soci::into(user.profile.name),
      soci::into(user.profile.email), soci::into(user.profile.phone_office),
      soci::into(user.profile.phone_mobile), soci::into(user.profile.after_hours_contact),
      soci::into(user.profile.language), soci::into(hash, hash_ind), soci::into(user.failed_logins),
      soci::into(locked, locked_ind), soci::into(disabled), soci::into(created);
  if (!session.got_data()) return std::nullopt;
  user.has_password = hash_ind == soci::i_ok && !hash.empty();
  if (user.has_password) row.password_hash = hash;
  if (locked_ind == soci::i_ok) user.locked_until = from_epoch_ms(locked);
  user.disabled = disabled != 0;
  user.created_at = from_epoch_ms(created);
  user.grants = read_grants(session, user.id);
  return row;
}

std::string id_list(const std::vector<long long>& ids) {
  std::string out;
  for (long long id : ids) {
    if (!out.empty()) out += ",";
    out += std::to_string(id);
  }
  return out;
}

}  // namespace

Result<std::optional<User>> Users::find(long long id) {
  try {
    auto row = read_user(session_, "id = :v", id);
    if (!row) return std::optional<User>{};
    return std::optional<User>{row->user};
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not read the user", e), ErrorKind::kInternal};
  }
}

Result<std::optional<User>> Users::find_by_email(const std::string& email) {
  const std::string normalised = ascii_lower(trimmed(email));
  try {
    auto row = read_user(session_, "email = :v", normalised);
    if (!row) return std::optional<User>{};
    return std::optional<User>{row->user};
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not read the user", e), ErrorKind::kInternal};
  }
}

Result<Principal> Users::load_principal(long long user_id) {
  auto user = find(user_id);
  if (!user.ok()) return Error{user.failure()};
  if (!user.value()) return Error{"the account no longer exists", ErrorKind::kUnauthorized};
  if (user.value()->disabled)
    return Error{"this account is disabled; ask your administrator", ErrorKind::kUnauthorized};
  Principal principal;
  principal.user_id = user_id;
  principal.name = user.value()->profile.name;
  principal.email = user.value()->profile.email;
  principal.grants = user.value()->grants;
  return principal;
}

// ---- the rules -------------------------------------------------------------------------------

Status Users::check_can_read(const Principal& actor, const User& user) {
  if (actor.user_id == user.id && !actor.api_key_id) return ok_status();
  if (actor.is_provider()) return ok_status();  // every provider role may read
  const bool staff = std::any_of(user.grants.begin(), user.grants.end(),
                                 [](const RoleGrant& g) { return is_provider_role(g.role); });
  if (staff) return not_found_user(user.id);
  for (const auto& grant : user.grants) {
    if (!grant.access_group_id) continue;
    auto allowed = authorize(session_, actor, *grant.access_group_id, Action::kRead);
    if (allowed.ok()) return ok_status();
    if (allowed.error_kind() == ErrorKind::kInternal) return allowed;
  }
  return not_found_user(user.id);
}

Status Users::check_can_manage(const Principal& actor, const User& user) {
  auto readable = check_can_read(actor, user);
  if (!readable.ok()) return readable;
  if (actor.is_provider()) {
    if (actor.has_provider_role(Role::kProviderAdmin)) return ok_status();
    return Error{"only a provider admin changes users", ErrorKind::kForbidden};
  }
  if (user.grants.empty()) {
    return Error{"this user has no roles in your access groups", ErrorKind::kForbidden};
  }
  for (const auto& grant : user.grants) {
    if (!grant.access_group_id) return not_found_user(user.id);
    auto allowed = authorize(session_, actor, *grant.access_group_id, Action::kManageUsers);
    if (allowed.ok()) continue;
    if (allowed.error_kind() == ErrorKind::kNotFound) {
      return Error{"this user also holds roles outside your access groups; ask the provider",
                   ErrorKind::kForbidden};
    }
    if (allowed.error_kind() == ErrorKind::kForbidden)
      return Error{"managing users needs the admin role", ErrorKind::kForbidden};
    return allowed;
  }
  return ok_status();
}

Status Users::check_can_grant(const Principal& actor, const RoleGrant& grant) {
  if (is_provider_role(grant.role)) {
    if (grant.access_group_id) return Error{"a provider role is not scoped to an access group"};
    if (!actor.has_provider_role(Role::kProviderAdmin))
      return Error{"only a provider admin grants provider roles", ErrorKind::kForbidden};
    return ok_status();
  }
  if (!grant.access_group_id) return Error{"a customer role needs an access group"};
  AccessGroups groups(session_, clock_);
  auto group = groups.get(*grant.access_group_id);
  if (!group.ok()) {
    return Error{"access group " + std::to_string(*grant.access_group_id) + " does not exist",
                 ErrorKind::kNotFound};
  }
  auto allowed = authorize(session_, actor, *grant.access_group_id, Action::kManageUsers);
  if (!allowed.ok() && allowed.error_kind() == ErrorKind::kForbidden)
    return Error{"granting roles needs the admin role on that access group", ErrorKind::kForbidden};
  return allowed;
}

Result<User> Users::load_visible(const Principal& actor, long long id) {
  auto user = find(id);
  if (!user.ok()) return Error{user.failure()};
  if (!user.value()) return not_found_user(id);
  auto readable = check_can_read(actor, **user);
  if (!readable.ok()) return Error{readable.failure()};
  return **user;
}

Result<User> Users::load_manageable(const Principal& actor, long long id) {
  auto user = find(id);
  if (!user.ok()) return Error{user.failure()};
  if (!user.value()) return not_found_user(id);
  auto manageable = check_can_manage(actor, **user);
  if (!manageable.ok()) return Error{manageable.failure()};
  return **user;
}

// ---- writing ---------------------------------------------------------------------------------

namespace {

// Located errors for a list of grants under `prefix` ("/roles"): shape, duplicates.
std::optional<Error> invalid_grants(const std::vector<RoleGrant>& grants,
                                    const std::string& prefix) {
  Error error{"the roles are invalid"};
  std::set<std::pair<Role, long long>> seen;
  for (std::size_t i = 0; i < grants.size(); ++i) {
    const auto& grant = grants[i];
    const std::string at = prefix + "/" + std::to_string(i);
    if (is_provider_role(grant.role) && grant.access_group_id) {
      error.fields.emplace_back(at + "/access_group_id",
                                "must be null: provider roles are not scoped to an access group");
    } else if (!is_provider_role(grant.role) && !grant.access_group_id) {
      error.fields.emplace_back(at + "/access_group_id", "is required for a customer role");
    } else if (!seen.insert({grant.role, grant.access_group_id.value_or(0)}).second) {
      error.fields.emplace_back(at, "is listed twice");
    }
  }
  if (error.fields.empty()) return std::nullopt;
  error.message = error.fields.front().first + " " + error.fields.front().second;
  return error;
}

}  // namespace

Status Users::write_grants(long long user_id, const std::vector<RoleGrant>& grants) {
  try {
    session_ << "DELETE FROM user_roles WHERE user_id = :u", soci::use(user_id);
    for (const auto& grant : grants) {
      const std::string role(role_name(grant.role));
      const long long group = grant.access_group_id.value_or(0);
      soci::indicator ind = grant.access_group_id ? soci::i_ok : soci::i_null;
      session_ << "INSERT INTO user_roles (user_id, role, access_group_id) VALUES (:u, :r, :g)",
          soci::use(user_id), soci::use(role), soci::use(group, ind);
    }
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not store the roles", e), ErrorKind::kInternal};
  }
  return ok_status();
}

Status Users::end_sessions(long long user_id) {
  try {
    session_ << "DELETE FROM sessions WHERE user_id = :u OR mimic_of = :m", soci::use(user_id),
        soci::use(user_id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not end the user's sessions", e), ErrorKind::kInternal};
  }
  return ok_status();
}

Status Users::audit(const Principal& actor, long long user_id, const std::string& action,
                    const std::string& details) {
  AuditEntry entry = audit_entry(actor, "user", std::to_string(user_id), action);
  entry.details = details;
  auto id = AuditLog(session_, clock_).append(entry);
  if (!id.ok()) return Error{id.error(), ErrorKind::kInternal};
  return ok_status();
}

Result<User> Users::create(const Principal& actor, const NewUser& request) {
  auto profile = validated_profile(request.profile);
  std::optional<Error> problems;
  if (!profile.ok()) problems = profile.failure();
  if (auto bad = invalid_grants(request.grants, "/roles")) {
    if (!problems) {
      problems = *bad;
    } else {
      for (auto& field : bad->fields)
        problems->fields.push_back(field);
    }
  }
  if (request.password) {
    auto rules = check_password_rules(*request.password);
    if (!rules.ok()) {
      if (!problems) problems = Error{rules.error()};
      problems->fields.emplace_back("/password", rules.error());
    }
  }
  if (problems) return *problems;
  if (!actor.is_provider() && request.grants.empty()) {
    return Error{"give the new user at least one role in your access groups",
                 ErrorKind::kInvalid,
                 {{"/roles", "needs at least one role in your access groups"}}};
  }
  if (actor.is_provider() && !actor.has_provider_role(Role::kProviderAdmin))
    return Error{"only a provider admin creates users", ErrorKind::kForbidden};
  for (const auto& grant : request.grants) {
    auto allowed = check_can_grant(actor, grant);
    if (!allowed.ok()) return Error{allowed.failure()};
  }
  auto existing = find_by_email(profile->email);
  if (!existing.ok()) return Error{existing.failure()};
  if (existing.value()) {
    return Error{"a user with the email " + profile->email + " already exists",
                 ErrorKind::kConflict};
  }
  std::string hash;
  if (request.password) {
    auto hashed = hash_password(*request.password, cost_);
    if (!hashed.ok()) return Error{hashed.failure()};
    hash = hashed.value();
  }
  soci::indicator hash_ind = request.password ? soci::i_ok : soci::i_null;
  const long long now = to_epoch_ms(clock_.now());
  long long id = 0;
  try {
    session_ << "INSERT INTO users (name, email, phone_office, phone_mobile, after_hours_contact,"
                " language, password_hash, created_at) VALUES (:n, :e, :po, :pm, :ah, :l, :h, :c)"
                " RETURNING id",
        soci::use(profile->name), soci::use(profile->email), soci::use(profile->phone_office),
        soci::use(profile->phone_mobile), soci::use(profile->after_hours_contact),
        soci::use(profile->language), soci::use(hash, hash_ind), soci::use(now), soci::into(id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not create the user", e), ErrorKind::kInternal};
  }
  auto stored = write_grants(id, request.grants);
  if (!stored.ok()) return Error{stored.failure()};
  nlohmann::json details = {{"email", profile->email},
                            {"roles", nlohmann::json::parse(grants_json(request.grants))}};
  auto audited = audit(actor, id, "create", details.dump());
  if (!audited.ok()) return Error{audited.failure()};
  auto user = find(id);
  if (!user.ok()) return Error{user.failure()};
  return **user;
}

Result<User> Users::get(const Principal& actor, long long id) {
  return load_visible(actor, id);
}

Result<UserPage> Users::list(const Principal& actor, long long after_id, int limit) {
  if (limit < 1 || limit > kMaxPageSize)
    return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
  auto groups = visible_groups(session_, actor);
  if (!groups.ok()) return Error{groups.failure()};
  std::string condition = "id > :after";
  if (groups.value()) {
    // Users with a role in a visible group and no provider role; plus the actor itself.
    const std::string visible = id_list(**groups);
    condition +=
        " AND (id = " + std::to_string(actor.api_key_id ? 0 : actor.user_id) +
        (visible.empty()
             ? ")"
             : " OR (id IN (SELECT user_id FROM user_roles WHERE access_group_id IN (" + visible +
                   ")) AND NOT EXISTS (SELECT 1 FROM user_roles p WHERE p.user_id ="
                   " users.id AND p.access_group_id IS NULL)))");
  }
  const int fetch = limit + 1;
  std::vector<long long> ids;
  try {
    long long id = 0;
    soci::statement st =
        (session_.prepare << "SELECT id FROM users WHERE " + condition + " ORDER BY id LIMIT :n",
         soci::use(after_id), soci::use(fetch), soci::into(id));
    st.execute();
    while (st.fetch())
      ids.push_back(id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not list users", e), ErrorKind::kInternal};
  }
  UserPage page;
  for (long long id : ids) {
    if (static_cast<int>(page.users.size()) == limit) {
      page.next_after_id = page.users.back().id;
      break;
    }
    auto user = find(id);
    if (!user.ok()) return Error{user.failure()};
    if (user.value()) page.users.push_back(**user);
  }
  return page;
}

Result<User> Users::update_profile(const Principal& actor, long long id,
                                   const ProfileChange& change) {
  auto user = actor.user_id == id && !actor.api_key_id ? load_visible(actor, id)
                                                       : load_manageable(actor, id);
  if (!user.ok()) return user;
  UserProfile next = user->profile;
  if (change.name) next.name = *change.name;
  if (change.email) next.email = *change.email;
  if (change.phone_office) next.phone_office = *change.phone_office;
  if (change.phone_mobile) next.phone_mobile = *change.phone_mobile;
  if (change.after_hours_contact) next.after_hours_contact = *change.after_hours_contact;
  if (change.language) next.language = *change.language;
  auto profile = validated_profile(next);
  if (!profile.ok()) return Error{profile.failure()};
  const bool unchanged = profile->name == user->profile.name &&
                         profile->email == user->profile.email &&
                         profile->phone_office == user->profile.phone_office &&
                         profile->phone_mobile == user->profile.phone_mobile &&
                         profile->after_hours_contact == user->profile.after_hours_contact &&
                         profile->language == user->profile.language;
  if (unchanged) return user;
  if (profile->email != user->profile.email) {
    auto existing = find_by_email(profile->email);
    if (!existing.ok()) return Error{existing.failure()};
    if (existing.value()) {
      return Error{"a user with the email " + profile->email + " already exists",
                   ErrorKind::kConflict};
    }
  }
  try {
    session_ << "UPDATE users SET name = :n, email = :e, phone_office = :po, phone_mobile = :pm,"
                " after_hours_contact = :ah, language = :l WHERE id = :id",
        soci::use(profile->name), soci::use(profile->email), soci::use(profile->phone_office),
        soci::use(profile->phone_mobile), soci::use(profile->after_hours_contact),
        soci::use(profile->language), soci::use(id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not update the user", e), ErrorKind::kInternal};
  }
  nlohmann::json changed = nlohmann::json::object();
  const std::pair<const char*, std::pair<const std::string*, const std::string*>> fields[] = {
      {"name", {&user->profile.name, &profile->name}},
      {"email", {&user->profile.email, &profile->email}},
      {"phone_office", {&user->profile.phone_office, &profile->phone_office}},
      {"phone_mobile", {&user->profile.phone_mobile, &profile->phone_mobile}},
      {"after_hours_contact", {&user->profile.after_hours_contact, &profile->after_hours_contact}},
      {"language", {&user->profile.language, &profile->language}}};
  for (const auto& [name, values] : fields) {
    if (*values.first != *values.second)
      changed[name] = {{"from", *values.first}, {"to", *values.second}};
  }
  auto audited = audit(actor, id, "update_profile", changed.dump());
  if (!audited.ok()) return Error{audited.failure()};
  user->profile = profile.value();
  return user;
}

Result<User> Users::set_roles(const Principal& actor, long long id,
                              const std::vector<RoleGrant>& grants) {
  if (auto bad = invalid_grants(grants, "/roles")) return *bad;
  auto user = load_manageable(actor, id);
  if (!user.ok()) return user;
  if (!actor.is_provider() && grants.empty()) {
    return Error{"a user needs at least one role; disable the user instead",
                 ErrorKind::kInvalid,
                 {{"/roles", "needs at least one role"}}};
  }
  // Both what is taken away and what is given must lie within the actor's reach.
  for (const auto& grant : user->grants) {
    if (std::find(grants.begin(), grants.end(), grant) != grants.end()) continue;
    auto allowed = check_can_grant(actor, grant);
    if (!allowed.ok()) return Error{allowed.failure()};
  }
  for (const auto& grant : grants) {
    if (std::find(user->grants.begin(), user->grants.end(), grant) != user->grants.end()) continue;
    auto allowed = check_can_grant(actor, grant);
    if (!allowed.ok()) return Error{allowed.failure()};
  }
  auto stored = write_grants(id, grants);
  if (!stored.ok()) return Error{stored.failure()};
  nlohmann::json details = {{"from", nlohmann::json::parse(grants_json(user->grants))},
                            {"to", nlohmann::json::parse(grants_json(grants))}};
  auto audited = audit(actor, id, "set_roles", details.dump());
  if (!audited.ok()) return Error{audited.failure()};
  user->grants = grants;
  return user;
}

Result<User> Users::grant(const Principal& actor, long long id, const RoleGrant& grant) {
  auto user = load_manageable(actor, id);
  if (!user.ok()) return user;
  auto grants = user->grants;
  if (std::find(grants.begin(), grants.end(), grant) == grants.end()) grants.push_back(grant);
  return set_roles(actor, id, grants);
}

Result<User> Users::revoke(const Principal& actor, long long id, const RoleGrant& grant) {
  auto user = load_manageable(actor, id);
  if (!user.ok()) return user;
  auto grants = user->grants;
  grants.erase(std::remove(grants.begin(), grants.end(), grant), grants.end());
  return set_roles(actor, id, grants);
}

Status Users::change_own_password(const Principal& actor, const std::string& current,
                                  const std::string& next) {
  if (actor.api_key_id) return Error{"an API key has no password to change", ErrorKind::kForbidden};
  if (actor.mimicked_by) {
    return Error{"an admin acting as another user cannot change that user's password",
                 ErrorKind::kForbidden};
  }
  std::optional<UserRow> row;
  try {
    row = read_user(session_, "id = :v", actor.user_id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not read the user", e), ErrorKind::kInternal};
  }
  if (!row) return not_found_user(actor.user_id);
  if (!row->user.has_password || !verify_password(row->password_hash, current)) {
    return Error{"the current password is wrong",
                 ErrorKind::kInvalid,
                 {{"/current_password", "does not match your current password"}}};
  }
  auto hashed = hash_password(next, cost_);
  if (!hashed.ok()) {
    Error error = hashed.failure();
    if (error.kind == ErrorKind::kInvalid)
      error.fields.emplace_back("/new_password", error.message);
    return error;
  }
  try {
    session_ << "UPDATE users SET password_hash = :h WHERE id = :id", soci::use(hashed.value()),
        soci::use(actor.user_id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not store the password", e), ErrorKind::kInternal};
  }
  return audit(actor, actor.user_id, "change_password");
}

Status Users::reset_password(const Principal& actor, long long id, const std::string& next) {
  auto user = load_manageable(actor, id);
  if (!user.ok()) return Error{user.failure()};
  auto hashed = hash_password(next, cost_);
  if (!hashed.ok()) {
    Error error = hashed.failure();
    if (error.kind == ErrorKind::kInvalid)
      error.fields.emplace_back("/new_password", error.message);
    return error;
  }
  try {
    session_ << "UPDATE users SET password_hash = :h, failed_logins = 0, locked_until = NULL"
                " WHERE id = :id",
        soci::use(hashed.value()), soci::use(id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not store the password", e), ErrorKind::kInternal};
  }
  auto ended = end_sessions(id);
  if (!ended.ok()) return ended;
  return audit(actor, id, "reset_password");
}

Result<User> Users::unlock(const Principal& actor, long long id) {
  auto user = load_manageable(actor, id);
  if (!user.ok()) return user;
  try {
    session_ << "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = :id",
        soci::use(id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not unlock the user", e), ErrorKind::kInternal};
  }
  auto audited = audit(actor, id, "unlock");
  if (!audited.ok()) return Error{audited.failure()};
  user->failed_logins = 0;
  user->locked_until.reset();
  return user;
}

Result<User> Users::set_disabled(const Principal& actor, long long id, bool disabled) {
  auto user = load_manageable(actor, id);
  if (!user.ok()) return user;
  if (disabled && id == actor.user_id && !actor.api_key_id) {
    return Error{"you cannot disable your own account", ErrorKind::kConflict};
  }
  if (user->disabled == disabled) return user;
  const int flag = disabled ? 1 : 0;
  try {
    session_ << "UPDATE users SET disabled = :d WHERE id = :id", soci::use(flag), soci::use(id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not change the user", e), ErrorKind::kInternal};
  }
  if (disabled) {
    auto ended = end_sessions(id);
    if (!ended.ok()) return Error{ended.failure()};
  }
  auto audited = audit(actor, id, disabled ? "disable" : "enable");
  if (!audited.ok()) return Error{audited.failure()};
  user->disabled = disabled;
  return user;
}

}  // namespace candela::control
