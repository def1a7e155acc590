// Users: people who sign in, their profiles and role grants, and who may see or manage whom.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"
#include "control/passwords.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct UserProfile {
  std::string name;
  std::string email;  // stored lower-case; unique
  std::string phone_office;
  std::string phone_mobile;
  std::string after_hours_contact;
  std::string language = "en";  // BCP 47 tag, e.g. "en", "de", "pt-BR"
};

struct User {
  long long id = 0;
  UserProfile profile;
  std::vector<RoleGrant> grants;
  bool disabled = false;
  bool has_password = false;
  int failed_logins = 0;
  std::optional<SysTime> locked_until;
  SysTime created_at;
};

struct NewUser {
  UserProfile profile;
  std::vector<RoleGrant> grants;
  std::optional<std::string> password;  // without one the user cannot sign in until it is set
};

// A partial profile update: only the fields that are set change.
struct ProfileChange {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> phone_office;
  std::optional<std::string> phone_mobile;
  std::optional<std::string> after_hours_contact;
  std::optional<std::string> language;
};

struct UserPage {
  std::vector<User> users;
  std::optional<long long> next_after_id;  // pass as after_id for the next page
};

// Who sees and manages whom:
//  - provider staff see every user; only provider_admin changes users and grants provider roles;
//  - a customer principal sees users holding a role in one of its groups, and manages a user
//    only when every role that user holds lies in groups where the principal may manage users
//    (admin); users with provider roles are invisible to customers (404);
//  - everyone reads and edits their own profile and changes their own password (with the
//    current one), except an admin mimicking them or an API key.
// Validation errors carry JSON pointers named like the API's fields ("/email", "/roles/0/role").
class Users {
 public:
  static constexpr std::size_t kMaxNameLength = 200;
  static constexpr std::size_t kMaxEmailLength = 254;
  static constexpr std::size_t kMaxPhoneLength = 40;
  static constexpr std::size_t kMaxContactLength = 1000;
  static constexpr int kMaxPageSize = 500;

  // Works on the caller's session, inside its transaction; every change is audited there.
  Users(soci::session& session, const Clock& clock, PasswordCost cost = PasswordCost::interactive())
      : session_(session), clock_(clock), cost_(cost) {}

  Result<User> create(const Principal& actor, const NewUser& user);
  Result<User> get(const Principal& actor, long long id);
  // Users visible to `actor`, ascending by id, after `after_id`.
  Result<UserPage> list(const Principal& actor, long long after_id, int limit);
  Result<User> update_profile(const Principal& actor, long long id, const ProfileChange& change);
  // Replaces every grant of the user.
  Result<User> set_roles(const Principal& actor, long long id,
                         const std::vector<RoleGrant>& grants);
  Result<User> grant(const Principal& actor, long long id, const RoleGrant& grant);
  Result<User> revoke(const Principal& actor, long long id, const RoleGrant& grant);
  // The actor's own password; `current` must match the stored one.
  Status change_own_password(const Principal& actor, const std::string& current,
                             const std::string& next);
  // An admin sets another user's password; also lifts a lockout and ends the user's sessions.
  Status reset_password(const Principal& actor, long long id, const std::string& next);
  Result<User> unlock(const Principal& actor, long long id);
  // Disabling ends the user's sessions; nobody disables themselves.
  Result<User> set_disabled(const Principal& actor, long long id, bool disabled);

  // The principal a session acts as: the user's name, email and grants. No authorization (the
  // caller has authenticated the user); kUnauthorized for a missing or disabled user.
  Result<Principal> load_principal(long long user_id);
  // The stored user, without authorization; nullopt if absent. For authentication and checks
  // made by other domain modules after their own authorization.
  Result<std::optional<User>> find(long long id);
  Result<std::optional<User>> find_by_email(const std::string& email);

  // The checks behind the rules above, for other modules (mimic, account team):
  // kNotFound if `actor` cannot see the user, kForbidden if it sees but may not manage them.
  Status check_can_read(const Principal& actor, const User& user);
  Status check_can_manage(const Principal& actor, const User& user);
  // Whether `actor` may give (or take away) this grant.
  Status check_can_grant(const Principal& actor, const RoleGrant& grant);

 private:
  Result<User> load_visible(const Principal& actor, long long id);
  Result<User> load_manageable(const Principal& actor, long long id);
  Status write_grants(long long user_id, const std::vector<RoleGrant>& grants);
  Status end_sessions(long long user_id);
  Status audit(const Principal& actor, long long user_id, const std::string& action,
               const std::string& details = "{}");

  soci::session& session_;
  const Clock& clock_;
  PasswordCost cost_;
};

// Normalises and checks a profile (trims, lower-cases the email); errors located by pointer
// under `prefix` (e.g. "" → "/email").
Result<UserProfile> validated_profile(const UserProfile& profile, const std::string& prefix = "");
// True for a plausible address: local@domain with a dot in the domain, no spaces or controls.
bool is_plausible_email(const std::string& email);
// The grants as JSON text for audit details: [{"role": "admin", "access_group_id": 3}, ...].
std::string grants_json(const std::vector<RoleGrant>& grants);

}  // namespace candela::control
